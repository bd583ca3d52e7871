"""Turning a vendor's webhook payload into (event id, ticket id, kind)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hybridroute.exceptions import ValidationError

__all__ = ["KINDS", "EventParser", "parse_hybridroute_event"]

KINDS = ("ticket", "message", "agent_message", "bot_message")

EventParser = Callable[[Mapping[str, Any]], tuple[str, str, str]]
"""``payload -> (event_id, ticket_id, kind)``.

Kinds: ``"ticket"`` (a new ticket), ``"message"`` (a new customer message),
``"agent_message"`` (a person answered: the bot stays silent from then on) and
``"bot_message"`` (the helpdesk echoing our own write: ignored).
"""


def parse_hybridroute_event(payload: Mapping[str, Any]) -> tuple[str, str, str]:
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
    return str(payload["event_id"]), str(payload["ticket_id"]), str(kind)
