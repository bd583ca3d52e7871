"""Conditions and their algebra: ``&`` (:class:`All`), ``|`` (:class:`AnyOf`), ``~``
(:class:`Not`) and :data:`ALWAYS`.

A condition is a yes/no question about one ticket. The leaves that ask it live in
:mod:`~hybridroute.policy.comparisons` (built from the operands of
:mod:`~hybridroute.policy.operands`) and :mod:`~hybridroute.policy.scores`; this module
combines them. Conditions are plain values: printable, comparable (``==`` compares
structure) and hashable. Python's ``and``/``or``/``not`` and chained comparisons would
silently evaluate a condition as a boolean, so doing that raises
:class:`PolicyDefinitionError`.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator
from typing import Any, ClassVar, NoReturn, Protocol, final, runtime_checkable

from hybridroute.exceptions import PolicyDefinitionError
from hybridroute.policy.context import Context

__all__ = ["ALWAYS", "All", "Always", "AnyOf", "Condition", "ConditionLike", "Not", "as_condition"]

BOOL_HINT = (
    "Conditions are evaluated by the router for each ticket, so they cannot be used as "
    "a Python bool. Combine them with & (and), | (or) and ~ (not) instead of 'and', "
    "'or', 'not', and write a range as x.between(low, high) instead of low < x < high."
)


@runtime_checkable
class ConditionLike(Protocol):
    """Something that stands for a condition where one is expected (a bare signal)."""

    def as_condition(self) -> Condition:
        """The condition it stands for."""
        ...


class Condition(ABC):
    """A yes/no question about one ticket; see the module docstring."""

    __slots__ = ()

    @abstractmethod
    def matches(self, ctx: Context) -> bool:
        """Whether the ticket satisfies the condition."""

    @abstractmethod
    def explain(self, ctx: Context) -> tuple[bool, tuple[str, ...]]:
        """Whether it matches, and the facts that decided it, in words."""

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description; :func:`condition_from_dict` reverses it."""

    @abstractmethod
    def __repr__(self) -> str: ...

    @abstractmethod
    def _own_signals(self) -> frozenset[str]:
        """The signals this condition reads itself, not through :meth:`children`."""

    def _own_certificates(self) -> frozenset[str]:
        """The certificates whose thresholds this condition applies itself."""
        return frozenset()

    def children(self) -> tuple[Condition, ...]:
        """The conditions this one combines; empty for a leaf."""
        return ()

    @final
    def walk(self) -> Iterator[Condition]:
        """This condition and every condition inside it, depth first."""
        yield self
        for child in self.children():
            yield from child.walk()

    @final
    def signals_used(self) -> frozenset[str]:
        """Names of the signals this condition reads."""
        return frozenset().union(*(node._own_signals() for node in self.walk()))

    @final
    def certificates(self) -> frozenset[str]:
        """Ids of the calibration certificates whose thresholds this condition applies."""
        return frozenset().union(*(node._own_certificates() for node in self.walk()))

    def __and__(self, other: Condition | ConditionLike) -> Condition:
        return All((self, as_condition(other)))

    def __rand__(self, other: Condition | ConditionLike) -> Condition:
        return All((as_condition(other), self))

    def __or__(self, other: Condition | ConditionLike) -> Condition:
        return AnyOf((self, as_condition(other)))

    def __ror__(self, other: Condition | ConditionLike) -> Condition:
        return AnyOf((as_condition(other), self))

    def __invert__(self) -> Condition:
        return Not(self)

    def __bool__(self) -> NoReturn:
        raise PolicyDefinitionError(f"condition {self!r} was used as a bool. {BOOL_HINT}")

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Condition) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True, default=str))


def as_condition(value: Any) -> Condition:
    """``value`` as a condition: itself, or what a bare signal stands for."""
    if isinstance(value, Condition):
        return value
    if isinstance(value, ConditionLike):
        return value.as_condition()
    raise PolicyDefinitionError(
        f"{value!r} is not a condition; build conditions from hr.signal(...) and "
        "hr.field(...) with comparisons, .isin(...), &, | and ~"
    )


class _Junction(Condition):
    """Parts joined by ``&`` or ``|``; the first part whose outcome is ``_decisive`` decides."""

    __slots__ = ("parts",)
    parts: tuple[Condition, ...]

    _decisive: ClassVar[bool]
    _key: ClassVar[str]
    _symbol: ClassVar[str]

    def __init__(self, parts: tuple[Condition, ...]) -> None:
        flat: list[Condition] = []
        for part in parts:
            flat.extend(part.parts if isinstance(part, type(self)) else (part,))
        self.parts = tuple(flat)

    def matches(self, ctx: Context) -> bool:
        for part in self.parts:
            if part.matches(ctx) == self._decisive:
                return self._decisive
        return not self._decisive

    def explain(self, ctx: Context) -> tuple[bool, tuple[str, ...]]:
        reasons: list[str] = []
        for part in self.parts:
            ok, why = part.explain(ctx)
            if ok == self._decisive:
                return self._decisive, why
            reasons.extend(why)
        return not self._decisive, tuple(reasons)

    def to_dict(self) -> dict[str, Any]:
        return {self._key: [part.to_dict() for part in self.parts]}

    def children(self) -> tuple[Condition, ...]:
        return self.parts

    def _own_signals(self) -> frozenset[str]:
        return frozenset()

    def __repr__(self) -> str:
        return f" {self._symbol} ".join(f"({part!r})" for part in self.parts)


class All(_Junction):
    """Every part holds (``a & b``)."""

    __slots__ = ()
    _decisive, _key, _symbol = False, "all", "&"


class AnyOf(_Junction):
    """At least one part holds (``a | b``)."""

    __slots__ = ()
    _decisive, _key, _symbol = True, "any", "|"


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

    def children(self) -> tuple[Condition, ...]:
        return (self.part,)

    def _own_signals(self) -> frozenset[str]:
        return frozenset()

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

    def _own_signals(self) -> frozenset[str]:
        return frozenset()

    def __repr__(self) -> str:
        return "ALWAYS"


ALWAYS: Condition = Always()
"""The condition every ticket satisfies."""
