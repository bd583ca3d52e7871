"""Zammad over its REST API v1.

What the adapter calls (``{base_url}/api/v1``)::

    fetch_ticket   GET  /tickets/{id}?expand=true  +  GET /ticket_articles/by_ticket/{id}
                   +  GET /tags?object=Ticket&o_id={id}
    post_reply     POST /ticket_articles  {"ticket_id", "body", "type": "email", "to",
                                           "internal": false, "sender": "Agent"}
    post_note      POST /ticket_articles  {"ticket_id", "body", "type": "note",
                                           "internal": true, "sender": "Agent"}
    assign         PUT  /tickets/{id}     {"group": name, "priority": name, "owner_id"}
    add_tags       POST /tags/add         {"item", "object": "Ticket", "o_id"}, per new tag

Authentication is an access token: ``Authorization: Token token={token}``. Zammad takes no
idempotency key, so an article carries the marker of :mod:`hybridroute.adapters.markers`
as its last line (articles are sent as ``text/plain``) and the adapter looks for it in
the ticket's articles before writing and before retrying an ambiguous failure. Setting
group and priority, and adding a tag, are safe to repeat.

A public reply is an ``email`` article addressed to the customer (the ``from`` of their
latest e-mail article), so it reaches them by e-mail as an agent's reply would; when the
ticket has no customer e-mail (a web or phone ticket) it is a public ``web`` article,
visible to them in the customer portal. Zammad ships three priorities, ``1 low``,
``2 normal`` and ``3 high``; ``urgent`` maps to ``3 high`` unless ``priorities`` says
otherwise. Roles when read: articles by sender ``Customer`` are the customer's,
``System`` the system's, ``Agent`` an agent's, and any carrying a marker the bot's.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hybridroute.adapters._conversation import (
    build_ticket,
    compact,
    html_to_text,
    message,
    numeric_id,
    parse_timestamp,
)
from hybridroute.adapters._lifecycle import close_api, enter, exit_closing, shown_as
from hybridroute.adapters._mappings import lookup, name_for
from hybridroute.adapters._tags import new_tags
from hybridroute.adapters._writes import marked_id, write_once
from hybridroute.adapters.base import ActionReceipt, HelpdeskAction
from hybridroute.adapters.http import HttpOptions, JsonApi
from hybridroute.adapters.markers import with_marker
from hybridroute.exceptions import HelpdeskError, UsageError
from hybridroute.models import Channel, Customer, Message, Priority, Role, Ticket

__all__ = ["DEFAULT_ZAMMAD_PRIORITIES", "ZammadAdapter"]

VENDOR = "zammad"

DEFAULT_ZAMMAD_PRIORITIES: Mapping[Priority, str] = {
    Priority.LOW: "1 low",
    Priority.NORMAL: "2 normal",
    Priority.HIGH: "3 high",
    Priority.URGENT: "3 high",
}
"""Our priority -> the names of Zammad's three default priorities."""

_ROLES: Mapping[str, Role] = {"Customer": Role.CUSTOMER, "System": Role.SYSTEM}
_CHANNELS: Mapping[str, Channel] = {
    "email": Channel.EMAIL,
    "web": Channel.WEB,
    "phone": Channel.PHONE,
    "chat": Channel.CHAT,
    "sms": Channel.OTHER,
    "twitter status": Channel.SOCIAL,
    "twitter direct-message": Channel.SOCIAL,
    "facebook feed post": Channel.SOCIAL,
    "telegram personal-message": Channel.SOCIAL,
}


class ZammadAdapter:
    """A :class:`~hybridroute.adapters.HelpdeskAdapter` for Zammad.

    Parameters
    ----------
    base_url : str
        The Zammad address, ``https://support.example.com``.
    token : str
        An access token of an agent (Profile > Token Access) with ``ticket.agent``.
    groups : mapping of str to str, optional
        Our queue names to Zammad group names; a queue not listed is taken as the
        group's name.
    priorities : mapping of Priority to str, optional
        Our priorities to Zammad priority names (:data:`DEFAULT_ZAMMAD_PRIORITIES`).
    agents : mapping of str to int, optional
        Agent names to Zammad user ids, for ``assign(agent=...)``; a numeric string is
        taken as a user id.
    http : HttpOptions, optional
        Timeout, retry policy, transport and sleep, the same for every adapter.

    Examples
    --------
    >>> adapter = ZammadAdapter("https://support.example.com", "token", groups={"billing": "Sales"})
    >>> adapter.name
    'zammad'
    """

    name = VENDOR

    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        groups: Mapping[str, str] | None = None,
        priorities: Mapping[Priority, str] | None = None,
        agents: Mapping[str, int] | None = None,
        http: HttpOptions | None = None,
    ) -> None:
        if not base_url.startswith(("https://", "http://")):
            raise UsageError(
                f"base_url is your Zammad address, like 'https://support.example.com'; "
                f"got {base_url!r}"
            )
        if not token:
            raise UsageError("Zammad needs an access token")
        self.base_url = base_url.rstrip("/").removesuffix("/api/v1")
        self.groups = dict(groups or {})
        self.priorities = {**DEFAULT_ZAMMAD_PRIORITIES, **dict(priorities or {})}
        self.agents = dict(agents or {})
        self._api = JsonApi(
            f"{self.base_url}/api/v1",
            vendor=VENDOR,
            headers={"Authorization": f"Token token={token}"},
            http=http,
        )

    __repr__ = shown_as("base_url", "groups")
    close = close_api
    __enter__ = enter
    __exit__ = exit_closing

    # -- the contract ----------------------------------------------------------------------

    def fetch_ticket(self, ticket_id: str) -> Ticket:
        """The ticket and its articles, oldest first (see the module docstring for roles)."""
        tid = numeric_id(ticket_id, VENDOR)
        data = self._ticket(tid)
        articles = self._articles(tid)
        group = data.get("group")
        first_type = str(articles[0].get("type")) if articles else ""
        return build_ticket(
            VENDOR,
            str(data.get("id", tid)),
            subject=data.get("title") or None,
            messages=compact(_message(a) for a in articles),
            fallback_body=data.get("title"),
            channel=_CHANNELS.get(
                str(data.get("create_article_type") or first_type), Channel.OTHER
            ),
            customer=Customer(id=_customer_id(data)),
            metadata={
                "queue": name_for(self.groups, group) or group if isinstance(group, str) else None,
                "group": group if isinstance(group, str) else None,
                "priority": self._our_priority(data.get("priority")),
                "zammad_priority": data.get("priority")
                if isinstance(data.get("priority"), str)
                else None,
                "state": data.get("state") if isinstance(data.get("state"), str) else None,
                "tags": ",".join(self._tags(tid)),
                "owner_id": data.get("owner_id") if isinstance(data.get("owner_id"), int) else None,
            },
            created_at=parse_timestamp(data.get("created_at")),
            updated_at=parse_timestamp(data.get("updated_at")),
        )

    def post_reply(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """A public article: an e-mail to the customer, or a portal (web) article."""
        return self._article(ticket_id, text, idempotency_key, internal=False, action="reply")

    def post_note(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """An internal note: only agents see it."""
        return self._article(ticket_id, text, idempotency_key, internal=True, action="note")

    def assign(
        self,
        ticket_id: str,
        *,
        queue: str | None = None,
        priority: Priority | None = None,
        agent: str | None = None,
        idempotency_key: str,
    ) -> ActionReceipt:
        """Set the group, priority and owner by name; safe to repeat."""
        tid = numeric_id(ticket_id, VENDOR)
        changes: dict[str, Any] = {}
        if queue is not None:
            changes["group"] = self.groups.get(queue, queue)
        if priority is not None:
            changes["priority"] = self.priorities[Priority(priority)]
        if agent is not None:
            changes["owner_id"] = lookup(self.agents, agent, "agent", VENDOR, numeric=int)
        if changes:
            self._api.request("PUT", f"tickets/{tid}", json=changes)
        return ActionReceipt(ticket_id=ticket_id, action="assign")

    def add_tags(
        self, ticket_id: str, tags: Sequence[str], *, idempotency_key: str
    ) -> ActionReceipt:
        """Add each tag not already on the ticket (Zammad creates unknown tags)."""
        tid = numeric_id(ticket_id, VENDOR)
        new = new_tags(self._tags(tid), tags)
        for tag in new:
            body = {"item": tag, "object": "Ticket", "o_id": int(tid)}
            self._api.request("POST", "tags/add", json=body, idempotent=True)
        return ActionReceipt(ticket_id=ticket_id, action="tags", duplicate=not new)

    # -- reading ---------------------------------------------------------------------------

    def _ticket(self, tid: str) -> dict[str, Any]:
        data = self._api.get(f"tickets/{tid}", params={"expand": "true"})
        if not isinstance(data, dict) or "id" not in data:
            raise HelpdeskError(
                f"zammad: GET tickets/{tid} answered with something that is not a ticket; "
                "is base_url the Zammad address (without /api/v1)?",
                vendor=VENDOR,
            )
        return data

    def _articles(self, tid: str) -> list[dict[str, Any]]:
        articles = self._api.get(f"ticket_articles/by_ticket/{tid}")
        if not isinstance(articles, list):
            raise HelpdeskError(
                f"zammad: GET ticket_articles/by_ticket/{tid} answered without a list",
                vendor=VENDOR,
            )
        return sorted(
            (a for a in articles if isinstance(a, dict)),
            key=lambda a: (str(a.get("created_at") or ""), int(a.get("id") or 0)),
        )

    def _tags(self, tid: str) -> list[str]:
        answer = self._api.get("tags", params={"object": "Ticket", "o_id": tid})
        tags = answer.get("tags") if isinstance(answer, dict) else None
        return [str(t) for t in tags or ()]

    def _our_priority(self, name: object) -> str | None:
        # urgent and high may share a Zammad name: the lower one reads back
        for ours in (Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.URGENT):
            if self.priorities[ours] == name:
                return str(ours.value)
        return None

    # -- writing ---------------------------------------------------------------------------

    def _article(
        self, ticket_id: str, text: str, key: str, *, internal: bool, action: HelpdeskAction
    ) -> ActionReceipt:
        tid = numeric_id(ticket_id, VENDOR)
        articles = self._articles(tid)
        done = marked_id(articles, key, ("body",))
        if done is not None:
            return ActionReceipt(
                ticket_id=ticket_id, action=action, external_id=done, duplicate=True
            )
        body: dict[str, Any] = {
            "ticket_id": int(tid),
            "body": with_marker(text, key),
            "content_type": "text/plain",
            "type": "note",
            "internal": internal,
            "sender": "Agent",
        }
        if not internal:
            to = _customer_address(articles)
            body.update({"type": "email", "to": to} if to else {"type": "web"})
        return write_once(
            self._api,
            "POST",
            "ticket_articles",
            json=body,
            ticket_id=ticket_id,
            action=action,
            find=lambda: marked_id(self._articles(tid), key, ("body",)),
            check_first=False,  # checked above, with the same articles that gave "to"
        )


def _message(article: Mapping[str, Any]) -> Message | None:
    body = str(article.get("body") or "")
    if article.get("content_type") == "text/html":
        body = html_to_text(body)
    return message(
        body,
        role=_ROLES.get(str(article.get("sender")), Role.AGENT),
        public=not article.get("internal", False),
        sent_at=article.get("created_at"),
    )


def _customer_address(articles: Sequence[Mapping[str, Any]]) -> str | None:
    """Where the customer's latest e-mail came from, to reply to."""
    for article in reversed(articles):
        if article.get("sender") == "Customer" and article.get("type") == "email":
            sender = article.get("from")
            if isinstance(sender, str) and "@" in sender:
                return sender
    return None


def _customer_id(data: Mapping[str, Any]) -> str | None:
    customer = data.get("customer") or data.get("customer_id")
    if customer is None or isinstance(customer, (dict, list)):
        return None
    text = str(customer)
    return text if 0 < len(text) <= 200 else None
