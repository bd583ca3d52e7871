"""Helpers the hosted adapters share to turn a vendor's conversation into a Ticket."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from html.parser import HTMLParser
from typing import Any

from hybridroute.adapters.markers import carries_marker, strip_marker
from hybridroute.exceptions import HelpdeskError, HelpdeskNotFound
from hybridroute.models import Message, Priority, Role, Ticket

_BLOCK_TAGS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "blockquote"})
_BLANK_LINES = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\r\n\f]+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        # in HTML a newline in the source is just a space; <br> and blocks break lines
        self.parts.append(_SPACES.sub(" ", data))


def html_to_text(markup: str) -> str:
    """The text of an HTML body, one line per paragraph or ``<br>``."""
    parser = _TextExtractor()
    parser.feed(markup)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).replace("\xa0", " ").split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def text_to_html(text: str) -> str:
    """Plain text as HTML paragraphs: escaped, blank lines split paragraphs, newlines ``<br>``."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    return "".join(
        "<p>" + "<br>".join(html.escape(line) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def parse_timestamp(value: object) -> datetime | None:
    """An ISO 8601 string or Unix seconds as a datetime; None when absent or unreadable."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return datetime.fromtimestamp(value, tz=timezone.utc)
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    return None


def message(text: str, *, role: Role, public: bool, sent_at: object = None) -> Message | None:
    """A conversation message, or None when there are no words (attachments only).

    Text carrying a hybridroute marker is the bot's, whoever the helpdesk says wrote it;
    the marker itself is dropped.
    """
    if carries_marker(text):
        role, text = Role.BOT, strip_marker(text)
    if not text.strip():
        return None
    return Message(text=text, role=role, public=public, sent_at=parse_timestamp(sent_at))


def build_ticket(vendor: str, ticket_id: str, **fields: Any) -> Ticket:
    """A :class:`Ticket`, or our :class:`HelpdeskError` when the vendor's data cannot be one.

    When no message is the customer's (a ticket an agent opened for them), the
    ``fallback_body`` (the ticket's description or subject) is taken as their words.
    """
    fallback = fields.pop("fallback_body", None)
    messages: tuple[Message, ...] = tuple(fields.pop("messages", ()))
    if not any(m.role is Role.CUSTOMER for m in messages) and fallback:
        fields["body"] = fallback
    try:
        return Ticket(id=ticket_id, messages=messages, **fields)
    except ValueError as exc:  # our ValidationError (and pydantic's) are ValueErrors
        raise HelpdeskError(
            f"{vendor} ticket {ticket_id} cannot be read as a hybridroute Ticket: {exc}",
            vendor=vendor,
        ) from exc


def compact(messages: Iterable[Message | None]) -> tuple[Message, ...]:
    """The messages that have words, in order."""
    return tuple(m for m in messages if m is not None)


def numeric_id(ticket_id: str, vendor: str) -> str:
    """``ticket_id`` if it is a positive integer; else :class:`HelpdeskNotFound`."""
    text = str(ticket_id).strip()
    if not text.isdigit() or int(text) <= 0:
        raise HelpdeskNotFound(
            f"{vendor} ticket ids are positive integers; there is no ticket {ticket_id!r}",
            vendor=vendor,
        )
    return text


def priority_from(value: object, table: Mapping[Any, Priority]) -> Priority | None:
    """Our priority for a vendor's value, or None when the vendor's is unknown or unset."""
    try:
        return table.get(value)
    except TypeError:  # an unhashable value
        return None
