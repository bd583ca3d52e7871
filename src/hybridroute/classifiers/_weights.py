"""Feature weights a user overrides: checked once, merged over the documented defaults."""

from __future__ import annotations

import math
from collections.abc import Mapping

from hybridroute.exceptions import UsageError

__all__ = ["checked_weights"]


def checked_weights(
    weights: Mapping[str, float] | None, defaults: Mapping[str, float], *, kind: str
) -> dict[str, float]:
    """The defaults with ``weights`` laid over them, refusing unknown or non-finite weights.

    Parameters
    ----------
    weights : mapping of str to float, optional
        The weights to change; features not named keep their default.
    defaults : mapping of str to float
        The weight of every feature the scorer knows, when nothing overrides it.
    kind : str
        What the scorer measures (``"complexity"``, ``"sentiment"``), for messages.

    Raises
    ------
    UsageError
        If a weight names an unknown feature or is not a finite number.
    """
    features = list(defaults)
    overrides = dict(weights or {})
    unknown = sorted(set(overrides) - set(features))
    if unknown:
        raise UsageError(f"unknown {kind} feature(s) {unknown} in weights; choose among {features}")
    bad = sorted(k for k, v in overrides.items() if not math.isfinite(v))
    if bad:
        raise UsageError(f"{kind} weights must be finite numbers; not finite: {bad}")
    return {**defaults, **{k: float(v) for k, v in overrides.items()}}
