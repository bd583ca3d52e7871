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
* comments are rendered as Django templates, ``#<number>`` links other tickets, and a
  public comment goes unescaped into the HTML e-mail, so text is neutralised (a
  zero-width space after ``{``, ``#``, ``<`` or ``&`` where they would start template
  syntax, a link, a tag or an entity) before it is posted;
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

import re
from collections.abc import Mapping, Sequence
from typing import Any

import httpx

from hybridroute.adapters._conversation import numeric_id, parse_timestamp
from hybridroute.adapters._lifecycle import close_api, enter, exit_closing, shown_as
from hybridroute.adapters._mappings import lookup, name_for
from hybridroute.adapters._tags import merged_tags
from hybridroute.adapters._writes import marked_id, write_once
from hybridroute.adapters.base import ActionReceipt, HelpdeskAction
from hybridroute.adapters.http import HttpOptions, JsonApi
from hybridroute.adapters.markers import carries_marker, idempotency_marker, strip_marker
from hybridroute.exceptions import (
    HelpdeskError,
    HelpdeskNotFound,
    HelpdeskRejected,
    UsageError,
    ValidationError,
)
from hybridroute.models import Customer, Message, Priority, Role, Ticket

__all__ = [
    "FROM_HELPDESK_PRIORITY",
    "TO_HELPDESK_PRIORITY",
    "DjangoHelpdeskAdapter",
    "neutralise",
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

# Django template syntax ({{ }}, {# #}), ticket references (#12) and HTML tags and
# entities (the comment goes unescaped into the HTML e-mail): a zero-width space after
# the opening character keeps the text readable everywhere and makes it inert.
_NEUTRALISE_RE = re.compile(r"\{(?=[{#])|#(?=\d)|<(?=[A-Za-z/!?])|&(?=[A-Za-z#])")
_ZWSP = "\u200b"
_TAG_NOTE = "[hybridroute] Tags: "
_RESTORE_RE = re.compile(r"([{#<&])\u200b")


def neutralise(text: str) -> str:
    """``text`` made inert in a follow-up comment: template syntax, ``#12`` links, HTML.

    Examples
    --------
    >>> neutralise("see #12 {{ x }} <b>") == "see #\u200b12 {\u200b{ x }} <\u200bb>"
    True
    """
    return _NEUTRALISE_RE.sub(lambda m: m.group(0) + _ZWSP, text)


def _restore(text: str) -> str:
    """Undo :func:`neutralise` and drop the marker, for text hybridroute wrote."""
    return _RESTORE_RE.sub(r"\1", strip_marker(text))


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
    ticket_id = _webhook_id(ticket.get("id"), "ticket.id")
    if "followup_id" not in payload:
        return f"{VENDOR}:ticket:{ticket_id}", str(ticket_id), "ticket"
    followup_id = _webhook_id(payload["followup_id"], "followup_id")
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
    if isinstance(comment, str) and carries_marker(comment):
        return "bot_message"
    return "message" if followup.get("user") is None else "agent_message"


def _webhook_id(value: object, what: str) -> int:
    """A positive integer id from a webhook payload, or our :class:`ValidationError`."""
    try:
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise HelpdeskNotFound(f"{value!r} is not an id", vendor=VENDOR)
        return int(numeric_id(str(value), VENDOR))
    except HelpdeskNotFound:
        raise ValidationError(
            f"invalid django-helpdesk webhook: {what} must be a positive integer, got {value!r}"
        ) from None


# -- reading tickets -------------------------------------------------------------------


def _followup_message(followup: Mapping[str, Any]) -> Message | None:
    """The message a follow-up stands for, or None when it has no words."""
    comment = followup.get("comment")
    if not isinstance(comment, str) or not comment.strip():
        return None  # backlinks, status changes, attachments only
    public = bool(followup.get("public"))
    sent_at = parse_timestamp(followup.get("date"))
    if carries_marker(comment):
        text = _restore(comment).strip() or comment
        return Message(text=text, role=Role.BOT, public=public, sent_at=sent_at)
    role = Role.CUSTOMER if followup.get("user") is None else Role.AGENT
    return Message(text=comment, role=role, public=public, sent_at=sent_at)


def _followup_order(followup: Mapping[str, Any]) -> tuple[float, int]:
    when = parse_timestamp(followup.get("date"))
    number = followup.get("id")
    return (when.timestamp() if when else 0.0, number if isinstance(number, int) else 0)


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
    http : HttpOptions, optional
        Timeout, retry policy, transport and sleep, the same for every adapter; see
        :mod:`hybridroute.adapters.http`.

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
        http: HttpOptions | None = None,
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
        self._api = JsonApi(
            self.base_url,
            vendor=VENDOR,
            auth=httpx.BasicAuth(username, password),
            http=http,
        )

    __repr__ = shown_as("base_url", "queues")
    close = close_api
    __enter__ = enter
    __exit__ = exit_closing

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
            changes["queue"] = lookup(self.queues, queue, "queue", VENDOR)
            said.append(f"queue '{queue}'")
        if priority is not None:
            priority = Priority(priority)
            changes["priority"] = TO_HELPDESK_PRIORITY[priority]
            said.append(f"priority {priority.value}")
        if agent is not None:
            changes["assigned_to"] = lookup(self.agents, agent, "agent", VENDOR, numeric=int)
            said.append(f"agent '{agent}'")
        if not changes:
            return ActionReceipt(ticket_id=ticket_id, action="assign")
        pk = numeric_id(ticket_id, VENDOR)
        found = self._find_marker(pk, idempotency_key)
        if found is not None:
            return ActionReceipt(
                ticket_id=ticket_id, action="assign", external_id=found, duplicate=True
            )
        self._patch_ticket(pk, changes)  # idempotent: setting the same values again is harmless
        note = "[hybridroute] Set " + ", ".join(said) + "."
        return self._post_followup(
            ticket_id, note, idempotency_key, public=False, action="assign", check_first=False
        )

    def add_tags(
        self, ticket_id: str, tags: Sequence[str], *, idempotency_key: str
    ) -> ActionReceipt:
        """Add tags to the ``tags_field`` custom field, or write them in a private note.

        With a custom field the write is a union with the tags already there, so it
        is idempotent whatever the key; ``duplicate`` is True when nothing was new.
        """
        tags = list(dict.fromkeys(str(t).strip() for t in tags if str(t).strip()))
        if any("," in t for t in tags):
            raise HelpdeskRejected(
                f"tags are stored comma separated, so a tag cannot contain a comma; got {tags!r}",
                vendor=VENDOR,
            )
        if not tags:
            return ActionReceipt(ticket_id=ticket_id, action="tags", duplicate=True)
        if self.tags_field is None:
            text = _TAG_NOTE + ", ".join(tags)
            return self._post_followup(
                ticket_id, text, idempotency_key, public=False, action="tags"
            )
        pk = numeric_id(ticket_id, VENDOR)
        data = self._get_ticket(ticket_id)
        field_name = f"custom_{self.tags_field}"
        current = _split_tags(self._require_tags_field(data, field_name))
        merged = merged_tags(current, tags)
        if merged == current:
            return ActionReceipt(ticket_id=ticket_id, action="tags", duplicate=True)
        updated = self._patch_ticket(pk, {field_name: ",".join(merged)})
        self._require_tags_field(updated, field_name)
        return ActionReceipt(ticket_id=ticket_id, action="tags")

    # -- follow-ups ------------------------------------------------------------------------

    def _post_followup(
        self,
        ticket_id: str,
        text: str,
        key: str,
        *,
        public: bool,
        action: HelpdeskAction,
        check_first: bool = True,
    ) -> ActionReceipt:
        """POST a follow-up at most once: look for its marker first and after a 5xx."""
        pk = numeric_id(ticket_id, VENDOR)
        # Never a "title": it would rename the ticket (quirk 1). "public" always explicit:
        # it defaults to false, which would hide a reply from the customer (quirk 2).
        comment = f"{neutralise(text)}\n\n{idempotency_marker(key)}"
        return write_once(
            self._api,
            "POST",
            "followups/",
            json={"ticket": int(pk), "comment": comment, "public": public},
            ticket_id=ticket_id,
            action=action,
            find=lambda: self._find_marker(pk, key),
            new_id=_followup_id,
            check_first=check_first,
        )

    def _find_marker(self, pk: str, key: str) -> str | None:
        """The id of the follow-up carrying the marker of ``key``, if there is one."""
        return marked_id(self._get_ticket(pk).get("followup_set") or (), key, ("comment",))

    # -- tickets ---------------------------------------------------------------------------

    def _get_ticket(self, ticket_id: str) -> dict[str, Any]:
        data = self._api.get(f"tickets/{numeric_id(ticket_id, VENDOR)}/")
        if not isinstance(data, dict) or "followup_set" not in data:
            raise HelpdeskError(
                f"django-helpdesk answered GET tickets/{ticket_id}/ with something that is not "
                "a ticket; is base_url the API root (…/helpdesk/api/)?",
                vendor=VENDOR,
            )
        return data

    def _patch_ticket(self, pk: str, changes: Mapping[str, Any]) -> dict[str, Any]:
        # Setting fields to fixed values: safe to repeat after an ambiguous failure.
        data = self._api.request("PATCH", f"tickets/{pk}/", json=dict(changes), idempotent=True)
        if not isinstance(data, dict):
            raise HelpdeskError(f"unexpected answer to PATCH tickets/{pk}/", vendor=VENDOR)
        return data

    def _to_ticket(self, data: Mapping[str, Any]) -> Ticket:
        description = str(data.get("description") or "")
        title = str(data.get("title") or "")
        followups = sorted(
            (f for f in data.get("followup_set") or () if isinstance(f, Mapping)),
            key=_followup_order,
        )
        if followups and _is_opening(followups[0], description):
            followups = followups[1:]
        messages = tuple(m for m in map(_followup_message, followups) if m is not None)
        dates = [
            d for d in (parse_timestamp(f.get("date")) for f in data.get("followup_set") or ()) if d
        ]
        email = data.get("submitter_email") or None
        queue_id = data.get("queue")
        priority = FROM_HELPDESK_PRIORITY.get(int(data.get("priority") or 3), Priority.NORMAL)
        metadata: dict[str, str | int | float | bool | None] = {
            "queue": name_for(self.queues, queue_id) if isinstance(queue_id, int) else None,
            "queue_id": queue_id if isinstance(queue_id, int) else None,
            "priority": priority.value,
            "helpdesk_priority": data.get("priority"),
            "status": STATUS_NAMES.get(data.get("status") or 0, str(data.get("status"))),
            "assigned_to": data.get("assigned_to"),
        }
        if self.tags_field is not None:
            metadata["tags"] = str(data.get(f"custom_{self.tags_field}") or "")
        else:  # the tags hybridroute wrote in its private notes
            noted = [m.text[len(_TAG_NOTE) :] for m in messages if _is_tag_note(m)]
            metadata["tags"] = ",".join(dict.fromkeys(t for n in noted for t in _split_tags(n)))
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

    # -- the tags field --------------------------------------------------------------------

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


def _followup_id(created: Any) -> str:
    """The id of the follow-up ``POST followups/`` created; our error when it is missing."""
    if not isinstance(created, Mapping) or "id" not in created:
        raise HelpdeskError(
            f"django-helpdesk answered POST followups/ without a follow-up id: {created!r:.200}",
            vendor=VENDOR,
        )
    return str(created["id"])


def _is_tag_note(message: Message) -> bool:
    return message.role is Role.BOT and not message.public and message.text.startswith(_TAG_NOTE)


def _split_tags(value: str) -> list[str]:
    return [t.strip() for t in value.split(",") if t.strip()]
