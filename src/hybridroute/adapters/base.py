"""The helpdesk adapter contract.

An adapter is any object with these methods; hybridroute never asks you to
subclass anything. Every method raises only :class:`~hybridroute.HelpdeskError`
subclasses (never a transport library's exception), and the write methods take an
``idempotency_key``: calling one twice with the same key must not act twice. Where
the helpdesk has no idempotency support, the adapter looks for the key (for
example, a marker it embeds in the text) before it writes, and again before it
retries after an ambiguous failure (a timeout, or a 5xx that may have been
raised *after* the write was saved).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal, Protocol, runtime_checkable

from hybridroute.models import Priority, Ticket
from hybridroute.models._base import FrozenModel

__all__ = ["ActionReceipt", "HelpdeskAction", "HelpdeskAdapter"]

HelpdeskAction = Literal["reply", "note", "assign", "tags"]
"""The four helpdesk writes: a public reply, an internal note, an assignment, tags."""


class ActionReceipt(FrozenModel):
    """What a helpdesk write did.

    Parameters
    ----------
    ticket_id : str
        The ticket acted on.
    action : HelpdeskAction
        ``"reply"``, ``"note"``, ``"assign"`` or ``"tags"``.
    external_id : str, optional
        The helpdesk's id of what was created (a comment, a follow-up).
    duplicate : bool
        True when the idempotency key showed the action had already been done, so
        nothing new was written.
    """

    ticket_id: str
    action: HelpdeskAction
    external_id: str | None = None
    duplicate: bool = False


@runtime_checkable
class HelpdeskAdapter(Protocol):
    """Reads tickets from a helpdesk and acts on them."""

    name: str

    def fetch_ticket(self, ticket_id: str) -> Ticket:
        """The ticket and its conversation so far, oldest message first."""
        ...

    def post_reply(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """Post a public reply the customer sees."""
        ...

    def post_note(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """Post an internal note only agents see."""
        ...

    def assign(
        self,
        ticket_id: str,
        *,
        queue: str | None = None,
        priority: Priority | None = None,
        agent: str | None = None,
        idempotency_key: str,
    ) -> ActionReceipt:
        """Move the ticket to a queue (group), set its priority, or assign an agent."""
        ...

    def add_tags(
        self, ticket_id: str, tags: Sequence[str], *, idempotency_key: str
    ) -> ActionReceipt:
        """Add tags (keeping the existing ones)."""
        ...
