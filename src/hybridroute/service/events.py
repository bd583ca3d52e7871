"""Turning a vendor's webhook payload into (event id, ticket id, kind)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from hybridroute.exceptions import ValidationError
from hybridroute.service.records import EventKind

__all__ = [
    "KINDS",
    "MAX_ID_LENGTH",
    "EventParser",
    "check_event",
    "event_kind",
    "parse_hybridroute_event",
]

KINDS = tuple(kind.value for kind in EventKind)

MAX_ID_LENGTH = 255
"""The longest event or ticket id accepted (helpdesks' ids are far shorter)."""

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


def _id_problem(key: str, value: object) -> str | None:
    """What is wrong with an event or ticket id a parser returned, or None."""
    if not isinstance(value, str) or value == "":
        return f"{key} must be a non-empty string, got {type(value).__name__} {value!r:.40}"
    if len(value) > MAX_ID_LENGTH:
        return f"{key} is {len(value)} characters long; at most {MAX_ID_LENGTH} are accepted"
    if not value.isprintable():
        # control characters and lone surrogates (which cannot even be stored as UTF-8)
        return f"{key} holds unprintable characters: {value!r:.60}"
    return None


def _as_id(value: object) -> object:
    """An integer id as the string it is stored as (parsers often return vendor ids as ints)."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def check_event(event_id: object, ticket_id: object, kind: object) -> tuple[str, str, EventKind]:
    """What any parser returned, checked before it is stored; ValidationError if unusable.

    Ids may be strings or integers (stored as their decimal string); a bool, an empty
    string, an over-long or unprintable id is refused.
    """
    event_id, ticket_id = _as_id(event_id), _as_id(ticket_id)
    problems = [
        problem
        for problem in (_id_problem("event_id", event_id), _id_problem("ticket_id", ticket_id))
        if problem is not None
    ]
    if problems:
        raise ValidationError("invalid webhook payload: " + "; ".join(problems))
    if not isinstance(kind, str):
        raise ValidationError(
            f"the webhook parser returned kind {kind!r}; a parser must return one of {KINDS}"
        )
    assert isinstance(event_id, str) and isinstance(ticket_id, str)
    return event_id, ticket_id, event_kind(kind)


def parse_hybridroute_event(payload: Mapping[str, Any]) -> tuple[str, str, EventKind]:
    """hybridroute's own format: ``{"event_id": ..., "ticket_id": ..., "kind": "ticket"}``."""
    problems = []
    for key in ("event_id", "ticket_id"):
        value = payload.get(key)
        # bool is an int to Python, but `true` is no id
        if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value) == "":
            problems.append(f"{key} must be a non-empty string or integer")
    kind = payload.get("kind", "ticket")
    if kind not in KINDS:
        problems.append(
            "kind must be 'ticket' (new ticket), 'message' (new customer message), "
            "'agent_message' or 'bot_message'"
        )
    if problems:
        raise ValidationError("invalid webhook payload: " + "; ".join(problems))
    return check_event(str(payload["event_id"]), str(payload["ticket_id"]), kind)
