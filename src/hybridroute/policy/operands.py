"""What a condition reads: a classifier's signal (:func:`signal`) or a ticket field
(:func:`field`).

* :func:`signal` refers to a classifier's signal by name. Compared directly it
  uses the signal's headline value (an intent's confidence, a score's value, a
  detection's confidence); its attributes ``confidence``, ``margin``, ``value``,
  ``label`` and ``labels`` refer to the parts. Used on its own as a condition it
  means "detected" (for detection signals such as ``human_request``).
* :func:`field` refers to a ticket field by dotted path: ``"channel"``,
  ``"customer.tier"``, ``"customer.previous_contacts"``, ``"metadata.order_total"``,
  ``"turns"``.

Comparisons (``>=``, ``<``, ``==`` ...), :meth:`Operand.isin` and
:meth:`Operand.between` turn an operand into a condition
(:mod:`~hybridroute.policy.comparisons`); ``&``, ``|`` and ``~`` combine conditions
(:mod:`~hybridroute.policy.conditions`).

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
from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from enum import Enum
from typing import Any, NoReturn

from hybridroute.exceptions import PolicyDefinitionError
from hybridroute.models import DetectionSignal, IntentSignal
from hybridroute.policy.comparisons import Compare, Detected, IsIn, Scalar
from hybridroute.policy.conditions import BOOL_HINT, Condition, ConditionLike, as_condition
from hybridroute.policy.context import MISSING, Context

__all__ = ["FieldRef", "Operand", "SignalRef", "field", "signal"]


class Operand(ABC):
    """Something a condition compares: a signal's value or a ticket field."""

    __slots__ = ()

    @abstractmethod
    def resolve(self, ctx: Context) -> Any:
        """The operand's value for this ticket, or the missing sentinel."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the operand."""

    @abstractmethod
    def describe(self) -> str:
        """How explanations name the operand (``intent.confidence``, ``ticket.channel``)."""

    @abstractmethod
    def signals_used(self) -> frozenset[str]:
        """Names of the signals the operand reads."""

    @abstractmethod
    def __repr__(self) -> str: ...

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
        raise PolicyDefinitionError(f"{self!r} was used as a bool. {BOOL_HINT}")

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
            return MISSING
        if self.attr == "detected":
            return isinstance(sig, DetectionSignal) and sig.detected
        if self.attr in ("margin", "label") and not isinstance(sig, IntentSignal):
            return MISSING
        return getattr(sig, self.attr)

    def isin(self, values: Iterable[Scalar]) -> Condition:
        """True when the signal's label (intent) or any of its labels (detection) is given."""
        ref = self if self.attr in ("label", "labels") else SignalRef(self.name, "labels")
        return Operand.isin(ref, values)

    def as_condition(self) -> Condition:
        """What the bare signal means as a condition: it was detected."""
        return Detected(self.name)

    def __and__(self, other: Condition | ConditionLike) -> Condition:
        return self.as_condition() & other

    def __rand__(self, other: Condition | ConditionLike) -> Condition:
        return as_condition(other) & self.as_condition()

    def __or__(self, other: Condition | ConditionLike) -> Condition:
        return self.as_condition() | other

    def __ror__(self, other: Condition | ConditionLike) -> Condition:
        return as_condition(other) | self.as_condition()

    def __invert__(self) -> Condition:
        return ~self.as_condition()

    def to_dict(self) -> dict[str, Any]:
        return {"signal": self.name, "attr": self.attr}

    def describe(self) -> str:
        return self.name if self.attr == "value" else f"{self.name}.{self.attr}"

    def signals_used(self) -> frozenset[str]:
        return frozenset({self.name})

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
                value = value.get(part, MISSING)
            else:
                value = getattr(value, part, MISSING)
            if value is MISSING or value is None:
                return MISSING
        return value.value if isinstance(value, Enum) else value

    def to_dict(self) -> dict[str, Any]:
        return {"field": self.path}

    def describe(self) -> str:
        return f"ticket.{self.path}"

    def signals_used(self) -> frozenset[str]:
        return frozenset()

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
