"""Exact binomial tests and bounds for the error rate of automated tickets.

If tickets are exchangeable, the errors among the ``n`` calibration tickets that
a threshold automates are Binomial(n, R), where R is the error rate the same
threshold will have on live tickets. Everything here is exact (no normal
approximation), so it holds for small ``n`` too.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "binomial_p_value",
    "binomial_p_values",
    "certified_error_bound",
    "clopper_pearson_interval",
    "min_tickets_to_certify",
]


def binomial_p_value(errors: int, n: int, alpha: float) -> float:
    """p-value for the null hypothesis "the error rate exceeds ``alpha``".

    Small values are evidence that the true error rate is at most ``alpha``.
    Under the null (true rate > alpha), ``P(p <= delta) <= delta`` for every delta,
    because the binomial CDF decreases in the success probability.

    Parameters
    ----------
    errors : int
        Wrong answers among the automated calibration tickets.
    n : int
        Automated calibration tickets.
    alpha : float
        The error rate to certify, in (0, 1).

    Returns
    -------
    float
        ``P(Binomial(n, alpha) <= errors)``; 1.0 when ``n == 0``.
    """
    from scipy.stats import binom  # lazy: scipy.stats costs ~1 s at import

    if n == 0:
        return 1.0
    return float(binom.cdf(errors, n, alpha))


def binomial_p_values(errors: ArrayLike, n: ArrayLike, alpha: float) -> NDArray[np.float64]:
    """:func:`binomial_p_value` for many (errors, n) pairs in one vectorised call."""
    from scipy.stats import binom  # lazy: scipy.stats costs ~1 s at import

    k = np.asarray(errors, dtype=np.int64)
    m = np.asarray(n, dtype=np.int64)
    p: NDArray[np.float64] = np.where(m == 0, 1.0, binom.cdf(k, np.maximum(m, 1), alpha))
    return p


def certified_error_bound(errors: int, n: int, delta: float) -> float:
    """One-sided ``1 - delta`` upper confidence bound on an error rate (Clopper-Pearson).

    The smallest ``alpha`` for which :func:`binomial_p_value` would be ``<= delta``.
    Returns 1.0 for ``n == 0`` (nothing observed, nothing known).
    """
    from scipy.stats import beta  # lazy: scipy.stats costs ~1 s at import

    if n == 0 or errors >= n:
        return 1.0
    return float(beta.ppf(1.0 - delta, errors + 1, n - errors))


def clopper_pearson_interval(errors: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Two-sided exact interval for a binomial rate, for reports."""
    from scipy.stats import beta  # lazy: scipy.stats costs ~1 s at import

    if n == 0:
        return 0.0, 1.0
    tail = (1.0 - confidence) / 2
    low = 0.0 if errors == 0 else float(beta.ppf(tail, errors, n - errors + 1))
    high = 1.0 if errors == n else float(beta.ppf(1 - tail, errors + 1, n - errors))
    return low, high


def min_tickets_to_certify(alpha: float, delta: float) -> int:
    """Fewest automated calibration tickets that could certify ``alpha``, with zero errors.

    ``(1 - alpha) ** n <= delta``; for alpha = 0.02, delta = 0.1 this is 114.
    """
    return math.ceil(math.log(delta) / math.log(1.0 - alpha))
