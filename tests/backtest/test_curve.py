"""The risk-coverage curve and the test-set oracle, against brute force."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from hybridroute.backtest import oracle_operating_point, risk_coverage
from hybridroute.calibration import certified_error_bound

scores_and_errors = st.integers(1, 60).flatmap(
    lambda n: st.tuples(
        st.lists(st.sampled_from([0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 1.0]), min_size=n, max_size=n),
        st.lists(st.booleans(), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(scores_and_errors, st.floats(0.0, 0.5))
def test_oracle_is_the_laxest_threshold_within_alpha(data, alpha) -> None:
    scores, wrong = np.array(data[0]), np.array(data[1])
    point = oracle_operating_point(scores, wrong, alpha)
    best = 0
    for t in np.unique(scores):
        chosen = scores >= t
        if wrong[chosen].sum() <= alpha * chosen.sum():
            best = max(best, int(chosen.sum()))
    assert point.n_automated == best


@settings(max_examples=60, deadline=None)
@given(scores_and_errors)
def test_curve_points_are_exact_counts(data) -> None:
    scores, wrong = np.array(data[0]), np.array(data[1])
    for p in risk_coverage(scores, wrong, delta=0.1):
        chosen = scores >= p.threshold
        assert p.automation_rate == chosen.mean()
        assert p.error_rate == wrong[chosen].mean()
        assert p.error_bound == certified_error_bound(
            int(wrong[chosen].sum()), int(chosen.sum()), 0.1
        )


def test_tickets_that_can_never_be_automated_stay_off_the_curve() -> None:
    scores = np.array([0.9, 0.8, -np.inf, -np.inf])
    curve = risk_coverage(scores, np.array([False, True, True, True]))
    assert curve[-1].automation_rate == 0.5 and curve[-1].error_rate == 0.5
