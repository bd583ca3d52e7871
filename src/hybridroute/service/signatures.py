"""Webhook signature schemes: each vendor signs deliveries its own way."""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

__all__ = ["SCHEMES", "SignatureScheme", "sign_hybridroute"]


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

    def verify(self, secret: bytes, body: bytes, headers: Mapping[str, str]) -> str | None:
        """None if the signature is valid, else what is wrong (for a 401 message)."""
        given = headers.get(self.header.lower())
        if not given:
            return f"missing signature header {self.header}"
        if not hmac.compare_digest(given.strip(), self.expected(secret, body, headers)):
            return f"signature in {self.header} does not match the body"
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
