"""Turning a vendor's webhook payload into (event id, ticket id, kind)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hybridroute.exceptions import ValidationError
from hybridroute.service.records import EventKind

__all__ = ["KINDS", "EventParser", "event_kind", "parse_hybridroute_event"]

KINDS = tuple(kind.value for kind in EventKind)

EventParser = Callable[[Mapping[str, Any]], tuple[str, str, str]]
"""``payload -> (event_id, ticket_id, kind)``.

Kinds: ``"ticket"`` (a new ticket), ``"message"`` (a new customer message),
``"agent_message"`` (a person answered: the bot stays silent from then on) and
``"bot_message"`` (the helpdesk echoing our own write: ignored); see :class:`EventKind`.
"""


def event_kind(kind: str) -> EventKind:
    """The :class:`EventKind` a parser returned; ValidationError if it names none."""
    try:
        return EventKind(kind)
    except ValueError:
        raise ValidationError(
            f"the webhook parser returned kind {kind!r}; a parser must return one of {KINDS}"
        ) from None


def parse_hybridroute_event(payload: Mapping[str, Any]) -> tuple[str, str, EventKind]:
    """hybridroute's own format: ``{"event_id": ..., "ticket_id": ..., "kind": "ticket"}``."""
    problems = []
    for key in ("event_id", "ticket_id"):
        value = payload.get(key)
        if not isinstance(value, (str, int)) or str(value) == "":
            problems.append(f"{key} must be a non-empty string or number")
    kind = payload.get("kind", "ticket")
    if kind not in KINDS:
        problems.append(
            "kind must be 'ticket' (new ticket), 'message' (new customer message), "
            "'agent_message' or 'bot_message'"
        )
    if problems:
        raise ValidationError("invalid webhook payload: " + "; ".join(problems))
    return str(payload["event_id"]), str(payload["ticket_id"]), EventKind(kind)
