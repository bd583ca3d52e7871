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
    HelpdeskAuthError,
    HelpdeskError,
    HelpdeskNotFound,
    HelpdeskRateLimited,
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

    ``kind`` is one of:

    * ``"ticket"``: a new ticket;
    * ``"message"``: a follow-up by the customer (no user: an e-mail reply, the web form);
    * ``"agent_message"``: a follow-up by a staff user (a human agent took part);
    * ``"bot_message"``: a follow-up hybridroute wrote itself (it carries the marker).
      django-helpdesk sends a webhook for every follow-up, its own included (quirk 7):
      a service that routed these would answer its own replies in a loop.

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
            f"invalid django-helpdesk webhook: expected a JSON object, got {type(payload).__name__}"
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
                kind = _followup_kind(followup)
                break
    return f"{VENDOR}:followup:{followup_id}", str(ticket_id), kind


def _followup_kind(followup: Mapping[str, Any]) -> str:
    comment = followup.get("comment")
    if isinstance(comment, str) and _MARKER_RE.search(comment):
        return "bot_message"
    return "message" if followup.get("user") is None else "agent_message"


def _positive_int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        return None
    text = str(value)
    return int(text) if text.isdigit() and int(text) > 0 else None


# -- reading tickets -------------------------------------------------------------------


def _parse_date(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:  # Python 3.10's fromisoformat does not take "Z"
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _followup_message(followup: Mapping[str, Any]) -> Message | None:
    """The message a follow-up stands for, or None when it has no words."""
    comment = followup.get("comment")
    if not isinstance(comment, str) or not comment.strip():
        return None  # backlinks, status changes, attachments only
    public = bool(followup.get("public"))
    sent_at = _parse_date(followup.get("date"))
    if _MARKER_RE.search(comment):
        text = _restore(comment).strip() or comment
        return Message(text=text, role=Role.BOT, public=public, sent_at=sent_at)
    role = Role.CUSTOMER if followup.get("user") is None else Role.AGENT
    return Message(text=comment, role=role, public=public, sent_at=sent_at)


def _is_opening(followup: Mapping[str, Any], description: str) -> bool:
    """The follow-up written when the ticket was created repeats its description."""
    comment = followup.get("comment")
    return isinstance(comment, str) and comment.strip() == description.strip()


# -- the adapter -----------------------------------------------------------------------


class DjangoHelpdeskAdapter:
    """A :class:`~hybridroute.adapters.HelpdeskAdapter` for django-helpdesk 2.6.

    Parameters
    ----------
    base_url : str
        The REST API root: where django-helpdesk's URLs are included, plus ``api/``
        (``https://support.example.com/helpdesk/api/``).
    username, password : str
        A **staff** user (the API refuses others); sent as HTTP Basic auth.
    queues : mapping of str to int
        Our queue names to django-helpdesk queue ids. django-helpdesk has no API for
        queues (quirk 10): read the ids from its admin (``/admin/helpdesk/queue/``).
    agents : mapping of str to int, optional
        Agent names (as a policy names them) to user ids, for ``assign(agent=...)``;
        a numeric string is taken as a user id.
    tags_field : str, optional
        Name of a ``varchar`` custom field that holds tags, comma separated (create
        it in the admin). None (default): tags are written as a private note, which
        agents read but no filter can use.
    timeout : float
        Seconds for each HTTP call.
    max_attempts : int
        Attempts at a transient failure (timeout, connection error, 429, 5xx).
    client : httpx.Client, optional
        The client to send through (tests pass one with ``httpx.MockTransport``);
        its base URL is ignored, ``base_url`` is used.

    Examples
    --------
    >>> adapter = DjangoHelpdeskAdapter(
    ...     "http://127.0.0.1:8000/helpdesk/api/", "hybridroute", "secret",
    ...     queues={"general": 1, "risk": 2, "payments": 3},
    ... )
    >>> adapter.name
    'django-helpdesk'
    """

    name = VENDOR

    def __init__(
        self,
        base_url: str,
        username: str,
        password: str,
        *,
        queues: Mapping[str, int],
        agents: Mapping[str, int] | None = None,
        tags_field: str | None = None,
        timeout: float = 10.0,
        max_attempts: int = 4,
        client: httpx.Client | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise UsageError(
                f"base_url must be the API root, like 'https://support.example.com/helpdesk/api/';"
                f" got {base_url!r}"
            )
        bad = {k: v for k, v in queues.items() if isinstance(v, bool) or not isinstance(v, int)}
        if bad:
            raise UsageError(f"queues maps queue names to integer queue ids; got {bad!r}")
        if tags_field is not None and not re.fullmatch(r"[A-Za-z0-9_]+", tags_field):
            raise UsageError(
                f"tags_field is a custom field's name (letters, digits, _); got {tags_field!r}"
            )
        self.base_url = base_url.rstrip("/") + "/"
        self.queues = dict(queues)
        self.agents = dict(agents or {})
        self.tags_field = tags_field
        self._http = self._make_transport(username, password, timeout, max_attempts, client)

    def __repr__(self) -> str:
        return f"DjangoHelpdeskAdapter({self.base_url!r}, queues={self.queues!r})"

    # -- the contract ----------------------------------------------------------------------

    def fetch_ticket(self, ticket_id: str) -> Ticket:
        """The ticket and its conversation (see the module docstring for the roles)."""
        data = self._get_ticket(ticket_id)
        try:
            return self._to_ticket(data)
        except (ValidationError, KeyError, TypeError, ValueError) as exc:
            raise HelpdeskError(
                f"django-helpdesk ticket {ticket_id} cannot be read as a hybridroute Ticket: {exc}",
                vendor=VENDOR,
            ) from exc

    def post_reply(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """A public follow-up: the customer sees it and gets it by e-mail."""
        return self._post_followup(ticket_id, text, idempotency_key, public=True, action="reply")

    def post_note(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """A private follow-up: only staff see it (it is in the follow-up webhook too)."""
        return self._post_followup(ticket_id, text, idempotency_key, public=False, action="note")

    def assign(
        self,
        ticket_id: str,
        *,
        queue: str | None = None,
        priority: Priority | None = None,
        agent: str | None = None,
        idempotency_key: str,
    ) -> ActionReceipt:
        """Move the ticket (PATCH), then record the change in a private note.

        The PATCH alone leaves no trace in the ticket's history (quirk 8); the note
        tells agents what hybridroute changed and carries the idempotency marker, so a
        replay after the note was written changes nothing, not even a queue an agent
        has since changed by hand.
        """
        changes: dict[str, Any] = {}
        said: list[str] = []
        if queue is not None:
            changes["queue"] = self._queue_id(queue)
            said.append(f"queue '{queue}'")
        if priority is not None:
            priority = Priority(priority)
            changes["priority"] = TO_HELPDESK_PRIORITY[priority]
            said.append(f"priority {priority.value}")
        if agent is not None:
            changes["assigned_to"] = self._agent_id(agent)
            said.append(f"agent '{agent}'")
        if not changes:
            return ActionReceipt(ticket_id=ticket_id, action="assign")
        pk = _ticket_pk(ticket_id)
        marker = idempotency_marker(idempotency_key)
        found = self._find_marker(pk, marker)
        if found is not None:
            return ActionReceipt(
                ticket_id=ticket_id, action="assign", external_id=found, duplicate=True
            )
        self._patch_ticket(pk, changes)  # idempotent: setting the same values again is harmless
        note = "[hybridroute] Set " + ", ".join(said) + "."
        return self._write_followup(pk, ticket_id, note, marker, public=False, action="assign")

    def add_tags(
        self, ticket_id: str, tags: Sequence[str], *, idempotency_key: str
    ) -> ActionReceipt:
        """Add tags to the ``tags_field`` custom field, or write them in a private note.

        With a custom field the write is a union with the tags already there, so it
        is idempotent whatever the key; ``duplicate`` is True when nothing was new.
        """
        tags = [str(t) for t in tags]
        if self.tags_field is None:
            text = "[hybridroute] Tags: " + ", ".join(tags)
            return self._post_followup(
                ticket_id, text, idempotency_key, public=False, action="tags"
            )
        pk = _ticket_pk(ticket_id)
        data = self._get_ticket(ticket_id)
        field_name = f"custom_{self.tags_field}"
        current = _split_tags(self._require_tags_field(data, field_name))
        merged = current + [t for t in dict.fromkeys(tags) if t not in current]
        if merged == current:
            return ActionReceipt(ticket_id=ticket_id, action="tags", duplicate=True)
        updated = self._patch_ticket(pk, {field_name: ",".join(merged)})
        self._require_tags_field(updated, field_name)
        return ActionReceipt(ticket_id=ticket_id, action="tags")

    # -- follow-ups ------------------------------------------------------------------------

    def _post_followup(
        self, ticket_id: str, text: str, key: str, *, public: bool, action: str
    ) -> ActionReceipt:
        pk = _ticket_pk(ticket_id)
        marker = idempotency_marker(key)
        found = self._find_marker(pk, marker)
        if found is not None:
            return ActionReceipt(
                ticket_id=ticket_id, action=action, external_id=found, duplicate=True
            )
        return self._write_followup(pk, ticket_id, text, marker, public=public, action=action)

    def _write_followup(
        self, pk: int, ticket_id: str, text: str, marker: str, *, public: bool, action: str
    ) -> ActionReceipt:
        """POST a follow-up; after an ambiguous failure, look for it before retrying."""
        # Never a "title": it would rename the ticket (quirk 1). "public" always explicit:
        # it defaults to false (quirk 2 of the notes).
        body = {"ticket": pk, "comment": f"{neutralise(text)}\n\n{marker}", "public": public}
        found: list[str] = []

        def already_done() -> bool:
            hit = self._find_marker(pk, marker)
            if hit is not None:
                found.append(hit)
            return hit is not None

        created = self._send("POST", "followups/", json=body, already_done=already_done)
        if created is None:  # the write had been saved before the failure we retried
            return ActionReceipt(ticket_id=ticket_id, action=action, external_id=found[-1])
        return ActionReceipt(ticket_id=ticket_id, action=action, external_id=str(created["id"]))

    def _find_marker(self, pk: int, marker: str) -> str | None:
        """The id of the follow-up carrying ``marker``, if there is one."""
        for followup in self._get_ticket(str(pk)).get("followup_set") or ():
            comment = followup.get("comment") or ""
            if marker in comment:
                return str(followup.get("id"))
        return None

    # -- tickets ---------------------------------------------------------------------------

    def _get_ticket(self, ticket_id: str) -> dict[str, Any]:
        data = self._send("GET", f"tickets/{_ticket_pk(ticket_id)}/")
        if not isinstance(data, dict) or "followup_set" not in data:
            raise HelpdeskError(
                f"django-helpdesk answered GET tickets/{ticket_id}/ with something that is not "
                "a ticket; is base_url the API root (…/helpdesk/api/)?",
                vendor=VENDOR,
            )
        return data

    def _patch_ticket(self, pk: int, changes: Mapping[str, Any]) -> dict[str, Any]:
        data = self._send("PATCH", f"tickets/{pk}/", json=dict(changes))
        if not isinstance(data, dict):
            raise HelpdeskError(f"unexpected answer to PATCH tickets/{pk}/", vendor=VENDOR)
        return data

    def _to_ticket(self, data: Mapping[str, Any]) -> Ticket:
        description = str(data.get("description") or "")
        title = str(data.get("title") or "")
        followups = sorted(
            (f for f in data.get("followup_set") or () if isinstance(f, Mapping)),
            key=lambda f: (str(f.get("date") or ""), int(f.get("id") or 0)),
        )
        if followups and _is_opening(followups[0], description):
            followups = followups[1:]
        messages = tuple(m for m in map(_followup_message, followups) if m is not None)
        dates = [
            d for d in (_parse_date(f.get("date")) for f in data.get("followup_set") or ()) if d
        ]
        email = data.get("submitter_email") or None
        queue_id = data.get("queue")
        by_id = {v: k for k, v in self.queues.items()}
        priority = FROM_HELPDESK_PRIORITY.get(int(data.get("priority") or 3), Priority.NORMAL)
        metadata: dict[str, str | int | float | bool | None] = {
            "queue": by_id.get(queue_id) if isinstance(queue_id, int) else None,
            "queue_id": queue_id if isinstance(queue_id, int) else None,
            "priority": priority.value,
            "helpdesk_priority": data.get("priority"),
            "status": STATUS_NAMES.get(data.get("status") or 0, str(data.get("status"))),
            "assigned_to": data.get("assigned_to"),
        }
        if self.tags_field is not None:
            metadata["tags"] = str(data.get(f"custom_{self.tags_field}") or "")
        return Ticket(
            id=str(data["id"]),
            subject=title or None,
            body=description if description.strip() else (title or None),
            messages=messages,
            customer=Customer(id=email if email and len(email) <= 200 else None),
            metadata=metadata,
            created_at=min(dates) if dates else None,
            updated_at=max(dates) if dates else None,
        )

    # -- HTTP ------------------------------------------------------------------------------

    def _make_transport(
        self,
        username: str,
        password: str,
        timeout: float,
        max_attempts: int,
        client: httpx.Client | None,
    ) -> _Transport:
        return _Transport(self.base_url, (username, password), timeout, max_attempts, client)

    def _send(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        already_done: Callable[[], bool] | None = None,
    ) -> Any:
        """The decoded JSON answer, or None if ``already_done`` said a retry was not needed."""
        return self._http.request(method, path, json=json, already_done=already_done)

    # -- configuration lookups -------------------------------------------------------------

    def _queue_id(self, queue: str) -> int:
        try:
            return self.queues[queue]
        except KeyError:
            raise HelpdeskRejected(
                f"queue {queue!r} has no django-helpdesk queue id; add it to the adapter's "
                f"queues mapping (known: {sorted(self.queues)})",
                vendor=VENDOR,
            ) from None

    def _agent_id(self, agent: str) -> int:
        if agent in self.agents:
            return self.agents[agent]
        if agent.isdigit():
            return int(agent)
        raise HelpdeskRejected(
            f"agent {agent!r} has no django-helpdesk user id; add it to the adapter's agents "
            "mapping or pass the numeric user id",
            vendor=VENDOR,
        )

    def _require_tags_field(self, data: Mapping[str, Any], field_name: str) -> str:
        # django-helpdesk silently ignores unknown custom_* fields in a PATCH: check.
        if field_name not in data:
            raise HelpdeskRejected(
                f"django-helpdesk has no custom field {self.tags_field!r} for tags; create it "
                "(admin: /admin/helpdesk/customfield/add/, data type 'varchar') or pass "
                "tags_field=None to write tags in a private note",
                vendor=VENDOR,
            )
        return str(data[field_name] or "")


def _ticket_pk(ticket_id: str) -> int:
    pk = _positive_int(ticket_id)
    if pk is None:
        raise HelpdeskNotFound(
            f"django-helpdesk ticket ids are positive integers; there is no ticket {ticket_id!r}",
            status_code=None,
            vendor=VENDOR,
        )
    return pk


def _split_tags(value: str) -> list[str]:
    return [t.strip() for t in value.split(",") if t.strip()]


class _Transport:
    """Provisional minimal transport (to be replaced by hybridroute.adapters.http)."""

    def __init__(
        self,
        base_url: str,
        auth: tuple[str, str],
        timeout: float,
        max_attempts: int,
        client: httpx.Client | None,
    ) -> None:
        import httpx

        self._httpx = httpx
        self.base_url = base_url
        self.auth = httpx.BasicAuth(*auth)
        self.timeout = httpx.Timeout(timeout)
        self.max_attempts = max(1, max_attempts)
        self.client = client or httpx.Client()

    def request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        already_done: Callable[[], bool] | None = None,
    ) -> Any:
        import time

        httpx = self._httpx
        url = self.base_url + path
        for attempt in range(1, self.max_attempts + 1):
            try:
                response = self.client.request(
                    method, url, json=json, auth=self.auth, timeout=self.timeout
                )
                error = _error_for(response, method, path)
            except httpx.TimeoutException as exc:
                error = HelpdeskUnavailable(f"{method} {path} timed out: {exc}", vendor=VENDOR)
                error.__cause__ = exc
            except httpx.TransportError as exc:
                error = HelpdeskUnavailable(f"{method} {path} failed: {exc}", vendor=VENDOR)
                error.__cause__ = exc
            if error is None:
                return response.json() if response.content else {}
            if not isinstance(error, HelpdeskUnavailable) or attempt == self.max_attempts:
                raise error
            if already_done is not None and already_done():
                return None
            time.sleep(min(0.2 * 2 ** (attempt - 1), 5.0))
        raise AssertionError("unreachable")


def _error_for(response: httpx.Response, method: str, path: str) -> HelpdeskError | None:
    code = response.status_code
    if code < 400:
        return None
    try:
        detail: Any = response.json()
    except ValueError:
        detail = response.text[:200]
    what = f"django-helpdesk answered {code} to {method} {path}: {detail}"
    if code in (401, 403):
        return HelpdeskAuthError(
            what + " (check the user is staff and the password)", status_code=code, vendor=VENDOR
        )
    if code == 404 or (
        code == 400 and "object does not exist" in str(detail.get("ticket", ""))
        if isinstance(detail, dict)
        else False
    ):
        return HelpdeskNotFound(what, status_code=code, vendor=VENDOR)
    if code == 429:
        return HelpdeskRateLimited(what, vendor=VENDOR)
    if code >= 500:
        return HelpdeskUnavailable(what, status_code=code, vendor=VENDOR)
    return HelpdeskRejected(what, status_code=code, vendor=VENDOR)
