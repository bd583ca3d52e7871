"""The leaf conditions that read one value of a ticket: a comparison with a constant
(``>=``, ``==`` ...), membership (``isin``), and a detection signal that fired.

They are built by the operands of :mod:`~hybridroute.policy.operands` and read them
through :class:`Readable`. A missing value (signal not produced, field absent) never
satisfies a comparison.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Any, Protocol

from hybridroute.exceptions import PolicyDefinitionError
from hybridroute.models import DetectionSignal, IntentSignal
from hybridroute.policy.conditions import Condition
from hybridroute.policy.context import MISSING, Context

__all__ = ["COMPARISONS", "Compare", "Detected", "IsIn", "Readable", "Scalar"]

Scalar = str | int | float | bool | None

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}
"""The comparison operators a condition may use, by symbol."""

_NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}

#: Longest set quoted in full in an explanation.
_LIST_LIMIT = 6


class Readable(Protocol):
    """What a comparison reads from: a signal's value or a ticket field."""

    def resolve(self, ctx: Context) -> Any:
        """The value for this ticket, or :data:`~hybridroute.policy.context.MISSING`."""
        ...

    def describe(self) -> str:
        """How explanations name it (``intent.confidence``, ``ticket.channel``)."""
        ...

    def signals_used(self) -> frozenset[str]:
        """Names of the signals it reads."""
        ...

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description."""
        ...


def _fmt(value: Any) -> str:
    if value is MISSING:
        return "missing"
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, (tuple, list, frozenset, set)):
        return "{" + ", ".join(sorted(map(str, value))) + "}" if value else "{}"
    return repr(value)


class Compare(Condition):
    """``operand <op> constant``."""

    __slots__ = ("op", "operand", "value")

    def __init__(self, operand: Readable, op: str, value: Scalar) -> None:
        if op not in COMPARISONS:
            raise PolicyDefinitionError(
                f"unknown comparison {op!r}; use one of {list(COMPARISONS)}"
            )
        if isinstance(value, float) and math.isnan(value):
            raise PolicyDefinitionError(f"{operand!r} {op} nan: NaN never compares true")
        self.operand, self.op, self.value = operand, op, value

    def matches(self, ctx: Context) -> bool:
        return self._holds(self.operand.resolve(ctx))

    def _holds(self, actual: Any) -> bool:
        if actual is MISSING:
            return False
        try:
            return bool(COMPARISONS[self.op](actual, self.value))
        except TypeError as exc:
            raise PolicyDefinitionError(
                f"{self!r}: cannot compare {actual!r} ({type(actual).__name__}) with "
                f"{self.value!r} ({type(self.value).__name__})"
            ) from exc

    def explain(self, ctx: Context) -> tuple[bool, tuple[str, ...]]:
        actual = self.operand.resolve(ctx)  # read once, for the verdict and its words
        ok = self._holds(actual)
        name = self.operand.describe()
        if actual is MISSING:
            return ok, (f"{name} is missing",)
        sign = self.op if ok else _NEGATED[self.op]
        return ok, (f"{name} = {_fmt(actual)} {sign} {_fmt(self.value)}",)

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "left": self.operand.to_dict(), "right": self.value}

    def _own_signals(self) -> frozenset[str]:
        return self.operand.signals_used()

    def __repr__(self) -> str:
        return f"{self.operand!r} {self.op} {self.value!r}"


class IsIn(Condition):
    """``operand`` (or any of its labels) is one of ``values``."""

    __slots__ = ("operand", "values")

    def __init__(self, operand: Readable, values: frozenset[Scalar]) -> None:
        if not values:
            raise PolicyDefinitionError(f"{operand!r}.isin(...) needs at least one value")
        self.operand, self.values = operand, values

    def matches(self, ctx: Context) -> bool:
        return self._holds(self.operand.resolve(ctx))

    def _holds(self, actual: Any) -> bool:
        if actual is MISSING:
            return False
        if isinstance(actual, tuple):
            return not self.values.isdisjoint(actual)
        return actual in self.values

    def explain(self, ctx: Context) -> tuple[bool, tuple[str, ...]]:
        actual = self.operand.resolve(ctx)  # read once, for the verdict and its words
        ok = self._holds(actual)
        name = self.operand.describe()
        if actual is MISSING:
            return ok, (f"{name} is missing",)
        if isinstance(actual, tuple) and ok:
            hits = sorted(str(v) for v in self.values.intersection(actual))
            return ok, (f"{name} include {_fmt(hits)}",)
        verb = "in" if ok else "not in"
        listed = (
            _fmt(self.values)
            if len(self.values) <= _LIST_LIMIT
            else f"the {len(self.values)} listed values"
        )
        return ok, (f"{name} = {_fmt(actual)} {verb} {listed}",)

    def to_dict(self) -> dict[str, Any]:
        return {
            "op": "in",
            "left": self.operand.to_dict(),
            "right": sorted(self.values, key=lambda v: (str(type(v)), str(v))),
        }

    def _own_signals(self) -> frozenset[str]:
        return self.operand.signals_used()

    def __repr__(self) -> str:
        return f"{self.operand!r} in {_fmt(self.values)}"


class Detected(Condition):
    """A detection signal fired (``hr.signal("human_request")`` used as a condition)."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def matches(self, ctx: Context) -> bool:
        sig = ctx.signals.get(self.name)
        if sig is None:
            return False
        if isinstance(sig, DetectionSignal):
            return sig.detected
        kind = "intent" if isinstance(sig, IntentSignal) else "score"
        raise PolicyDefinitionError(
            f"signal({self.name!r}) is a {kind} signal, not a detection, so it cannot be "
            f"used on its own as a condition; compare it instead, e.g. "
            f"hr.signal({self.name!r}) >= 0.5"
        )

    def explain(self, ctx: Context) -> tuple[bool, tuple[str, ...]]:
        ok = self.matches(ctx)
        sig = ctx.signals.get(self.name)
        if sig is None:
            return ok, (f"{self.name} is missing",)
        assert isinstance(sig, DetectionSignal)
        if not ok:
            return ok, (f"{self.name} not detected",)
        said = f" ({'; '.join(repr(e) for e in sig.evidence[:3])})" if sig.evidence else ""
        return ok, (f"{self.name} detected{said}",)

    def to_dict(self) -> dict[str, Any]:
        return {"detected": self.name}

    def _own_signals(self) -> frozenset[str]:
        return frozenset({self.name})

    def __repr__(self) -> str:
        return f"signal({self.name!r})"
