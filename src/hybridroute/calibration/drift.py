"""Is the traffic being routed still like the calibration data?

The certificate holds only while live tickets are exchangeable with the
calibration tickets. Two checks warn when they visibly are not:

* the share of tickets at or above the certified threshold (the automation rate)
  compared with calibration, by an exact two-sided binomial test that also
  allows for the calibration estimate's own uncertainty (a pooled two-proportion
  test when both samples are large);
* the whole score distribution, by a two-sample Kolmogorov-Smirnov test.

A drift warning does not prove the error rate rose; it says the guarantee's
premise no longer visibly holds, so recalibrate on recent labelled tickets.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["DriftReport", "DriftWarning", "check_drift"]


class DriftWarning(UserWarning):
    """Live tickets no longer look like the calibration data; recalibrate."""


@dataclass(frozen=True)
class DriftReport:
    """The outcome of a drift check."""

    n_live: int
    automation_rate_live: float
    automation_rate_calibration: float
    p_value_rate: float
    ks_statistic: float
    p_value_scores: float
    significance: float

    @property
    def drifted(self) -> bool:
        """True when either test rejects at ``significance``."""
        return min(self.p_value_rate, self.p_value_scores) < self.significance

    @property
    def message(self) -> str:
        """A sentence a person can act on."""
        if not self.drifted:
            return (
                f"no drift detected on {self.n_live} tickets (automation "
                f"{self.automation_rate_live:.1%} vs {self.automation_rate_calibration:.1%} "
                "at calibration)"
            )
        return (
            f"live tickets differ from the calibration data (automation "
            f"{self.automation_rate_live:.1%} vs {self.automation_rate_calibration:.1%}, "
            f"p = {self.p_value_rate:.2g}; score distribution KS = {self.ks_statistic:.3f}, "
            f"p = {self.p_value_scores:.2g}). The error guarantee assumes live tickets are "
            "exchangeable with the calibration tickets; recalibrate on recent labelled tickets."
        )


def _two_proportion_p(k1: int, n1: int, k2: int, n2: int) -> float:
    from scipy.stats import norm  # lazy: scipy.stats costs ~1 s at import

    pooled = (k1 + k2) / (n1 + n2)
    var = pooled * (1 - pooled) * (1 / n1 + 1 / n2)
    if var <= 0:
        return 1.0 if k1 / n1 == k2 / n2 else 0.0
    z = (k1 / n1 - k2 / n2) / math.sqrt(var)
    return float(2 * norm.sf(abs(z)))


def check_drift(
    reference_scores: Sequence[float],
    threshold: float | None,
    live_scores: Sequence[float],
    *,
    significance: float = 0.01,
    warn: bool = True,
) -> DriftReport:
    """Compare live scores with the calibration scores; warn with :class:`DriftWarning`.

    Parameters
    ----------
    reference_scores : sequence of float
        Scores of the calibration (test-split) tickets.
    threshold : float or None
        The certified threshold (None: nothing certified; only the KS test applies).
    live_scores : sequence of float
        Scores of the tickets being routed.
    significance : float
        Level of each test.
    warn : bool
        Emit a :class:`DriftWarning` when drift is detected.
    """
    from scipy.stats import ks_2samp  # lazy: scipy.stats costs ~1 s at import

    ref = np.asarray(reference_scores, dtype=float)
    live = np.asarray(live_scores, dtype=float)
    if ref.size == 0 or live.size == 0:
        raise ValueError("drift check needs at least one reference and one live score")
    cut = np.inf if threshold is None else threshold
    k_ref, k_live = int((ref >= cut).sum()), int((live >= cut).sum())
    p_rate = _two_proportion_p(k_live, live.size, k_ref, ref.size)
    ks = ks_2samp(live, ref)
    report = DriftReport(
        n_live=int(live.size),
        automation_rate_live=k_live / live.size,
        automation_rate_calibration=k_ref / ref.size,
        p_value_rate=p_rate,
        ks_statistic=float(ks.statistic),
        p_value_scores=float(ks.pvalue),
        significance=significance,
    )
    if warn and report.drifted:
        warnings.warn(report.message, DriftWarning, stacklevel=2)
    return report
