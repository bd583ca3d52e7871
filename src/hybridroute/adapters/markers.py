"""Idempotency markers: how an adapter recognises a comment it has already written.

Zendesk, Freshdesk, Intercom and Zammad accept no idempotency key on a new comment, so
the adapters write one into the comment itself: a last line ``[hybridroute:<hash>]``,
where the hash is the first 16 hex digits of the SHA-256 of the idempotency key. Before
writing, and before retrying after an ambiguous failure, the adapter reads the ticket's
comments and looks for the marker; if it is there, the write already happened.

Why a visible line rather than an invisible HTML comment: every one of these helpdesks
sanitises HTML, and an HTML comment is the first thing a sanitiser drops, while text
survives every sanitiser, e-mail client and plain-text rendering. The line is short,
reveals nothing (a hash, never an event id) and reads like the reference numbers
customers already see in support e-mails. django-helpdesk's adapter uses the same format.

Examples
--------
>>> from hybridroute.adapters.markers import idempotency_marker, with_marker, strip_marker
>>> idempotency_marker("evt-1:reply")
'[hybridroute:60e893a66b751761]'
>>> text = with_marker("Your card is on its way.", "evt-1:reply")
>>> text
'Your card is on its way.\\n\\n[hybridroute:60e893a66b751761]'
>>> strip_marker(text)
'Your card is on its way.'
"""

from __future__ import annotations

import hashlib
import re

__all__ = [
    "MARKER_PATTERN",
    "carries_marker",
    "idempotency_marker",
    "strip_marker",
    "with_marker",
]

#: Any hybridroute marker, wherever it stands in a text.
MARKER_PATTERN = re.compile(r"\[hybridroute:[0-9a-f]{16}\]")

_TRAILING_MARKER = re.compile(r"\s*\[hybridroute:[0-9a-f]{16}\]\s*$")


def idempotency_marker(key: str) -> str:
    """The marker line that identifies the write made with idempotency key ``key``."""
    return f"[hybridroute:{hashlib.sha256(key.encode()).hexdigest()[:16]}]"


def with_marker(text: str, key: str) -> str:
    """``text`` with the marker of ``key`` as its last line (after a blank line)."""
    return f"{text.rstrip()}\n\n{idempotency_marker(key)}"


def carries_marker(text: str, key: str | None = None) -> bool:
    """Whether ``text`` carries the marker of ``key`` (of any key when ``key`` is None)."""
    if key is None:
        return MARKER_PATTERN.search(text) is not None
    return idempotency_marker(key) in text


def strip_marker(text: str) -> str:
    """``text`` without a trailing marker, as the author meant it."""
    return _TRAILING_MARKER.sub("", text)
