"""The risk-coverage curve: error among automated tickets against the share automated.

Lowering a score threshold automates more tickets and, with a useful score, lets
more wrong answers through. The curve shows the whole trade-off on replayed
tickets, and :func:`oracle_operating_point` finds the laxest threshold whose
*realised* error stays within a target: a ceiling that looks at the answers, so
no honest method can be expected to reach it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hybridroute.calibration.bounds import certified_error_bound
from hybridroute.calibration.result import RiskCoveragePoint
from hybridroute.exceptions import UsageError

__all__ = ["OraclePoint", "oracle_operating_point", "risk_coverage"]


def _cumulative(
    scores: NDArray[np.float64], wrong: NDArray[np.bool_]
) -> tuple[NDArray[np.float64], NDArray[np.int64], NDArray[np.int64]]:
    """Each distinct finite score, high to low, with the tickets and errors at or above it."""
    if scores.shape != wrong.shape:
        raise UsageError(f"got {scores.size} scores but {wrong.size} error flags")
    finite = np.isfinite(scores)
    s, e = scores[finite], wrong[finite]
    order = np.argsort(-s, kind="stable")
    s, e = s[order], e[order]
    if s.size == 0:
        empty = np.zeros(0, dtype=np.int64)
        return np.zeros(0), empty, empty
    last_of_tie = np.flatnonzero(np.append(s[1:] != s[:-1], True))
    n = (last_of_tie + 1).astype(np.int64)
    k = np.cumsum(e.astype(np.int64))[last_of_tie]
    return s[last_of_tie], n, k


def risk_coverage(
    scores: NDArray[np.float64],
    wrong: NDArray[np.bool_],
    *,
    delta: float = 0.1,
    n_points: int = 201,
) -> tuple[RiskCoveragePoint, ...]:
    """The curve at up to ``n_points`` thresholds, strict to lax.

    Parameters
    ----------
    scores : ndarray of float
        Each ticket's score; -inf for tickets that can never be automated.
    wrong : ndarray of bool
        Whether automating each ticket would be wrong.
    delta : float
        Each point's ``error_bound`` is the one-sided ``1 - delta``
        Clopper-Pearson upper bound on its error rate.
    n_points : int
        At most this many thresholds, spread evenly over the automation rate.

    Returns
    -------
    tuple of RiskCoveragePoint
        Automation rate over *all* tickets, error rate among those automated.
    """
    thresholds, n, k = _cumulative(np.asarray(scores, dtype=float), np.asarray(wrong, dtype=bool))
    if thresholds.size == 0:
        return ()
    picks = np.unique(np.searchsorted(n, np.linspace(n[0], n[-1], n_points), side="left"))
    total = scores.size
    return tuple(
        RiskCoveragePoint(
            threshold=float(thresholds[i]),
            automation_rate=float(n[i] / total),
            error_rate=float(k[i] / n[i]),
            error_bound=certified_error_bound(int(k[i]), int(n[i]), delta),
        )
        for i in picks
    )


@dataclass(frozen=True)
class OraclePoint:
    """The laxest threshold whose realised error is within the target."""

    threshold: float | None
    automation_rate: float
    error_rate: float
    n_automated: int


def oracle_operating_point(
    scores: NDArray[np.float64], wrong: NDArray[np.bool_], alpha: float
) -> OraclePoint:
    """The most automation any threshold reaches with realised error at most ``alpha``.

    It is chosen *with* the answers, so it is a ceiling for comparison, never a
    threshold to deploy.
    """
    thresholds, n, k = _cumulative(np.asarray(scores, dtype=float), np.asarray(wrong, dtype=bool))
    ok = np.flatnonzero(k <= alpha * n)
    if ok.size == 0:
        return OraclePoint(None, 0.0, 0.0, 0)
    best = int(ok[np.argmax(n[ok])])
    return OraclePoint(
        threshold=float(thresholds[best]),
        automation_rate=float(n[best] / scores.size),
        error_rate=float(k[best] / n[best]),
        n_automated=int(n[best]),
    )
