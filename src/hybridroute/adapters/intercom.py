"""Intercom conversations over its REST API (versioned with the ``Intercom-Version`` header).

What the adapter calls (``https://api.intercom.io``)::

    fetch_ticket   GET  /conversations/{id}
    post_reply     POST /conversations/{id}/reply  {"message_type": "comment", "type": "admin",
                                                    "admin_id", "body"}
    post_note      POST /conversations/{id}/reply  {"message_type": "note", ...}
    assign         POST /conversations/{id}/parts  {"message_type": "assignment",
                                                    "type": "team" | "admin", "admin_id",
                                                    "assignee_id"}
                   PUT  /conversations/{id}        {"priority", "admin_id"}  (Preview API)
    add_tags       POST /tags {"name"} (creates or finds the tag), then
                   POST /conversations/{id}/tags {"id", "admin_id"}

Authentication is a bearer access token; every request names the API version
(``Intercom-Version``, 2.11 by default). Replies and notes are written as the admin
``admin_id``. Intercom takes no idempotency key, so a reply or note carries the marker of
:mod:`hybridroute.adapters.markers` as its last paragraph and the adapter looks for it in
the conversation parts before writing and before retrying an ambiguous failure.
Assigning and tagging set state, so repeating them is harmless.

Priority: the stable API versions (up to 2.16) only *read* a conversation's priority
(``priority`` / ``not_priority``); setting it is documented only in the ``Preview``
version, as ``PUT /conversations/{id}`` with ``priority`` one of none, low, medium, high,
urgent. The adapter sends that one request with ``Intercom-Version: Preview``
(``priority_api_version``); pass ``priority_api_version=None`` to leave priority alone
(it is then only logged). Our ``normal`` is Intercom's ``medium``.

Intercom rate-limits with 429 and ``X-RateLimit-Reset`` (a Unix time), without
``Retry-After``; the adapter waits until that time (within the retry policy's cap).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Mapping, Sequence
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
from hybridroute.adapters._tags import new_tags
from hybridroute.adapters._writes import marked_id, write_once
from hybridroute.adapters.base import ActionReceipt
from hybridroute.adapters.http import HttpOptions, JsonApi, parse_retry_after
from hybridroute.adapters.markers import with_marker
from hybridroute.exceptions import HelpdeskError, UsageError
from hybridroute.models import Channel, Customer, Message, Priority, Role, Ticket

__all__ = ["FROM_INTERCOM_PRIORITY", "TO_INTERCOM_PRIORITY", "IntercomAdapter", "rate_limit_delay"]

VENDOR = "intercom"

log = logging.getLogger("hybridroute.adapters")

TO_INTERCOM_PRIORITY: Mapping[Priority, str] = {
    Priority.LOW: "low",
    Priority.NORMAL: "medium",
    Priority.HIGH: "high",
    Priority.URGENT: "urgent",
}
"""Our priority -> Intercom's priority level (Preview API)."""

FROM_INTERCOM_PRIORITY: Mapping[str, Priority] = {
    **{v: k for k, v in TO_INTERCOM_PRIORITY.items()},
    "priority": Priority.HIGH,  # the stable versions' only flag
}
"""Intercom's priority (a Preview level, or the stable ``priority`` flag) -> ours."""

#: Who wrote a part, by its author's type; any other type (admin, team) is an agent.
_AUTHOR_ROLES: Mapping[str, Role] = {
    "user": Role.CUSTOMER,
    "lead": Role.CUSTOMER,
    "contact": Role.CUSTOMER,
    "bot": Role.BOT,
}
_CHANNELS: Mapping[str, Channel] = {
    "conversation": Channel.CHAT,
    "email": Channel.EMAIL,
    "facebook": Channel.SOCIAL,
    "twitter": Channel.SOCIAL,
    "instagram": Channel.SOCIAL,
    "whatsapp": Channel.SOCIAL,
    "phone_call": Channel.PHONE,
}


def rate_limit_delay(response: httpx.Response, *, now: float | None = None) -> float | None:
    """Seconds until Intercom lifts a rate limit: ``Retry-After``, else ``X-RateLimit-Reset``."""
    advised = parse_retry_after(response.headers.get("retry-after"), now=now)
    if advised is not None:
        return advised
    try:
        reset = float(response.headers["x-ratelimit-reset"])
    except (KeyError, ValueError):
        return None
    return max(0.0, reset - (time.time() if now is None else now))


class IntercomAdapter:
    """A :class:`~hybridroute.adapters.HelpdeskAdapter` for Intercom conversations.

    Parameters
    ----------
    access_token : str
        An Intercom access token (Developer Hub > your app > Authentication).
    admin_id : str
        The admin (teammate) replies, notes, assignments and tags are attributed to.
    teams : mapping of str to str, optional
        Our queue names to Intercom team ids, for ``assign(queue=...)``.
    admins : mapping of str to str, optional
        Agent names to Intercom admin ids, for ``assign(agent=...)``; a numeric string
        is taken as an admin id.
    api_version : str
        Sent as ``Intercom-Version`` (default ``"2.11"``).
    priority_api_version : str or None
        The version used to set a conversation's priority (``"Preview"``, the only one
        that documents it); None to leave priority alone.
    base_url : str
        ``https://api.intercom.io``; the EU and Australian regions have their own.
    http : HttpOptions, optional
        Timeout, retry policy, transport and sleep, the same for every adapter.

    Examples
    --------
    >>> adapter = IntercomAdapter("token", admin_id="991267", teams={"billing": "5017691"})
    >>> adapter.name
    'intercom'
    """

    name = VENDOR

    def __init__(
        self,
        access_token: str,
        *,
        admin_id: str,
        teams: Mapping[str, str] | None = None,
        admins: Mapping[str, str] | None = None,
        api_version: str = "2.11",
        priority_api_version: str | None = "Preview",
        base_url: str = "https://api.intercom.io",
        http: HttpOptions | None = None,
    ) -> None:
        if not access_token:
            raise UsageError("Intercom needs an access token")
        if not str(admin_id).strip():
            raise UsageError("admin_id names the Intercom admin the adapter writes as")
        self.admin_id = str(admin_id)
        self.teams = {k: str(v) for k, v in (teams or {}).items()}
        self.admins = {k: str(v) for k, v in (admins or {}).items()}
        self.api_version = api_version
        self.priority_api_version = priority_api_version
        self._api = JsonApi(
            base_url,
            vendor=VENDOR,
            headers={"Authorization": f"Bearer {access_token}", "Intercom-Version": api_version},
            http=http,
            retry_delay=rate_limit_delay,
        )

    __repr__ = shown_as("admin_id", "teams")
    close = close_api
    __enter__ = enter
    __exit__ = exit_closing

    # -- the contract ----------------------------------------------------------------------

    def fetch_ticket(self, ticket_id: str) -> Ticket:
        """The conversation: its opening message, then every part with words, oldest first."""
        cid = numeric_id(ticket_id, VENDOR)
        data = self._conversation(cid)
        source: dict[str, Any] = data["source"] if isinstance(data.get("source"), dict) else {}
        opening = _message(source, public=True, sent_at=data.get("created_at"))
        parts = (_message(p, public=p.get("part_type") != "note") for p in _parts(data))
        contacts = (data.get("contacts") or {}).get("contacts") or []
        customer_id = contacts[0].get("id") if contacts and isinstance(contacts[0], dict) else None
        team = data.get("team_assignee_id")
        raw_priority = data.get("priority")
        priority = priority_from(raw_priority, FROM_INTERCOM_PRIORITY)
        return build_ticket(
            VENDOR,
            str(data.get("id", cid)),
            subject=data.get("title") or html_to_text(str(source.get("subject") or "")) or None,
            messages=compact([opening, *parts]),
            channel=_CHANNELS.get(str(source.get("type")), Channel.OTHER),
            customer=Customer(id=str(customer_id) if customer_id else None),
            metadata={
                "queue": name_for(self.teams, str(team)) if team is not None else None,
                "team_assignee_id": str(team) if team is not None else None,
                "admin_assignee_id": _scalar(data.get("admin_assignee_id")),
                "priority": priority.value if priority else None,
                "intercom_priority": _scalar(raw_priority),
                "state": _scalar(data.get("state")),
                "tags": ",".join(_tag_names(data)),
            },
            created_at=parse_timestamp(data.get("created_at")),
            updated_at=parse_timestamp(data.get("updated_at")),
        )

    def post_reply(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """A reply from the admin: the customer sees it (Messenger or e-mail)."""
        return self._reply(ticket_id, text, idempotency_key, message_type="comment")

    def post_note(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """A note: only teammates see it."""
        return self._reply(ticket_id, text, idempotency_key, message_type="note")

    def assign(
        self,
        ticket_id: str,
        *,
        queue: str | None = None,
        priority: Priority | None = None,
        agent: str | None = None,
        idempotency_key: str,
    ) -> ActionReceipt:
        """Assign the team (from ``teams``) and admin, and set the priority (Preview API)."""
        cid = numeric_id(ticket_id, VENDOR)
        if queue is not None:
            self._assign(cid, "team", lookup(self.teams, queue, "queue", VENDOR))
        if agent is not None:
            self._assign(cid, "admin", lookup(self.admins, agent, "agent", VENDOR, numeric=str))
        if priority is not None:
            self._set_priority(cid, Priority(priority))
        return ActionReceipt(ticket_id=ticket_id, action="assign")

    def add_tags(
        self, ticket_id: str, tags: Sequence[str], *, idempotency_key: str
    ) -> ActionReceipt:
        """Attach each tag (creating it if needed); tags already on it are left alone."""
        cid = numeric_id(ticket_id, VENDOR)
        new = new_tags(_tag_names(self._conversation(cid)), tags, fold=str.casefold)
        for name in new:
            tag = self._api.request("POST", "tags", json={"name": name}, idempotent=True)
            if not isinstance(tag, dict) or tag.get("id") is None:
                raise HelpdeskError("intercom: POST /tags answered without a tag id", vendor=VENDOR)
            body = {"id": str(tag["id"]), "admin_id": self.admin_id}
            self._api.request("POST", f"conversations/{cid}/tags", json=body, idempotent=True)
        return ActionReceipt(ticket_id=ticket_id, action="tags", duplicate=not new)

    # -- helpers ---------------------------------------------------------------------------

    def _conversation(self, cid: str) -> dict[str, Any]:
        data = self._api.get(f"conversations/{cid}")
        if not isinstance(data, dict) or data.get("type") != "conversation":
            raise HelpdeskError(
                f"intercom: GET /conversations/{cid} answered with something that is not a "
                "conversation",
                vendor=VENDOR,
            )
        return data

    def _reply(self, ticket_id: str, text: str, key: str, *, message_type: str) -> ActionReceipt:
        cid = numeric_id(ticket_id, VENDOR)
        body = {
            "message_type": message_type,
            "type": "admin",
            "admin_id": self.admin_id,
            "body": text_to_html(with_marker(text, key)),
        }

        def part_id(conversation: Any) -> str | None:
            parts = _parts(conversation) if isinstance(conversation, dict) else []
            return marked_id(reversed(parts), key, ("body",))

        return write_once(
            self._api,
            "POST",
            f"conversations/{cid}/reply",
            json=body,
            ticket_id=ticket_id,
            action="reply" if message_type == "comment" else "note",
            find=lambda: part_id(self._conversation(cid)),
            new_id=part_id,
        )

    def _assign(self, cid: str, kind: str, assignee: str) -> None:
        body = {
            "message_type": "assignment",
            "type": kind,
            "admin_id": self.admin_id,
            "assignee_id": assignee,
        }
        self._api.request("POST", f"conversations/{cid}/parts", json=body, idempotent=True)

    def _set_priority(self, cid: str, priority: Priority) -> None:
        if self.priority_api_version is None:
            log.warning(
                "intercom: conversation %s not given priority %s (priority_api_version=None)",
                cid,
                priority.value,
            )
            return
        body = {"priority": TO_INTERCOM_PRIORITY[priority], "admin_id": self.admin_id}
        self._api.request(
            "PUT",
            f"conversations/{cid}",
            json=body,
            headers={"Intercom-Version": self.priority_api_version},
        )


def _parts(conversation: Mapping[str, Any]) -> list[dict[str, Any]]:
    listing = conversation.get("conversation_parts") or {}
    parts = listing.get("conversation_parts") if isinstance(listing, dict) else None
    return [p for p in parts or () if isinstance(p, dict)]


def _tag_names(conversation: Mapping[str, Any]) -> list[str]:
    listing = conversation.get("tags") or {}
    tags: Iterable[Any] = listing.get("tags") or () if isinstance(listing, dict) else ()
    return [str(t.get("name")) for t in tags if isinstance(t, dict) and t.get("name")]


def _message(part: Mapping[str, Any], *, public: bool, sent_at: object = None) -> Message | None:
    author: Mapping[str, Any] = part["author"] if isinstance(part.get("author"), dict) else {}
    role = _AUTHOR_ROLES.get(str(author.get("type")), Role.AGENT)
    body = part.get("body")
    text = html_to_text(body) if isinstance(body, str) else ""
    return message(text, role=role, public=public, sent_at=part.get("created_at") or sent_at)


def _scalar(value: object) -> str | int | float | bool | None:
    return value if isinstance(value, (str, int, float, bool)) or value is None else str(value)
