"""The vendors' webhook signature schemes, checked against each vendor's documented recipe.

Zendesk signs ``timestamp + body`` with HMAC-SHA256 and sends it base64-encoded in
``X-Zendesk-Webhook-Signature``, the timestamp in ``X-Zendesk-Webhook-Signature-Timestamp``.
Intercom signs the body with HMAC-SHA1 under the app's client secret and sends
``sha1=<hex>`` in ``X-Hub-Signature``. The expected signatures below are computed
from those recipes, not by the code under test.
"""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from starlette.datastructures import Headers

from hybridroute.service import SCHEMES

SECRET = b"dGhpcyBpcyBhIHNlY3JldA=="
BODY = b'{"event_id": "01HZ", "ticket_id": "123", "kind": "ticket"}'
TIMESTAMP = "2024-05-01T12:00:00Z"
NOW = 1714564800.0  # TIMESTAMP in seconds since the epoch: the deliveries below are fresh


def zendesk_headers(secret: bytes, body: bytes, timestamp: str = TIMESTAMP) -> dict[str, str]:
    mac = hmac.new(secret, timestamp.encode() + body, hashlib.sha256).digest()
    return {
        "X-Zendesk-Webhook-Signature": base64.b64encode(mac).decode(),
        "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
    }


def intercom_headers(secret: bytes, body: bytes) -> dict[str, str]:
    return {"X-Hub-Signature": "sha1=" + hmac.new(secret, body, hashlib.sha1).hexdigest()}


SIGNERS = {"zendesk": zendesk_headers, "intercom": intercom_headers}


def verify(
    scheme: str, headers: dict[str, str], body: bytes = BODY, now: float = NOW
) -> str | None:
    # the app hands the schemes Starlette's case-insensitive request headers
    return SCHEMES[scheme].verify(SECRET, body, Headers(headers=headers), now=now)


@pytest.mark.parametrize("scheme", sorted(SIGNERS))
def test_a_genuine_delivery_is_accepted(scheme: str) -> None:
    assert verify(scheme, SIGNERS[scheme](SECRET, BODY)) is None


@pytest.mark.parametrize("scheme", sorted(SIGNERS))
def test_a_delivery_signed_with_another_secret_is_rejected(scheme: str) -> None:
    problem = verify(scheme, SIGNERS[scheme](b"another secret", BODY))
    assert problem is not None and "does not match the body" in problem


@pytest.mark.parametrize("scheme", sorted(SIGNERS))
def test_a_tampered_body_is_rejected(scheme: str) -> None:
    tampered = BODY.replace(b'"123"', b'"124"')
    problem = verify(scheme, SIGNERS[scheme](SECRET, BODY), body=tampered)
    assert problem is not None and "does not match the body" in problem


@pytest.mark.parametrize(
    ("scheme", "header"),
    [("zendesk", "X-Zendesk-Webhook-Signature"), ("intercom", "X-Hub-Signature")],
)
def test_a_delivery_without_the_signature_header_is_rejected(scheme: str, header: str) -> None:
    headers = SIGNERS[scheme](SECRET, BODY)
    del headers[header]
    assert verify(scheme, headers) == f"missing signature header {header}"
    assert verify(scheme, {**headers, header: ""}) == f"missing signature header {header}"


def test_header_names_are_case_insensitive() -> None:
    headers = {name.lower(): value for name, value in zendesk_headers(SECRET, BODY).items()}
    assert verify("zendesk", headers) is None


def test_zendesk_signs_the_timestamp_too() -> None:
    headers = zendesk_headers(SECRET, BODY)
    replayed = {**headers, "X-Zendesk-Webhook-Signature-Timestamp": "2024-05-02T12:00:00Z"}
    assert verify("zendesk", replayed) is not None
    del headers["X-Zendesk-Webhook-Signature-Timestamp"]
    assert verify("zendesk", headers) is not None


def test_intercom_needs_the_sha1_prefix_and_a_sha1_digest() -> None:
    hex_digest = hmac.new(SECRET, BODY, hashlib.sha1).hexdigest()
    assert verify("intercom", {"X-Hub-Signature": hex_digest}) is not None
    sha256 = "sha1=" + hmac.new(SECRET, BODY, hashlib.sha256).hexdigest()
    assert verify("intercom", {"X-Hub-Signature": sha256}) is not None


def test_surrounding_whitespace_in_the_signature_is_tolerated() -> None:
    headers = intercom_headers(SECRET, BODY)
    assert verify("intercom", {"X-Hub-Signature": f" {headers['X-Hub-Signature']} "}) is None


@pytest.mark.parametrize("scheme", sorted(SIGNERS))
def test_a_non_ascii_signature_header_is_a_mismatch_not_a_crash(scheme: str) -> None:
    header = next(iter(SIGNERS[scheme](SECRET, BODY)))
    headers = {**SIGNERS[scheme](SECRET, BODY), header: "sha256=\xe9"}
    problem = verify(scheme, headers)
    assert problem == f"signature header {header} holds non-ASCII characters"


@pytest.mark.parametrize(
    ("timestamp", "message"),
    [
        ("2001-01-01T00:00:00Z", "s old, outside the replay window of 300 s"),
        ("2024-05-01T11:54:59Z", "301 s old, outside the replay window of 300 s"),
        ("2024-05-01T12:05:01Z", "301 s in the future, outside the replay window of 300 s"),
        ("yesterday", "is not an ISO 8601 time: 'yesterday'"),
    ],
)
def test_zendesk_refuses_timestamps_outside_the_replay_window(timestamp: str, message: str) -> None:
    # signed correctly, so only the age can be the problem
    problem = verify("zendesk", zendesk_headers(SECRET, BODY, timestamp))
    assert problem is not None and message in problem


def test_zendesk_needs_a_timestamp() -> None:
    headers = zendesk_headers(SECRET, BODY)
    del headers["X-Zendesk-Webhook-Signature-Timestamp"]
    problem = verify("zendesk", headers)
    assert problem == "missing timestamp header X-Zendesk-Webhook-Signature-Timestamp"


def test_the_replay_window_is_inclusive_and_configurable() -> None:
    for timestamp in ("2024-05-01T11:55:00Z", "2024-05-01T12:05:00+00:00", "1714565100"):
        assert verify("zendesk", zendesk_headers(SECRET, BODY, timestamp)) is None
    old = Headers(headers=zendesk_headers(SECRET, BODY, "2024-05-01T11:00:00Z"))
    assert SCHEMES["zendesk"].verify(SECRET, BODY, old, now=NOW, replay_window=3600) is None
    assert SCHEMES["zendesk"].verify(SECRET, BODY, old, now=NOW, replay_window=60) is not None


def test_schemes_without_a_timestamp_have_no_replay_window() -> None:
    assert verify("intercom", intercom_headers(SECRET, BODY), now=NOW + 10**9) is None
