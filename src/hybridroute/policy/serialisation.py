"""Conditions from their JSON-ready descriptions: the reverse of ``Condition.to_dict()``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hybridroute.exceptions import PolicyDefinitionError
from hybridroute.policy.comparisons import COMPARISONS, Compare, Detected, IsIn
from hybridroute.policy.conditions import ALWAYS, All, AnyOf, Condition, Not
from hybridroute.policy.operands import FieldRef, Operand, SignalRef
from hybridroute.policy.scores import CertifiedThreshold

__all__ = ["condition_from_dict", "operand_from_dict"]


def operand_from_dict(data: Mapping[str, Any]) -> Operand:
    """Rebuild an operand from :meth:`Operand.to_dict` output."""
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
        return CertifiedThreshold.from_dict(data)
    if data.get("op") == "in":
        return IsIn(operand_from_dict(data["left"]), frozenset(data["right"]))
    if data.get("op") in COMPARISONS:
        return Compare(operand_from_dict(data["left"]), data["op"], data["right"])
    raise PolicyDefinitionError(f"not a condition description: {dict(data)!r}")
