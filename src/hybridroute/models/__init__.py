"""Typed, immutable values that cross hybridroute's boundaries."""

from hybridroute.models.decision import (
    Action,
    ActionKind,
    Assist,
    AutoReply,
    Decision,
    Failure,
    Handoff,
    HandoffPackage,
    PolicyRef,
    Priority,
    QueueName,
    Reply,
)
from hybridroute.models.signals import (
    DetectionSignal,
    IntentSignal,
    LabelScore,
    ScoreSignal,
    Signal,
)
from hybridroute.models.ticket import MAX_TEXT_LENGTH, Channel, Customer, Message, Role, Ticket

__all__ = [
    "MAX_TEXT_LENGTH",
    "Action",
    "ActionKind",
    "Assist",
    "AutoReply",
    "Channel",
    "Customer",
    "Decision",
    "DetectionSignal",
    "Failure",
    "Handoff",
    "HandoffPackage",
    "IntentSignal",
    "LabelScore",
    "Message",
    "PolicyRef",
    "Priority",
    "QueueName",
    "Reply",
    "Role",
    "ScoreSignal",
    "Signal",
    "Ticket",
]
