"""The exact binomial maths behind certificates: checked exactly, not by simulation."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import binom

from hybridroute.calibration import (
    binomial_p_value,
    certified_error_bound,
    clopper_pearson_interval,
    min_tickets_to_certify,
)

rates = st.floats(0.005, 0.3)
levels = st.floats(0.01, 0.3)


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 400), rates, levels, st.floats(0, 1))
def test_p_value_is_valid_under_every_null(
    n: int, alpha: float, delta: float, excess: float
) -> None:
    """If the true error rate is at least alpha, P(p <= delta) <= delta, exactly."""
    true_rate = alpha + excess * (1 - alpha)
    ks = np.arange(n + 1)
    rejects = np.array([binomial_p_value(int(k), n, alpha) <= delta for k in ks])
    assert binom.pmf(ks[rejects], n, true_rate).sum() <= delta + 1e-12


@settings(max_examples=300, deadline=None)
@given(st.integers(1, 400), st.floats(0.001, 0.5), levels)
def test_upper_bound_never_under_covers(n: int, true_rate: float, delta: float) -> None:
    """P(bound < true rate) <= delta, summed exactly over every possible error count."""
    ks = np.arange(n + 1)
    below = np.array([certified_error_bound(int(k), n, delta) < true_rate for k in ks])
    assert binom.pmf(ks[below], n, true_rate).sum() <= delta + 1e-9


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 300), st.integers(0, 300), levels)
def test_bound_and_test_agree(n: int, errors: int, delta: float) -> None:
    """The bound is the smallest alpha the test would certify."""
    k = min(errors, n)
    bound = certified_error_bound(k, n, delta)
    if bound < 1:
        assert binomial_p_value(k, n, min(bound * 1.001, 1.0)) <= delta * 1.01
        assert binomial_p_value(k, n, bound * 0.99) > delta * 0.99


def test_zero_errors_need_114_tickets_at_2_percent() -> None:
    assert min_tickets_to_certify(0.02, 0.1) == 114
    assert binomial_p_value(0, 114, 0.02) <= 0.1 < binomial_p_value(0, 113, 0.02)


def test_nothing_observed_means_nothing_known() -> None:
    assert binomial_p_value(0, 0, 0.02) == 1.0
    assert certified_error_bound(0, 0, 0.1) == 1.0
    assert certified_error_bound(5, 5, 0.1) == 1.0
    assert clopper_pearson_interval(0, 0) == (0.0, 1.0)


def test_interval_contains_the_observed_rate() -> None:
    low, high = clopper_pearson_interval(7, 200)
    assert low < 7 / 200 < high


def test_vectorised_p_values_match_the_scalar_ones() -> None:
    from hybridroute.calibration import binomial_p_value, binomial_p_values

    errors = [0, 1, 5, 0, 3, 40]
    n = [0, 10, 114, 114, 500, 1000]
    expected = [binomial_p_value(k, m, 0.02) for k, m in zip(errors, n, strict=True)]
    assert binomial_p_values(errors, n, 0.02).tolist() == pytest.approx(expected, rel=1e-12)
