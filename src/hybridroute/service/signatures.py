"""Webhook signature schemes: each vendor signs deliveries its own way.

A scheme that signs a timestamp (Zendesk) also refuses deliveries whose timestamp is
missing, unreadable, or further than the replay window from now, so a captured
delivery cannot be replayed later.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

__all__ = ["DEFAULT_REPLAY_WINDOW_SECONDS", "SCHEMES", "SignatureScheme", "sign_hybridroute"]

DEFAULT_REPLAY_WINDOW_SECONDS = 300.0
"""How far (either way) a signed timestamp may be from the service's clock."""


def _parse_timestamp(text: str) -> float | None:
    """Seconds since the epoch of an ISO 8601 time (UTC if no offset) or a Unix time."""
    text = text.strip()
    try:
        if text.isascii() and text.isdigit():
            return float(text)
        parsed = datetime.fromisoformat(text)
    except (ValueError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


@dataclass(frozen=True)
class SignatureScheme:
    """How to check that a webhook really comes from the helpdesk.

    ``header`` holds the signature; the signed message is the raw body, or for
    Zendesk the timestamp header followed by the body.
    """

    name: str
    header: str
    digest: str = "sha256"
    encoding: str = "hex"  # hex | base64
    prefix: str = ""
    timestamp_header: str | None = None

    def expected(self, secret: bytes, body: bytes, headers: Mapping[str, str]) -> str:
        """The signature a genuine delivery carries."""
        message = body
        if self.timestamp_header is not None:
            message = headers.get(self.timestamp_header.lower(), "").encode() + body
        mac = hmac.new(secret, message, getattr(hashlib, self.digest)).digest()
        text = mac.hex() if self.encoding == "hex" else base64.b64encode(mac).decode()
        return self.prefix + text

    def verify(
        self,
        secret: bytes,
        body: bytes,
        headers: Mapping[str, str],
        *,
        now: float | None = None,
        replay_window: float = DEFAULT_REPLAY_WINDOW_SECONDS,
    ) -> str | None:
        """None if the signature is valid, else what is wrong (for a 401 message).

        Parameters
        ----------
        secret
            The webhook secret shared with the helpdesk.
        body
            The raw request body.
        headers
            The request headers (case-insensitive, as Starlette gives them).
        now
            The current time in seconds since the epoch (``time.time()`` if None).
        replay_window
            For schemes that sign a timestamp: the largest accepted distance, in
            seconds, between the signed timestamp and ``now``, in the past or future.
        """
        given = headers.get(self.header.lower())
        if not given:
            return f"missing signature header {self.header}"
        if not given.isascii():
            return f"signature header {self.header} holds non-ASCII characters"
        signed_at = None
        if self.timestamp_header is not None:
            stamp = headers.get(self.timestamp_header.lower())
            if not stamp:
                return f"missing timestamp header {self.timestamp_header}"
            signed_at = _parse_timestamp(stamp)
            if signed_at is None:
                return f"timestamp in {self.timestamp_header} is not an ISO 8601 time: {stamp!r}"
        expected = self.expected(secret, body, headers)
        if not hmac.compare_digest(given.strip().encode(), expected.encode()):
            return f"signature in {self.header} does not match the body"
        if signed_at is not None:
            age = (time.time() if now is None else now) - signed_at
            if abs(age) > replay_window:
                when = "old" if age > 0 else "in the future"
                return (
                    f"timestamp in {self.timestamp_header} is {abs(age):.0f} s {when}, outside "
                    f"the replay window of {replay_window:.0f} s (check the server clocks)"
                )
        return None


SCHEMES: dict[str, SignatureScheme] = {
    # hybridroute's own (and GitHub-style) scheme: X-Hybridroute-Signature: sha256=<hex>
    "hybridroute": SignatureScheme("hybridroute", "X-Hybridroute-Signature", prefix="sha256="),
    # Zendesk: base64 HMAC-SHA256 of timestamp + body
    "zendesk": SignatureScheme(
        "zendesk",
        "X-Zendesk-Webhook-Signature",
        encoding="base64",
        timestamp_header="X-Zendesk-Webhook-Signature-Timestamp",
    ),
    # Intercom: X-Hub-Signature: sha1=<hex> of the body with the app's client secret
    "intercom": SignatureScheme("intercom", "X-Hub-Signature", digest="sha1", prefix="sha1="),
}


def sign_hybridroute(secret: bytes, body: bytes) -> dict[str, str]:
    """Headers for a delivery signed with hybridroute's scheme (for senders and tests)."""
    return {"X-Hybridroute-Signature": SCHEMES["hybridroute"].expected(secret, body, {})}
