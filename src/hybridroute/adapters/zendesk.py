"""Zendesk Support over its Tickets API v2.

What the adapter calls (``https://{subdomain}.zendesk.com/api/v2``)::

    fetch_ticket   GET  /tickets/{id}.json  +  GET /tickets/{id}/comments.json (cursor pages)
    post_reply     PUT  /tickets/{id}.json  {"ticket": {"comment": {"body", "public": true}}}
    post_note      PUT  /tickets/{id}.json  {"ticket": {"comment": {"body", "public": false}}}
    assign         PUT  /tickets/{id}.json  {"ticket": {"group_id", "priority", "assignee_id"}}
    add_tags       PUT  /tickets/{id}.json  {"ticket": {"additional_tags": [...]}}

Authentication is an API token as HTTP Basic auth, user ``{email}/token``, password the
token. Zendesk creates comments only through a ticket update (the Ticket Comments API
has no create endpoint) and takes no idempotency key on updates, so a comment carries
the idempotency marker of :mod:`hybridroute.adapters.markers` as its last line; the
adapter looks for it in the comments before writing and before retrying an ambiguous
failure. ``additional_tags`` adds tags without replacing the ticket's others, and group,
priority and assignee are plain values, so those updates are safe to repeat.

Roles when a ticket is read: a comment by the ticket's requester is the customer's;
one carrying a hybridroute marker is the bot's; any other is an agent's (``public``
false for an internal note). Zendesk's priorities are ours (low, normal, high, urgent).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from hybridroute.adapters._conversation import (
    build_ticket,
    compact,
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
from hybridroute.models import Channel, Customer, Priority, Role, Ticket

__all__ = ["ZendeskAdapter"]

VENDOR = "zendesk"

#: Comments per page (the cursor pagination maximum).
PAGE_SIZE = 100

#: Pages of comments read at most (Zendesk caps a ticket at 5000 comments).
MAX_PAGES = 50

_CHANNELS: Mapping[str, Channel] = {
    "email": Channel.EMAIL,
    "web": Channel.WEB,
    "web_widget": Channel.WEB,
    "api": Channel.API,
    "chat": Channel.CHAT,
    "native_messaging": Channel.CHAT,
    "voice": Channel.PHONE,
    "twitter": Channel.SOCIAL,
    "facebook": Channel.SOCIAL,
}
_PRIORITIES: Mapping[str, Priority] = {p.value: p for p in Priority}
_SUBDOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_COMMENT_BODIES = ("body", "plain_body", "html_body")


class ZendeskAdapter:
    """A :class:`~hybridroute.adapters.HelpdeskAdapter` for Zendesk Support.

    Parameters
    ----------
    subdomain : str
        ``acme`` for ``https://acme.zendesk.com``.
    email : str
        The agent the API token belongs to; comments are written as this agent.
    api_token : str
        A Zendesk API token (Admin Center > Apps and integrations > Zendesk API).
    groups : mapping of str to int, optional
        Our queue names to Zendesk group ids, for ``assign(queue=...)``.
    agents : mapping of str to int, optional
        Agent names to Zendesk user ids, for ``assign(agent=...)``; a numeric string
        is taken as a user id.
    base_url : str, optional
        Overrides ``https://{subdomain}.zendesk.com/api/v2`` (a proxy, a test server).
    http : HttpOptions, optional
        Timeout, retry policy, transport and sleep, the same for every adapter.

    Examples
    --------
    >>> adapter = ZendeskAdapter("acme", "bot@acme.com", "token", groups={"billing": 360001})
    >>> adapter.name
    'zendesk'
    """

    name = VENDOR

    def __init__(
        self,
        subdomain: str,
        email: str,
        api_token: str,
        *,
        groups: Mapping[str, int] | None = None,
        agents: Mapping[str, int] | None = None,
        base_url: str | None = None,
        http: HttpOptions | None = None,
    ) -> None:
        if base_url is None and not _SUBDOMAIN.match(subdomain):
            raise UsageError(
                f"subdomain is the first label of your Zendesk address ('acme' for "
                f"https://acme.zendesk.com); got {subdomain!r}"
            )
        if not email or not api_token:
            raise UsageError("Zendesk needs the agent's email and an API token")
        self.subdomain = subdomain
        self.groups = dict(groups or {})
        self.agents = dict(agents or {})
        self._api = JsonApi(
            base_url or f"https://{subdomain}.zendesk.com/api/v2",
            vendor=VENDOR,
            auth=httpx.BasicAuth(f"{email}/token", api_token),
            http=http,
        )

    __repr__ = shown_as("subdomain", "groups")
    close = close_api
    __enter__ = enter
    __exit__ = exit_closing

    # -- the contract ----------------------------------------------------------------------

    def fetch_ticket(self, ticket_id: str) -> Ticket:
        """The ticket and its comments, oldest first (see the module docstring for roles)."""
        tid = numeric_id(ticket_id, VENDOR)
        data = _object(self._api.get(f"tickets/{tid}.json"), "ticket", f"GET tickets/{tid}")
        requester = data.get("requester_id")
        messages = compact(
            message(
                str(c.get("plain_body") or c.get("body") or ""),
                role=Role.CUSTOMER if c.get("author_id") == requester else Role.AGENT,
                public=bool(c.get("public", True)),
                sent_at=c.get("created_at"),
            )
            for c in self._comments(tid)
        )
        group_id = data.get("group_id")
        tags = [str(t) for t in data.get("tags") or ()]
        via: dict[str, Any] = data["via"] if isinstance(data.get("via"), dict) else {}
        return build_ticket(
            VENDOR,
            str(data.get("id", tid)),
            subject=data.get("subject") or None,
            messages=messages,
            fallback_body=data.get("description") or data.get("subject"),
            channel=_CHANNELS.get(str(via.get("channel")), Channel.OTHER),
            customer=Customer(id=str(requester) if requester is not None else None),
            metadata={
                "queue": name_for(self.groups, group_id) if isinstance(group_id, int) else None,
                "group_id": group_id if isinstance(group_id, int) else None,
                "priority": _priority(data.get("priority")),
                "status": data.get("status"),
                "tags": ",".join(tags),
                "assignee_id": data.get("assignee_id"),
            },
            created_at=parse_timestamp(data.get("created_at")),
            updated_at=parse_timestamp(data.get("updated_at")),
        )

    def post_reply(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """A public comment: the requester sees it and is notified."""
        return self._comment(ticket_id, text, idempotency_key, public=True, action="reply")

    def post_note(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """A private comment (internal note): only agents see it."""
        return self._comment(ticket_id, text, idempotency_key, public=False, action="note")

    def assign(
        self,
        ticket_id: str,
        *,
        queue: str | None = None,
        priority: Priority | None = None,
        agent: str | None = None,
        idempotency_key: str,
    ) -> ActionReceipt:
        """Set the group (from ``groups``), priority and assignee; safe to repeat."""
        tid = numeric_id(ticket_id, VENDOR)
        changes: dict[str, Any] = {}
        if queue is not None:
            changes["group_id"] = lookup(self.groups, queue, "queue", VENDOR)
        if priority is not None:
            changes["priority"] = Priority(priority).value
        if agent is not None:
            changes["assignee_id"] = lookup(self.agents, agent, "agent", VENDOR, numeric=int)
        if changes:
            self._api.request("PUT", f"tickets/{tid}.json", json={"ticket": changes})
        return ActionReceipt(ticket_id=ticket_id, action="assign")

    def add_tags(
        self, ticket_id: str, tags: Sequence[str], *, idempotency_key: str
    ) -> ActionReceipt:
        """Add tags with ``additional_tags``, which keeps the ticket's other tags."""
        tid = numeric_id(ticket_id, VENDOR)
        wanted = new_tags((), tags)
        if wanted:
            body = {"ticket": {"additional_tags": wanted}}
            self._api.request("PUT", f"tickets/{tid}.json", json=body)
        return ActionReceipt(ticket_id=ticket_id, action="tags")

    # -- comments --------------------------------------------------------------------------

    def _comment(
        self, ticket_id: str, text: str, key: str, *, public: bool, action: HelpdeskAction
    ) -> ActionReceipt:
        tid = numeric_id(ticket_id, VENDOR)
        comment = {"body": with_marker(text, key), "public": public}
        return write_once(
            self._api,
            "PUT",
            f"tickets/{tid}.json",
            json={"ticket": {"comment": comment}},
            ticket_id=ticket_id,
            action=action,
            find=lambda: marked_id(self._comments(tid), key, _COMMENT_BODIES),
            new_id=_new_comment_id,
        )

    def _comments(self, tid: str) -> list[dict[str, Any]]:
        comments: list[dict[str, Any]] = []
        params: dict[str, str | int] = {"page[size]": PAGE_SIZE}
        for _ in range(MAX_PAGES):
            page = self._api.get(f"tickets/{tid}/comments.json", params=params)
            if not isinstance(page, dict) or not isinstance(page.get("comments"), list):
                raise HelpdeskError(
                    f"zendesk: GET tickets/{tid}/comments.json answered without 'comments'",
                    vendor=VENDOR,
                )
            comments += [c for c in page["comments"] if isinstance(c, dict)]
            meta = page.get("meta") or {}
            if not meta.get("has_more") or not meta.get("after_cursor"):
                break
            params = {"page[size]": PAGE_SIZE, "page[after]": str(meta["after_cursor"])}
        return comments


def _object(answer: Any, key: str, what: str) -> dict[str, Any]:
    if isinstance(answer, dict) and isinstance(answer.get(key), dict):
        found: dict[str, Any] = answer[key]
        return found
    raise HelpdeskError(f"zendesk: {what} answered without a '{key}' object", vendor=VENDOR)


def _priority(value: object) -> str | None:
    priority = _PRIORITIES.get(str(value)) if value is not None else None
    return priority.value if priority else None


def _new_comment_id(answer: Any) -> str | None:
    """The id of the comment an update created, from the audit Zendesk answers with."""
    audit = answer.get("audit") if isinstance(answer, dict) else None
    for event in (audit or {}).get("events") or ():
        if isinstance(event, dict) and event.get("type") == "Comment":
            return str(event.get("id"))
    return None
