"""Learn-then-Test with fixed-sequence testing over a grid of thresholds.

For each candidate threshold ``t`` the null hypothesis is ``H_t: R(t) > alpha``,
where ``R(t)`` is the error rate among tickets scoring at least ``t``. The
candidates are tested in a fixed order, strict to lax, each at level ``delta``;
testing stops at the first that cannot be rejected. Every threshold rejected
before that stop is certified *simultaneously*: with probability at least
``1 - delta`` none of them has an error rate above ``alpha`` (Angelopoulos,
Bates, Candès, Jordan, Lei, "Learn then Test", 2021; the fixed-sequence
procedure controls the family-wise error rate at ``delta`` for any order fixed
before the test data are seen).

Where the sequence *starts* matters for power, not validity. Starting at the
very strictest threshold wastes the test on a handful of tickets: with 228
tickets, two mislabelled ones already give a p-value of 0.16 at alpha = 0.02,
the sequence stops, and nothing is certified. hybridroute therefore picks the
start (and the grid) on a separate *tuning* split of the calibration data, never
on the tickets used for the test, so the order is fixed before the test data are
seen and the guarantee stays exact. See :func:`plan_sequences`.

A second risk can be controlled at the same time: the share of *flagged* tickets
(out of scope, in practice) that a threshold automates, ``L(t) <= leak_limit``.
Each threshold's null is then the union ``R(t) > alpha or L(t) > leak_limit``, and
its p-value the larger of the two binomial p-values, which is valid for the union:
under the null one of the two nulls is true, and the larger p-value is at least
that one's. The fixed-sequence procedure is unchanged, so every certified
threshold controls both risks together with probability at least ``1 - delta``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hybridroute.calibration.bounds import binomial_p_values

__all__ = ["LeakRisk", "SequenceResult", "counts_at", "plan_sequences", "run_fixed_sequence"]


#: Errors a fallback start should be able to absorb (see :func:`plan_sequences`).
_FALLBACK_SLACK = 3.0


def counts_at(
    scores: NDArray[np.float64], errors: NDArray[np.bool_], thresholds: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """For each threshold, how many tickets score at least it, and how many of those are wrong."""
    order = np.argsort(-scores, kind="stable")
    sorted_scores = scores[order]
    cum_errors = np.concatenate([[0], np.cumsum(errors[order].astype(np.int64))])
    # number of scores >= t, with scores sorted descending
    n = np.searchsorted(-sorted_scores, -np.asarray(thresholds), side="right").astype(np.int64)
    return n, cum_errors[n]


@dataclass(frozen=True)
class LeakRisk:
    """The second risk: at most ``limit`` of the ``flagged`` tickets may be automated."""

    flagged: NDArray[np.bool_]
    """One entry per ticket: True for the tickets that must not be automated (out of scope)."""
    limit: float

    def __post_init__(self) -> None:
        if not 0 < self.limit < 1:
            raise ValueError(f"leak limit must be strictly between 0 and 1; got {self.limit}")

    def counts(
        self, scores: NDArray[np.float64], thresholds: NDArray[np.float64]
    ) -> NDArray[np.int64]:
        """How many flagged tickets score at least each threshold."""
        flagged = scores[self.flagged]
        return counts_at(flagged, np.zeros(flagged.size, dtype=bool), thresholds)[0]


@dataclass(frozen=True)
class SequenceResult:
    """The outcome of one fixed-sequence test."""

    thresholds: tuple[float, ...]
    n: tuple[int, ...]
    errors: tuple[int, ...]
    p_values: tuple[float, ...]
    level: float
    rejected: int
    """How many thresholds, from the start of the sequence, were certified."""
    leaks: tuple[int, ...] = ()
    """With a :class:`LeakRisk`: flagged tickets automated at each threshold."""
    n_flagged: int = 0

    @property
    def certified_thresholds(self) -> tuple[float, ...]:
        """All thresholds certified, strict to lax."""
        return self.thresholds[: self.rejected]


def run_fixed_sequence(
    scores: NDArray[np.float64],
    errors: NDArray[np.bool_],
    thresholds: NDArray[np.float64],
    alpha: float,
    level: float,
    leak: LeakRisk | None = None,
) -> SequenceResult:
    """Test ``R(t) <= alpha`` (and ``L(t) <= leak.limit``) at each threshold in order.

    Stops at the first threshold that cannot be rejected.
    """
    n, k = counts_at(scores, errors, thresholds)
    p = binomial_p_values(k, n, alpha)
    leaks: tuple[int, ...] = ()
    n_flagged = 0
    if leak is not None:
        n_flagged = int(leak.flagged.sum())
        counted = leak.counts(scores, thresholds)
        leaks = tuple(int(x) for x in counted)
        # the union null's p-value is the larger of the two
        p = np.maximum(p, binomial_p_values(counted, np.full_like(counted, n_flagged), leak.limit))
    rejected = 0
    for value in p:
        if value > level:
            break
        rejected += 1
    return SequenceResult(
        thresholds=tuple(float(t) for t in thresholds),
        n=tuple(int(x) for x in n),
        errors=tuple(int(x) for x in k),
        p_values=tuple(float(x) for x in p),
        level=level,
        rejected=rejected,
        leaks=leaks,
        n_flagged=n_flagged,
    )


def _smoothed_risk(
    scores: NDArray[np.float64], errors: NDArray[np.bool_], thresholds: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Error rate above each threshold, smoothed by a logistic fit of error on logit(score).

    Raw counts above a threshold are too noisy on a small tuning split (a run of
    lucky tickets makes a risky threshold look safe); the two-parameter fit borrows
    strength from every tuning ticket.
    """
    from scipy.stats import beta  # lazy: scipy.stats costs ~1 s at import
    from sklearn.linear_model import LogisticRegression

    finite = np.isfinite(scores)
    s, e = scores[finite], errors[finite]
    n, k = counts_at(scores, errors, thresholds)
    if e.all() or not e.any() or np.ptp(s) == 0:
        return np.asarray(beta.ppf(0.75, k + 0.5, n - k + 0.5), dtype=float)
    clipped = np.clip(s, 1e-6, 1 - 1e-6)
    feature = np.log(clipped / (1 - clipped)).reshape(-1, 1)
    fitted = LogisticRegression(C=100.0).fit(feature, e).predict_proba(feature)[:, 1]
    order = np.argsort(-s, kind="stable")
    cum = np.concatenate([[0.0], np.cumsum(fitted[order])])
    above = np.searchsorted(-s[order], -thresholds, side="right")
    return np.where(above > 0, cum[above] / np.maximum(above, 1), 0.0)


def _error_slack(
    risk: NDArray[np.float64],
    n_tune: NDArray[np.int64],
    tune_size: int,
    test_size: int,
    alpha: float,
    level: float,
    caution: float = 1.25,
) -> NDArray[np.float64]:
    """How many unexpected errors each grid point could absorb and still be certified.

    The test split's count at each point is the tuning count scaled up, and its
    expected errors that count times the guessed ``risk`` (inflated by
    ``caution``). The slack is the largest error count the binomial test still
    rejects, minus the expected errors: small counts have negative slack (they
    cannot be certified at all), risky points too; the best start sits between.
    """
    from scipy.stats import binom  # lazy: scipy.stats costs ~1 s at import

    expected_n = np.maximum(np.round(n_tune / max(tune_size, 1) * test_size), 1).astype(int)
    k_crit = binom.ppf(level, expected_n, alpha).astype(int)
    # binom.ppf gives the smallest k with cdf >= level; step back where cdf exceeds it
    k_crit = np.where(binom.cdf(k_crit, expected_n, alpha) > level, k_crit - 1, k_crit)
    slack: NDArray[np.float64] = k_crit - expected_n * np.minimum(risk * caution, 1.0)
    return slack


def _smoothed_leak(
    scores: NDArray[np.float64], flagged: NDArray[np.bool_], thresholds: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Share of flagged tickets scoring at least each threshold, smoothed.

    A tuning split holds few flagged tickets (tens), so the raw share is 0 at every
    strict threshold and jumps by several points per ticket. As in
    :func:`_smoothed_risk`, a logistic fit of "flagged" on logit(score) over *all*
    tuning tickets borrows strength: the expected flagged count above ``t`` is the
    sum of the fitted probabilities there.
    """
    from sklearn.linear_model import LogisticRegression

    total = int(flagged.sum())
    finite = np.isfinite(scores)
    s, f = scores[finite], flagged[finite]
    if total == 0:
        return np.zeros(thresholds.size)
    if f.all() or not f.any() or np.ptp(s) == 0:
        counts = counts_at(scores[flagged], np.zeros(total, dtype=bool), thresholds)[0]
        return np.asarray((counts + 0.5) / (total + 1.0), dtype=float)
    clipped = np.clip(s, 1e-6, 1 - 1e-6)
    feature = np.log(clipped / (1 - clipped)).reshape(-1, 1)
    fitted = LogisticRegression(C=100.0).fit(feature, f).predict_proba(feature)[:, 1]
    order = np.argsort(-s, kind="stable")
    cum = np.concatenate([[0.0], np.cumsum(fitted[order])])
    above = np.searchsorted(-s[order], -thresholds, side="right")
    return np.asarray(cum[above] / total, dtype=float)


def _leak_slack(
    leak: NDArray[np.float64],
    n_flagged_tune: int,
    tune_size: int,
    test_size: int,
    limit: float,
    level: float,
    caution: float = 1.25,
) -> NDArray[np.float64]:
    """Like :func:`_error_slack`, for the flagged tickets a threshold would automate.

    The test split's flagged count is the tuning share scaled up, and the expected
    leaks at each threshold that count times the smoothed tuning ``leak`` rate
    (inflated by ``caution``).
    """
    from scipy.stats import binom  # lazy: scipy.stats costs ~1 s at import

    m = max(round(n_flagged_tune / max(tune_size, 1) * test_size), 1)
    k_crit = int(binom.ppf(level, m, limit))
    if binom.cdf(k_crit, m, limit) > level:
        k_crit -= 1
    slack: NDArray[np.float64] = k_crit - m * np.minimum(leak * caution, 1.0)
    return slack


def plan_sequences(
    tune_scores: NDArray[np.float64],
    tune_errors: NDArray[np.bool_],
    alpha: float,
    delta: float,
    *,
    test_size: int,
    grid_size: int = 200,
    backup_share: float = 0.1,
    tune_leak: LeakRisk | None = None,
) -> list[tuple[NDArray[np.float64], float]]:
    """Choose, on the tuning split only, the sequences to test and their levels.

    The grid is the tuning scores' quantiles at ``grid_size`` evenly spaced
    automation rates, strict to lax. The *main* sequence starts at the grid point
    that could absorb the most unexpected errors and still be certified, judged
    from the tuning split (see :func:`_error_slack`): strict enough that the risk
    there is well below ``alpha``, lax enough that hundreds of test tickets stand
    behind it, so a few mislabelled tickets cannot stop the sequence. From there
    it walks toward laxer thresholds. A *backup* sequence starts at half that automation rate in
    case the tuning split was optimistic. The two share ``delta`` (Bonferroni): the
    main one gets ``(1 - backup_share) * delta``.

    With ``tune_leak`` (the tuning tickets' flags and the leak limit), a point's
    slack is the smaller of its error slack and its leak slack, so the start is
    the point furthest from failing *either* test.

    Returns
    -------
    list of (thresholds, level)
        Each sequence's thresholds in test order and its significance level.
    """
    finite = tune_scores[np.isfinite(tune_scores)]
    if finite.size == 0:
        return []
    coverage = np.linspace(1.0 / grid_size, 1.0, grid_size)
    grid = np.unique(np.quantile(finite, 1.0 - coverage, method="higher"))[::-1]
    n, _k = counts_at(tune_scores, tune_errors, grid)
    main_level = (1 - backup_share) * delta
    risk = _smoothed_risk(tune_scores, tune_errors, grid)
    slack = _error_slack(risk, n, tune_scores.size, test_size, alpha, main_level)
    leak_slack = None
    if tune_leak is not None:
        leak_slack = _leak_slack(
            _smoothed_leak(tune_scores, tune_leak.flagged, grid),
            int(tune_leak.flagged.sum()),
            tune_scores.size,
            test_size,
            tune_leak.limit,
            main_level,
        )
        slack = np.minimum(slack, leak_slack)
    start = int(np.argmax(slack))
    if slack[start] < 1:
        # The tuning split sees no comfortable point (often: a few unlucky errors among
        # its top tickets). Start at the strictest point where the test split would
        # have the volume to absorb a few errors if the risk there were a quarter of
        # alpha; the sequence decides the rest.
        volume_only = np.full(grid.size, alpha / 4)
        slack = _error_slack(volume_only, n, tune_scores.size, test_size, alpha, main_level)
        room = slack >= _FALLBACK_SLACK
        if leak_slack is not None:
            # the leak test has its own volume (the flagged tickets), often too small
            # for a few spare leaks: ask only that the expected leaks pass
            room &= leak_slack >= 0
            slack = np.minimum(slack, leak_slack)
        roomy = np.flatnonzero(room)
        start = int(roomy[0]) if roomy.size else int(np.argmax(slack))
    backup = min(int(np.searchsorted(n, n[start] // 2)), start)
    if backup_share <= 0 or backup == start:
        return [(grid[start:], delta)]
    return [(grid[start:], main_level), (grid[backup:], backup_share * delta)]
