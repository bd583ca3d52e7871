"""Reliability of a classifier's confidence: does 0.9 confidence mean 90% right?"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hybridroute.exceptions import UsageError

__all__ = ["ReliabilityBin", "expected_calibration_error", "reliability_bins"]


@dataclass(frozen=True)
class ReliabilityBin:
    """Tickets whose confidence fell in ``[low, high)`` (the last bin includes 1)."""

    low: float
    high: float
    n: int
    mean_confidence: float
    accuracy: float


def reliability_bins(
    confidence: NDArray[np.float64], correct: NDArray[np.bool_], *, n_bins: int = 10
) -> tuple[ReliabilityBin, ...]:
    """Equal-width confidence bins with the accuracy inside each (empty bins left out).

    Parameters
    ----------
    confidence : ndarray of float
        Each ticket's top-intent probability, in [0, 1].
    correct : ndarray of bool
        Whether that top intent was right.
    n_bins : int
        Number of equal-width bins over [0, 1].
    """
    conf = np.asarray(confidence, dtype=float)
    ok = np.asarray(correct, dtype=bool)
    if conf.shape != ok.shape:
        raise UsageError(f"got {conf.size} confidences but {ok.size} correctness flags")
    if n_bins < 1:
        raise UsageError(f"n_bins must be at least 1; got {n_bins}")
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    which = np.clip(np.digitize(conf, edges[1:-1], right=False), 0, n_bins - 1)
    bins = []
    for b in range(n_bins):
        inside = which == b
        if inside.any():
            bins.append(
                ReliabilityBin(
                    low=float(edges[b]),
                    high=float(edges[b + 1]),
                    n=int(inside.sum()),
                    mean_confidence=float(conf[inside].mean()),
                    accuracy=float(ok[inside].mean()),
                )
            )
    return tuple(bins)


def expected_calibration_error(bins: tuple[ReliabilityBin, ...]) -> float:
    """Average gap between confidence and accuracy, weighted by tickets per bin."""
    total = sum(b.n for b in bins)
    if total == 0:
        return 0.0
    return sum(b.n * abs(b.mean_confidence - b.accuracy) for b in bins) / total
