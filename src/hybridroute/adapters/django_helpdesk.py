"""django-helpdesk (2.6) over its REST API: read tickets, post follow-ups, re-route.

django-helpdesk is the self-hosted, open-source helpdesk hybridroute is tested against
live. Its API (``<site>/helpdesk/api/``) has tickets and follow-ups; a follow-up is
public (the customer sees it and gets it by e-mail) or private (an internal note).
The facts and quirks this module works around are in ``docs/adapters.md``; the ones
that shape the code:

* a follow-up's ``title`` renames the ticket, so this adapter never sends one;
* when a webhook receiver is down, ``POST followups/`` answers 500 *after* saving the
  follow-up, so every follow-up carries an idempotency marker and the adapter looks
  for it (``GET tickets/ID/``) before writing and before retrying an ambiguous failure;
* comments are rendered as Django templates and ``#<number>`` links other tickets, so
  text is neutralised (a zero-width space after ``{`` or ``#``) before it is posted;
* ``PATCH`` of a ticket leaves no trace in its history, so :meth:`assign` also posts a
  private note saying what changed (which doubles as its idempotency marker);
* there are no tags: they go into a custom field, or into a private note.

Priority mapping (django-helpdesk's 1-5 scale, 1 most urgent)::

    hybridroute   -> django-helpdesk      django-helpdesk -> hybridroute
    urgent           1 Critical           1 Critical         urgent
    high             2 High               2 High             high
    normal           3 Normal             3 Normal           normal
    low              4 Low                4 Low, 5 Very Low  low

Roles when a ticket is read back (:meth:`DjangoHelpdeskAdapter.fetch_ticket`): the
description is the first customer message; then each follow-up with words, oldest
first: one carrying a hybridroute marker is ``bot``; one without a user (an e-mail
reply, the public web form) is ``customer``; one by a staff user is ``agent`` (public
reply or internal note alike). Skipped: the follow-up that opened the ticket (it repeats
the description) and follow-ups without a comment (backlinks, status changes).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hybridroute.adapters.base import ActionReceipt
from hybridroute.exceptions import (
    HelpdeskError,
    HelpdeskNotFound,
    HelpdeskRejected,
    HelpdeskUnavailable,
    UsageError,
    ValidationError,
)
from hybridroute.models import Customer, Message, Priority, Role, Ticket

if TYPE_CHECKING:
    import httpx

__all__ = [
    "FROM_HELPDESK_PRIORITY",
    "TO_HELPDESK_PRIORITY",
    "DjangoHelpdeskAdapter",
    "parse_django_helpdesk_webhook",
]

VENDOR = "django-helpdesk"

TO_HELPDESK_PRIORITY: Mapping[Priority, int] = {
    Priority.URGENT: 1,
    Priority.HIGH: 2,
    Priority.NORMAL: 3,
    Priority.LOW: 4,
}
"""Our priority -> django-helpdesk's (1 Critical, 2 High, 3 Normal, 4 Low, 5 Very Low)."""

FROM_HELPDESK_PRIORITY: Mapping[int, Priority] = {
    1: Priority.URGENT,
    2: Priority.HIGH,
    3: Priority.NORMAL,
    4: Priority.LOW,
    5: Priority.LOW,
}
"""django-helpdesk's priority -> ours; Very Low (5) reads as low."""

STATUS_NAMES: Mapping[int, str] = {
    1: "open",
    2: "reopened",
    3: "resolved",
    4: "closed",
    5: "duplicate",
}

_MARKER_RE = re.compile(r"\n*\[hybridroute:[0-9a-f]{16}\]\s*$")
# Django template syntax ({{ }}, {# #}) and ticket references (#12): break each with a
# zero-width space so the helpdesk stores the text as written and links nothing.
_NEUTRALISE_RE = re.compile(r"(\{)(?=[{#])|(#)(?=\d)")
_ZWSP = "\u200b"
_RESTORE_RE = re.compile(r"([{#])\u200b")


def idempotency_marker(key: str) -> str:
    """The line that identifies the follow-up written for ``key``.

    A hash, so event ids never show in what the customer reads and the marker has a
    fixed, template-safe shape.
    """
    return f"[hybridroute:{hashlib.sha256(key.encode()).hexdigest()[:16]}]"


def neutralise(text: str) -> str:
    """``text`` made safe for a follow-up comment (template syntax and ``#12`` links)."""
    return _NEUTRALISE_RE.sub(lambda m: (m.group(1) or m.group(2)) + _ZWSP, text)


def _restore(text: str) -> str:
    """Undo :func:`neutralise` and drop the marker, for text hybridroute wrote."""
    return _RESTORE_RE.sub(r"\1", _MARKER_RE.sub("", text))


# -- webhooks --------------------------------------------------------------------------


def parse_django_helpdesk_webhook(payload: Mapping[str, Any]) -> tuple[str, str, str]:
    """``(event_id, ticket_id, kind)`` of a django-helpdesk 2.6 webhook payload.

    django-helpdesk posts ``{"ticket": {...}, "queue_slug": ...}`` for a new ticket and
    adds ``"followup_id"`` for a follow-up; it sends no event id, so one is derived
    from the ids (``django-helpdesk:ticket:7``, ``django-helpdesk:followup:31``), which
    makes a redelivery of the same event deduplicate.

    ``kind`` is ``"ticket"`` for a new ticket and ``"message"`` for a follow-up by the
    customer (no user: an e-mail reply or the web form). A follow-up written by staff,
    including hybridroute's own (django-helpdesk sends a webhook for every follow-up,
    quirk 7), is ``"agent_message"``: a service must not route it as a customer message.

    Raises
    ------
    ValidationError
        When the payload is not a django-helpdesk webhook (the message says what is
        missing).

    Examples
    --------
    >>> parse_django_helpdesk_webhook({"ticket": {"id": 7}, "queue_slug": "general"})
    ('django-helpdesk:ticket:7', '7', 'ticket')
    """
    if not isinstance(payload, Mapping):
        raise ValidationError(
            f"invalid django-helpdesk webhook: expected a JSON object, got "
            f"{type(payload).__name__}"
        )
    ticket = payload.get("ticket")
    if not isinstance(ticket, Mapping):
        raise ValidationError(
            "invalid django-helpdesk webhook: 'ticket' (the serialized ticket) is missing; "
            "is this URL configured as HELPDESK_NEW_TICKET_WEBHOOK_URLS or "
            "HELPDESK_FOLLOWUP_WEBHOOK_URLS?"
        )
    ticket_id = _positive_int(ticket.get("id"))
    if ticket_id is None:
        raise ValidationError(
            f"invalid django-helpdesk webhook: ticket.id must be a positive integer, got "
            f"{ticket.get('id')!r}"
        )
    if "followup_id" not in payload:
        return f"{VENDOR}:ticket:{ticket_id}", str(ticket_id), "ticket"
    followup_id = _positive_int(payload["followup_id"])
    if followup_id is None:
        raise ValidationError(
            f"invalid django-helpdesk webhook: followup_id must be a positive integer, got "
            f"{payload['followup_id']!r}"
        )
    kind = "agent_message"
    followups = ticket.get("followup_set")
    if isinstance(followups, Sequence):
        for followup in followups:
            if isinstance(followup, Mapping) and followup.get("id") == followup_id:
                kind = "message" if followup.get("user") is None else "agent_message"
                break
    return f"{VENDOR}:followup:{followup_id}", str(ticket_id), kind


def _positive_int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    text = str(value)
    return int(text) if text.isdigit() and int(text) > 0 else None
