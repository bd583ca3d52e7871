"""Freshdesk over its REST API v2.

What the adapter calls (``https://{domain}.freshdesk.com/api/v2``)::

    fetch_ticket   GET  /tickets/{id}?include=conversations
                   (+ GET /tickets/{id}/conversations, paged, when the ticket has ten
                   or more: ``include=conversations`` returns only the first ten)
    post_reply     POST /tickets/{id}/reply   {"body": html}
    post_note      POST /tickets/{id}/notes   {"body": html, "private": true}
    assign         PUT  /tickets/{id}         {"group_id", "priority": 1-4, "responder_id"}
    add_tags       GET  /tickets/{id}, then PUT /tickets/{id} {"tags": existing + new}

Authentication is HTTP Basic auth with the API key as the user name and ``X`` as the
password. Freshdesk takes no idempotency key, so replies and notes carry the idempotency
marker of :mod:`hybridroute.adapters.markers` as their last paragraph, and the adapter
looks for it in the conversations before writing and before retrying an ambiguous
failure. ``PUT`` replaces the whole tag list, so :meth:`FreshdeskAdapter.add_tags` reads
the tags first and writes the union (``duplicate`` is True when nothing was new).

Priorities: 1 Low, 2 Medium, 3 High, 4 Urgent; our ``normal`` is Medium. Roles when a
ticket is read: the description is the requester's first message; a conversation that
is ``incoming`` or by the requester is the customer's; one carrying a marker is the
bot's; others are agents' (``public`` false for private notes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from hybridroute.adapters._conversation import (
    build_ticket,
    compact,
    html_to_text,
    message,
    numeric_id,
    parse_timestamp,
    priority_from,
    text_to_html,
)
from hybridroute.adapters._lifecycle import close_api, enter, exit_closing, shown_as
from hybridroute.adapters._mappings import lookup, name_for
from hybridroute.adapters._tags import merged_tags
from hybridroute.adapters._writes import marked_id, write_once
from hybridroute.adapters.base import ActionReceipt, HelpdeskAction
from hybridroute.adapters.http import HttpOptions, JsonApi
from hybridroute.adapters.markers import with_marker
from hybridroute.exceptions import HelpdeskError, UsageError
from hybridroute.models import Channel, Customer, Message, Priority, Role, Ticket

__all__ = ["FROM_FRESHDESK_PRIORITY", "TO_FRESHDESK_PRIORITY", "FreshdeskAdapter"]

VENDOR = "freshdesk"

TO_FRESHDESK_PRIORITY: Mapping[Priority, int] = {
    Priority.LOW: 1,
    Priority.NORMAL: 2,
    Priority.HIGH: 3,
    Priority.URGENT: 4,
}
"""Our priority -> Freshdesk's (1 Low, 2 Medium, 3 High, 4 Urgent)."""

FROM_FRESHDESK_PRIORITY: Mapping[int, Priority] = {v: k for k, v in TO_FRESHDESK_PRIORITY.items()}
"""Freshdesk's priority -> ours."""

#: ``include=conversations`` returns at most this many conversations.
INCLUDED_CONVERSATIONS = 10

#: Conversations per page of ``GET /tickets/{id}/conversations`` (Freshdesk's maximum).
PAGE_SIZE = 100

#: Pages of conversations read at most.
MAX_PAGES = 50

_SOURCES: Mapping[int, Channel] = {
    1: Channel.EMAIL,
    2: Channel.WEB,
    3: Channel.PHONE,
    7: Channel.CHAT,
    9: Channel.WEB,
    10: Channel.EMAIL,
}
_DOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*(\.freshdesk\.com)?$")


class FreshdeskAdapter:
    """A :class:`~hybridroute.adapters.HelpdeskAdapter` for Freshdesk.

    Parameters
    ----------
    domain : str
        ``acme`` or ``acme.freshdesk.com``.
    api_key : str
        The API key of the agent the adapter acts as (Profile settings > API key).
    groups : mapping of str to int, optional
        Our queue names to Freshdesk group ids, for ``assign(queue=...)``.
    agents : mapping of str to int, optional
        Agent names to Freshdesk agent ids, for ``assign(agent=...)``; a numeric
        string is taken as an agent id.
    base_url : str, optional
        Overrides ``https://{domain}.freshdesk.com/api/v2``.
    http : HttpOptions, optional
        Timeout, retry policy, transport and sleep, the same for every adapter.

    Examples
    --------
    >>> adapter = FreshdeskAdapter("acme", "key", groups={"billing": 43000012})
    >>> adapter.name
    'freshdesk'
    """

    name = VENDOR

    def __init__(
        self,
        domain: str,
        api_key: str,
        *,
        groups: Mapping[str, int] | None = None,
        agents: Mapping[str, int] | None = None,
        base_url: str | None = None,
        http: HttpOptions | None = None,
    ) -> None:
        if base_url is None and not _DOMAIN.match(domain):
            raise UsageError(
                f"domain is your Freshdesk address, 'acme' or 'acme.freshdesk.com'; got {domain!r}"
            )
        if not api_key:
            raise UsageError("Freshdesk needs an API key")
        host = domain if domain.endswith(".freshdesk.com") else f"{domain}.freshdesk.com"
        self.domain = host
        self.groups = dict(groups or {})
        self.agents = dict(agents or {})
        self._api = JsonApi(
            base_url or f"https://{host}/api/v2",
            vendor=VENDOR,
            auth=httpx.BasicAuth(api_key, "X"),
            http=http,
        )

    __repr__ = shown_as("domain", "groups")
    close = close_api
    __enter__ = enter
    __exit__ = exit_closing

    # -- the contract ----------------------------------------------------------------------

    def fetch_ticket(self, ticket_id: str) -> Ticket:
        """The ticket, its description and conversations, oldest first."""
        tid = numeric_id(ticket_id, VENDOR)
        data = self._ticket(tid, include_conversations=True)
        requester = data.get("requester_id")
        opening = message(
            _text(data.get("description_text"), data.get("description")),
            role=Role.CUSTOMER,
            public=True,
            sent_at=data.get("created_at"),
        )
        replies = (_message(c, requester) for c in self._conversations(tid, data))
        group_id = data.get("group_id")
        priority = priority_from(data.get("priority"), FROM_FRESHDESK_PRIORITY)
        source = data.get("source")
        return build_ticket(
            VENDOR,
            str(data.get("id", tid)),
            subject=data.get("subject") or None,
            messages=compact([opening, *replies]),
            fallback_body=data.get("subject"),
            channel=_SOURCES.get(source, Channel.OTHER)
            if isinstance(source, int)
            else Channel.OTHER,
            customer=Customer(id=str(requester) if requester is not None else None),
            metadata={
                "queue": name_for(self.groups, group_id) if isinstance(group_id, int) else None,
                "group_id": group_id if isinstance(group_id, int) else None,
                "priority": priority.value if priority else None,
                "status": data.get("status") if isinstance(data.get("status"), int) else None,
                "tags": ",".join(str(t) for t in data.get("tags") or ()),
                "responder_id": data.get("responder_id"),
            },
            created_at=parse_timestamp(data.get("created_at")),
            updated_at=parse_timestamp(data.get("updated_at")),
        )

    def post_reply(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """A reply: e-mailed to the requester and shown in the portal."""
        body = {"body": text_to_html(with_marker(text, idempotency_key))}
        return self._write(ticket_id, "reply", body, idempotency_key, action="reply")

    def post_note(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """A private note: only agents see it."""
        body = {"body": text_to_html(with_marker(text, idempotency_key)), "private": True}
        return self._write(ticket_id, "notes", body, idempotency_key, action="note")

    def assign(
        self,
        ticket_id: str,
        *,
        queue: str | None = None,
        priority: Priority | None = None,
        agent: str | None = None,
        idempotency_key: str,
    ) -> ActionReceipt:
        """Set the group (from ``groups``), priority and responder; safe to repeat."""
        tid = numeric_id(ticket_id, VENDOR)
        changes: dict[str, Any] = {}
        if queue is not None:
            changes["group_id"] = lookup(self.groups, queue, "queue", VENDOR)
        if priority is not None:
            changes["priority"] = TO_FRESHDESK_PRIORITY[Priority(priority)]
        if agent is not None:
            changes["responder_id"] = lookup(self.agents, agent, "agent", VENDOR, numeric=int)
        if changes:
            self._api.request("PUT", f"tickets/{tid}", json=changes)
        return ActionReceipt(ticket_id=ticket_id, action="assign")

    def add_tags(
        self, ticket_id: str, tags: Sequence[str], *, idempotency_key: str
    ) -> ActionReceipt:
        """Write the union of the ticket's tags and ``tags`` (a PUT replaces the list)."""
        tid = numeric_id(ticket_id, VENDOR)
        current = [str(t) for t in self._ticket(tid).get("tags") or ()]
        merged = merged_tags(current, tags)
        if merged == current:
            return ActionReceipt(ticket_id=ticket_id, action="tags", duplicate=True)
        self._api.request("PUT", f"tickets/{tid}", json={"tags": merged})
        return ActionReceipt(ticket_id=ticket_id, action="tags")

    # -- reading ---------------------------------------------------------------------------

    def _ticket(self, tid: str, *, include_conversations: bool = False) -> dict[str, Any]:
        params = {"include": "conversations"} if include_conversations else None
        data = self._api.get(f"tickets/{tid}", params=params)
        if not isinstance(data, dict) or "id" not in data:
            raise HelpdeskError(
                f"freshdesk: GET tickets/{tid} answered with something that is not a ticket",
                vendor=VENDOR,
            )
        return data

    def _conversations(
        self, tid: str, ticket: Mapping[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        included = ticket.get("conversations") if ticket is not None else None
        if isinstance(included, list) and len(included) < INCLUDED_CONVERSATIONS:
            return [c for c in included if isinstance(c, dict)]
        found: list[dict[str, Any]] = []
        for page in range(1, MAX_PAGES + 1):
            params = {"per_page": PAGE_SIZE, "page": page}
            batch = self._api.get(f"tickets/{tid}/conversations", params=params)
            if not isinstance(batch, list):
                raise HelpdeskError(
                    f"freshdesk: GET tickets/{tid}/conversations answered without a list",
                    vendor=VENDOR,
                )
            found += [c for c in batch if isinstance(c, dict)]
            if len(batch) < PAGE_SIZE:
                break
        return found

    # -- writing ---------------------------------------------------------------------------

    def _write(
        self,
        ticket_id: str,
        endpoint: str,
        body: Mapping[str, Any],
        key: str,
        *,
        action: HelpdeskAction,
    ) -> ActionReceipt:
        tid = numeric_id(ticket_id, VENDOR)
        return write_once(
            self._api,
            "POST",
            f"tickets/{tid}/{endpoint}",
            json=dict(body),
            ticket_id=ticket_id,
            action=action,
            find=lambda: marked_id(self._conversations(tid), key, ("body_text", "body")),
        )


def _text(plain: object, markup: object) -> str:
    if isinstance(plain, str) and plain.strip():
        return plain
    return html_to_text(markup) if isinstance(markup, str) else ""


def _message(conversation: Mapping[str, Any], requester: object) -> Message | None:
    by_customer = bool(conversation.get("incoming")) or (
        requester is not None and conversation.get("user_id") == requester
    )
    return message(
        _text(conversation.get("body_text"), conversation.get("body")),
        role=Role.CUSTOMER if by_customer else Role.AGENT,
        public=not conversation.get("private", False),
        sent_at=conversation.get("created_at"),
    )
