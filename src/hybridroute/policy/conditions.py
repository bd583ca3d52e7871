"""Conditions over signals and ticket fields, composed with ``&``, ``|`` and ``~``.

Build conditions from two kinds of *operand*:

* :func:`signal` refers to a classifier's signal by name. Compared directly it
  uses the signal's headline value (an intent's confidence, a score's value, a
  detection's confidence); its attributes ``confidence``, ``margin``, ``value``,
  ``label`` and ``labels`` refer to the parts. Used on its own as a condition it
  means "detected" (for detection signals such as ``human_request``).
* :func:`field` refers to a ticket field by dotted path: ``"channel"``,
  ``"customer.tier"``, ``"customer.previous_contacts"``, ``"metadata.order_total"``,
  ``"turns"``.

Comparisons (``>=``, ``<``, ``==`` ...), :meth:`Operand.isin` and
:meth:`Operand.between` turn an operand into a :class:`Condition`. A missing
value (signal not produced, field absent) never satisfies a comparison.

Conditions are plain values: printable, comparable (``==`` compares structure),
hashable and serialisable with :meth:`Condition.to_dict` / :func:`condition_from_dict`.
Python's ``and``/``or``/``not`` and chained comparisons would silently evaluate a
condition as a boolean, so doing that raises :class:`PolicyDefinitionError`.

Examples
--------
>>> import hybridroute as hr
>>> confident = hr.signal("intent").confidence >= 0.9
>>> calm = hr.signal("sentiment") < 0.5
>>> print(confident & calm)
(signal('intent').confidence >= 0.9) & (signal('sentiment') < 0.5)
"""

from __future__ import annotations

import json
import math
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any, NoReturn

from hybridroute.exceptions import PolicyDefinitionError
from hybridroute.models import DetectionSignal, IntentSignal, Signal, Ticket

__all__ = [
    "ALWAYS",
    "Condition",
    "Context",
    "FieldRef",
    "Operand",
    "SignalRef",
    "condition_from_dict",
    "field",
    "signal",
]

Scalar = str | int | float | bool | None

_MISSING: Any = object()

_BOOL_HINT = (
    "Conditions are evaluated by the router for each ticket, so they cannot be used as "
    "a Python bool. Combine them with & (and), | (or) and ~ (not) instead of 'and', "
    "'or', 'not', and write a range as x.between(low, high) instead of low < x < high."
)


@dataclass(frozen=True)
class Context:
    """What a condition is evaluated against: one ticket and its signals."""

    ticket: Ticket
    signals: Mapping[str, Signal]


def _fmt(value: Any) -> str:
    if value is _MISSING:
        return "missing"
    if isinstance(value, float):
        return f"{value:.3g}"
    if isinstance(value, (tuple, list, frozenset, set)):
        return "{" + ", ".join(sorted(map(str, value))) + "}" if value else "{}"
    return repr(value)


# --------------------------------------------------------------------------- operands


class Operand:
    """Something a condition compares: a signal's value or a ticket field."""

    __slots__ = ()

    def resolve(self, ctx: Context) -> Any:
        """The operand's value for this ticket, or the missing sentinel."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the operand."""
        raise NotImplementedError

    def _compare(self, op: str, value: Any) -> Condition:
        if isinstance(value, (Operand, Condition)):
            raise PolicyDefinitionError(
                f"{self!r} {op} {value!r}: compare a signal or field with a constant "
                "(a number or string), not with another condition"
            )
        return Compare(self, op, value)

    def __ge__(self, value: Any) -> Condition:
        return self._compare(">=", value)

    def __gt__(self, value: Any) -> Condition:
        return self._compare(">", value)

    def __le__(self, value: Any) -> Condition:
        return self._compare("<=", value)

    def __lt__(self, value: Any) -> Condition:
        return self._compare("<", value)

    def __eq__(self, value: Any) -> Condition:  # type: ignore[override]
        return self._compare("==", value)

    def __ne__(self, value: Any) -> Condition:  # type: ignore[override]
        return self._compare("!=", value)

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True))

    def __bool__(self) -> NoReturn:
        raise PolicyDefinitionError(f"{self!r} was used as a bool. {_BOOL_HINT}")

    def isin(self, values: Iterable[Scalar]) -> Condition:
        """True when the value (or, for label sets, any label) is one of ``values``."""
        if isinstance(values, (str, bytes)):
            raise PolicyDefinitionError(
                f"{self!r}.isin({values!r}): pass a collection such as {{{values!r}}}, "
                "not a bare string (a string would be read letter by letter)"
            )
        return IsIn(self, frozenset(values))

    def between(self, low: float, high: float) -> Condition:
        """True when ``low <= value <= high``."""
        if not low <= high:
            raise PolicyDefinitionError(f"between({low}, {high}): low must not exceed high")
        return (self >= low) & (self <= high)


class SignalRef(Operand):
    """A classifier's signal, by name; see :func:`signal`."""

    __slots__ = ("attr", "name")

    _ATTRS = ("value", "confidence", "margin", "label", "labels", "detected")

    def __init__(self, name: str, attr: str = "value") -> None:
        if not isinstance(name, str) or not name:
            raise PolicyDefinitionError(f"signal name must be a non-empty str, got {name!r}")
        if attr not in self._ATTRS:
            raise PolicyDefinitionError(
                f"signal attribute {attr!r} does not exist; use one of {', '.join(self._ATTRS)}"
            )
        self.name = name
        self.attr = attr

    @property
    def confidence(self) -> SignalRef:
        """The signal's confidence (an intent's top probability)."""
        return SignalRef(self.name, "confidence")

    @property
    def margin(self) -> SignalRef:
        """An intent's margin over its runner-up."""
        return SignalRef(self.name, "margin")

    @property
    def value(self) -> SignalRef:
        """The signal's headline value."""
        return SignalRef(self.name, "value")

    @property
    def label(self) -> SignalRef:
        """An intent's predicted label."""
        return SignalRef(self.name, "label")

    @property
    def labels(self) -> SignalRef:
        """The labels a signal carries (a detection's topics, an intent's label)."""
        return SignalRef(self.name, "labels")

    def resolve(self, ctx: Context) -> Any:
        sig = ctx.signals.get(self.name)
        if sig is None:
            return _MISSING
        if self.attr == "detected":
            return isinstance(sig, DetectionSignal) and sig.detected
        if self.attr == "margin" and not isinstance(sig, IntentSignal):
            return _MISSING
        if self.attr == "label" and not isinstance(sig, IntentSignal):
            return _MISSING
        return getattr(sig, self.attr)

    def isin(self, values: Iterable[Scalar]) -> Condition:
        """True when the signal's label (intent) or any of its labels (detection) is given."""
        ref = self if self.attr in ("label", "labels") else SignalRef(self.name, "labels")
        return Operand.isin(ref, values)

    def __and__(self, other: Condition | SignalRef) -> Condition:
        return Detected(self.name) & other

    def __rand__(self, other: Condition | SignalRef) -> Condition:
        return _as_condition(other) & Detected(self.name)

    def __or__(self, other: Condition | SignalRef) -> Condition:
        return Detected(self.name) | other

    def __ror__(self, other: Condition | SignalRef) -> Condition:
        return _as_condition(other) | Detected(self.name)

    def __invert__(self) -> Condition:
        return ~Detected(self.name)

    def to_dict(self) -> dict[str, Any]:
        return {"signal": self.name, "attr": self.attr}

    def __repr__(self) -> str:
        base = f"signal({self.name!r})"
        return base if self.attr == "value" else f"{base}.{self.attr}"


class FieldRef(Operand):
    """A ticket field by dotted path; see :func:`field`."""

    __slots__ = ("path",)

    _ROOTS = (
        "id",
        "subject",
        "body",
        "channel",
        "customer",
        "metadata",
        "turns",
        "text",
        "created_at",
        "updated_at",
    )

    def __init__(self, path: str) -> None:
        parts = path.split(".") if isinstance(path, str) else []
        if not parts or not all(parts) or parts[0] not in self._ROOTS:
            raise PolicyDefinitionError(
                f"field {path!r} is not a ticket field; start the path with one of "
                f"{', '.join(self._ROOTS)} (for example 'customer.tier' or 'metadata.plan')"
            )
        self.path = path

    def resolve(self, ctx: Context) -> Any:
        value: Any = ctx.ticket
        for part in self.path.split("."):
            if isinstance(value, Mapping):
                value = value.get(part, _MISSING)
            else:
                value = getattr(value, part, _MISSING)
            if value is _MISSING or value is None:
                return _MISSING
        return value.value if isinstance(value, Enum) else value

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.path}

    def __repr__(self) -> str:
        return f"field({self.path!r})"


def signal(name: str) -> SignalRef:
    """Refer to the signal a classifier named ``name`` produces.

    Parameters
    ----------
    name : str
        The classifier's ``name`` (``"intent"``, ``"complexity"``, ``"risk_topic"``...).

    Examples
    --------
    >>> import hybridroute as hr
    >>> hr.signal("intent").confidence >= 0.9
    signal('intent').confidence >= 0.9
    >>> hr.signal("risk_topic").isin({"fraud"})
    signal('risk_topic').labels in {fraud}
    """
    return SignalRef(name)


def field(path: str) -> FieldRef:
    """Refer to a ticket field by dotted path, e.g. ``field("customer.tier") == "vip"``."""
    return FieldRef(path)


# ------------------------------------------------------------------------- conditions


class Condition:
    """A yes/no question about one ticket; see the module docstring."""

    __slots__ = ()

    def matches(self, ctx: Context) -> bool:
        """Whether the ticket satisfies the condition."""
        raise NotImplementedError

    def explain(self, ctx: Context) -> tuple[bool, tuple[str, ...]]:
        """Whether it matches, and the facts that decided it, in words."""
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description; :func:`condition_from_dict` reverses it."""
        raise NotImplementedError

    def signals_used(self) -> frozenset[str]:
        """Names of the signals this condition reads."""
        raise NotImplementedError

    def certificates(self) -> frozenset[str]:
        """Ids of the calibration certificates whose thresholds this condition applies."""
        return frozenset()

    def __and__(self, other: Condition | SignalRef) -> Condition:
        return All((self, _as_condition(other)))

    def __rand__(self, other: Condition | SignalRef) -> Condition:
        return All((_as_condition(other), self))

    def __or__(self, other: Condition | SignalRef) -> Condition:
        return AnyOf((self, _as_condition(other)))

    def __ror__(self, other: Condition | SignalRef) -> Condition:
        return AnyOf((_as_condition(other), self))

    def __invert__(self) -> Condition:
        return Not(self)

    def __bool__(self) -> NoReturn:
        raise PolicyDefinitionError(f"condition {self!r} was used as a bool. {_BOOL_HINT}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Condition) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True, default=str))


def _as_condition(value: Any) -> Condition:
    if isinstance(value, Condition):
        return value
    if isinstance(value, SignalRef):
        return Detected(value.name)
    raise PolicyDefinitionError(
        f"{value!r} is not a condition; build conditions from hr.signal(...) and "
        "hr.field(...) with comparisons, .isin(...), &, | and ~"
    )


_OPS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
    "!=": operator.ne,
}


class Compare(Condition):
    """``operand <op> constant``."""

    __slots__ = ("op", "operand", "value")

    def __init__(self, operand: Operand, op: str, value: Scalar) -> None:
        if op not in _OPS:
            raise PolicyDefinitionError(f"unknown comparison {op!r}; use one of {list(_OPS)}")
        if isinstance(value, float) and math.isnan(value):
            raise PolicyDefinitionError(f"{operand!r} {op} nan: NaN never compares true")
        self.operand, self.op, self.value = operand, op, value

    def matches(self, ctx: Context) -> bool:
        actual = self.operand.resolve(ctx)
        if actual is _MISSING:
            return False
        try:
            return bool(_OPS[self.op](actual, self.value))
        except TypeError as exc:
            raise PolicyDefinitionError(
                f"{self!r}: cannot compare {actual!r} ({type(actual).__name__}) with "
                f"{self.value!r} ({type(self.value).__name__})"
            ) from exc

    def explain(self, ctx: Context) -> tuple[bool, tuple[str, ...]]:
        ok = self.matches(ctx)
        actual = self.operand.resolve(ctx)
        sign = self.op if ok else _NEGATED[self.op]
        if actual is _MISSING:
            return ok, (f"{_name(self.operand)} is missing",)
        return ok, (f"{_name(self.operand)} = {_fmt(actual)} {sign} {_fmt(self.value)}",)

    def to_dict(self) -> dict[str, Any]:
        return {"op": self.op, "left": self.operand.to_dict(), "right": self.value}

    def signals_used(self) -> frozenset[str]:
        return _operand_signals(self.operand)

    def __repr__(self) -> str:
        return f"{self.operand!r} {self.op} {self.value!r}"


#: Longest set quoted in full in an explanation.
_LIST_LIMIT = 6

_NEGATED = {">=": "<", ">": "<=", "<=": ">", "<": ">=", "==": "!=", "!=": "=="}


def _name(operand: Operand) -> str:
    if isinstance(operand, SignalRef):
        return operand.name if operand.attr == "value" else f"{operand.name}.{operand.attr}"
    if isinstance(operand, FieldRef):
        return f"ticket.{operand.path}"
    return repr(operand)


def _operand_signals(operand: Operand) -> frozenset[str]:
    return frozenset({operand.name}) if isinstance(operand, SignalRef) else frozenset()


class IsIn(Condition):
    """``operand`` (or any of its labels) is one of ``values``."""

    __slots__ = ("operand", "values")

    def __init__(self, operand: Operand, values: frozenset[Scalar]) -> None:
        if not values:
            raise PolicyDefinitionError(f"{operand!r}.isin(...) needs at least one value")
        self.operand, self.values = operand, values

    def matches(self, ctx: Context) -> bool:
        actual = self.operand.resolve(ctx)
        if actual is _MISSING:
            return False
        if isinstance(actual, tuple):
            return not self.values.isdisjoint(actual)
        return actual in self.values

    def explain(self, ctx: Context) -> tuple[bool, tuple[str, ...]]:
        ok = self.matches(ctx)
        actual = self.operand.resolve(ctx)
        if actual is _MISSING:
            return ok, (f"{_name(self.operand)} is missing",)
        if isinstance(actual, tuple) and ok:
            hits = sorted(str(v) for v in self.values.intersection(actual))
            return ok, (f"{_name(self.operand)} include {_fmt(hits)}",)
        verb = "in" if ok else "not in"
        listed = (
            _fmt(self.values)
            if len(self.values) <= _LIST_LIMIT
            else f"the {len(self.values)} listed values"
        )
        return ok, (f"{_name(self.operand)} = {_fmt(actual)} {verb} {listed}",)

    def to_dict(self) -> dict[str, Any]:
        return {
            "op": "in",
            "left": self.operand.to_dict(),
            "right": sorted(self.values, key=lambda v: (str(type(v)), str(v))),
        }

    def signals_used(self) -> frozenset[str]:
        return _operand_signals(self.operand)

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

    def signals_used(self) -> frozenset[str]:
        return frozenset({self.name})

    def __repr__(self) -> str:
        return f"signal({self.name!r})"


class All(Condition):
    """Every part holds (``a & b``)."""

    __slots__ = ("parts",)
    parts: tuple[Condition, ...]

    def __init__(self, parts: tuple[Condition, ...]) -> None:
        flat: list[Condition] = []
        for part in parts:
            flat.extend(part.parts if isinstance(part, All) else (part,))
        self.parts = tuple(flat)

    def matches(self, ctx: Context) -> bool:
        return all(part.matches(ctx) for part in self.parts)

    def explain(self, ctx: Context) -> tuple[bool, tuple[str, ...]]:
        reasons: list[str] = []
        for part in self.parts:
            ok, why = part.explain(ctx)
            if not ok:
                return False, why
            reasons.extend(why)
        return True, tuple(reasons)

    def to_dict(self) -> dict[str, Any]:
        return {"all": [part.to_dict() for part in self.parts]}

    def signals_used(self) -> frozenset[str]:
        return frozenset().union(*(p.signals_used() for p in self.parts))

    def certificates(self) -> frozenset[str]:
        return frozenset().union(*(p.certificates() for p in self.parts))

    def __repr__(self) -> str:
        return " & ".join(f"({part!r})" for part in self.parts)


class AnyOf(Condition):
    """At least one part holds (``a | b``)."""

    __slots__ = ("parts",)
    parts: tuple[Condition, ...]

    def __init__(self, parts: tuple[Condition, ...]) -> None:
        flat: list[Condition] = []
        for part in parts:
            flat.extend(part.parts if isinstance(part, AnyOf) else (part,))
        self.parts = tuple(flat)

    def matches(self, ctx: Context) -> bool:
        return any(part.matches(ctx) for part in self.parts)

    def explain(self, ctx: Context) -> tuple[bool, tuple[str, ...]]:
        reasons: list[str] = []
        for part in self.parts:
            ok, why = part.explain(ctx)
            if ok:
                return True, why
            reasons.extend(why)
        return False, tuple(reasons)

    def to_dict(self) -> dict[str, Any]:
        return {"any": [part.to_dict() for part in self.parts]}

    def signals_used(self) -> frozenset[str]:
        return frozenset().union(*(p.signals_used() for p in self.parts))

    def certificates(self) -> frozenset[str]:
        return frozenset().union(*(p.certificates() for p in self.parts))

    def __repr__(self) -> str:
        return " | ".join(f"({part!r})" for part in self.parts)


class Not(Condition):
    """The part does not hold (``~a``)."""

    __slots__ = ("part",)

    def __init__(self, part: Condition) -> None:
        self.part = part

    def matches(self, ctx: Context) -> bool:
        return not self.part.matches(ctx)

    def explain(self, ctx: Context) -> tuple[bool, tuple[str, ...]]:
        ok, why = self.part.explain(ctx)
        return not ok, why

    def to_dict(self) -> dict[str, Any]:
        return {"not": self.part.to_dict()}

    def signals_used(self) -> frozenset[str]:
        return self.part.signals_used()

    def certificates(self) -> frozenset[str]:
        return self.part.certificates()

    def __invert__(self) -> Condition:
        return self.part

    def __repr__(self) -> str:
        return f"~({self.part!r})"


class Always(Condition):
    """Holds for every ticket; the condition of a catch-all rule."""

    __slots__ = ()

    def matches(self, ctx: Context) -> bool:
        return True

    def explain(self, ctx: Context) -> tuple[bool, tuple[str, ...]]:
        return True, ("always",)

    def to_dict(self) -> dict[str, Any]:
        return {"always": True}

    def signals_used(self) -> frozenset[str]:
        return frozenset()

    def __repr__(self) -> str:
        return "ALWAYS"


ALWAYS: Condition = Always()
"""The condition every ticket satisfies."""


def _operand_from_dict(data: Mapping[str, Any]) -> Operand:
    if "signal" in data:
        return SignalRef(data["signal"], data.get("attr", "value"))
    if "field" in data:
        return FieldRef(data["field"])
    raise PolicyDefinitionError(f"not an operand description: {dict(data)!r}")


def condition_from_dict(data: Mapping[str, Any]) -> Condition:
    """Rebuild a condition from :meth:`Condition.to_dict` output.

    Raises
    ------
    PolicyDefinitionError
        If ``data`` does not describe a condition.
    """
    if not isinstance(data, Mapping):
        raise PolicyDefinitionError(f"a condition description is a dict, got {data!r}")
    if "all" in data:
        return All(tuple(condition_from_dict(d) for d in data["all"]))
    if "any" in data:
        return AnyOf(tuple(condition_from_dict(d) for d in data["any"]))
    if "not" in data:
        return Not(condition_from_dict(data["not"]))
    if "detected" in data:
        return Detected(data["detected"])
    if data.get("always") is True:
        return ALWAYS
    if "certified" in data:
        from hybridroute.policy.scores import CertifiedThreshold

        return CertifiedThreshold.from_dict(data)
    if data.get("op") == "in":
        return IsIn(_operand_from_dict(data["left"]), frozenset(data["right"]))
    if data.get("op") in _OPS:
        return Compare(_operand_from_dict(data["left"]), data["op"], data["right"])
    raise PolicyDefinitionError(f"not a condition description: {dict(data)!r}")
