"""What the outbox store records: its rows as frozen values, its statuses as enums.

Each enum's values are the strings written to the database, so a database written
before these enums existed reads back unchanged, and the strings stay readable in
the audit log and in ``GET /healthz``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any, NamedTuple

from hybridroute.adapters.actions import PlannedAction

__all__ = [
    "ActionStatus",
    "AuditKind",
    "Event",
    "EventKind",
    "EventStatus",
    "Owner",
    "Ownership",
    "PendingAction",
]


class _StoredText(str, Enum):
    """A ``str`` enum that prints and formats as its stored value."""

    def __str__(self) -> str:
        return str.__str__(self)


class EventKind(_StoredText):
    """What a webhook event says happened on a ticket."""

    TICKET = "ticket"  # a new ticket
    MESSAGE = "message"  # a new customer message
    AGENT_MESSAGE = "agent_message"  # a person answered: the bot stays silent from then on
    BOT_MESSAGE = "bot_message"  # the helpdesk echoing our own write: ignored


class EventStatus(_StoredText):
    """Where a webhook event stands."""

    RECEIVED = "received"  # stored, not yet decided
    DECIDED = "decided"  # decision and planned actions stored
    SKIPPED = "skipped"  # handled without a decision (a human owns the ticket, an echo)
    FAILED = "failed"  # given up; visible in the audit log for a person to retry


class ActionStatus(_StoredText):
    """Where a planned helpdesk write stands."""

    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"


class Owner(_StoredText):
    """Who owns a ticket: the bot answers only tickets it owns."""

    BOT = "bot"
    HUMAN = "human"


class AuditKind(_StoredText):
    """What an audit entry records."""

    EVENT_RECEIVED = "event.received"
    EVENT_DUPLICATE = "event.duplicate"
    EVENT_SKIPPED = "event.skipped"
    EVENT_FAILED = "event.failed"
    DECISION = "decision"
    ACTION_DONE = "action.done"
    ACTION_FAILED = "action.failed"
    OWNERSHIP = "ownership"


@dataclass(frozen=True)
class Event:
    """A stored webhook event."""

    event_id: str
    vendor: str
    ticket_id: str
    kind: EventKind
    payload: dict[str, Any]
    attempts: int


@dataclass(frozen=True)
class PendingAction:
    """A planned helpdesk write not yet confirmed done."""

    id: int
    event_id: str
    action: PlannedAction
    attempts: int


class Ownership(NamedTuple):
    """Who owns a ticket, and how many automated replies it has had."""

    owner: Owner
    auto_replies: int
