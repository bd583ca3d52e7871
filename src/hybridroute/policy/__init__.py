"""The policy engine: conditions, rules and policies, configured in code."""

from hybridroute.policy.actions import assist, auto_reply, handoff
from hybridroute.policy.conditions import ALWAYS, Condition
from hybridroute.policy.context import Context
from hybridroute.policy.operands import FieldRef, Operand, SignalRef, field, signal
from hybridroute.policy.policy import Outcome, Policy, Rule, rule
from hybridroute.policy.serialisation import condition_from_dict

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
