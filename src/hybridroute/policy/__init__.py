"""The policy engine: conditions, rules and policies, configured in code."""

from hybridroute.policy.actions import assist, auto_reply, handoff
from hybridroute.policy.conditions import (
    ALWAYS,
    Condition,
    Context,
    FieldRef,
    Operand,
    SignalRef,
    condition_from_dict,
    field,
    signal,
)
from hybridroute.policy.policy import Outcome, Policy, Rule, rule

__all__ = [
    "ALWAYS",
    "Condition",
    "Context",
    "FieldRef",
    "Operand",
    "Outcome",
    "Policy",
    "Rule",
    "SignalRef",
    "assist",
    "auto_reply",
    "condition_from_dict",
    "field",
    "handoff",
    "rule",
    "signal",
]
