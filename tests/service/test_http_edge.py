"""The HTTP edge never answers 500 to what a client sends (issue 11).

Helpdesks retry 5xx, so a delivery that crashed the service would repeat forever:
each malformed input below must get a 400/401/408/413/503 with a message, and
nothing may be stored for it.
"""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, NamedTuple, cast

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

import hybridroute as hr
from hybridroute.service import (
    EventKind,
    OutboxStore,
    ServiceSettings,
    VendorEndpoint,
    Worker,
    create_app,
    sign_hybridroute,
)

SECRET = b"s3cret"
ZENDESK_SECRET = b"zd-secret"
NOW = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc).timestamp()
SETTINGS = ServiceSettings(
    endpoints={
        "hr": VendorEndpoint("hr", SECRET),
        "zd": VendorEndpoint("zd", ZENDESK_SECRET, scheme="zendesk"),
    },
    admin_token="adm",
    run_worker=False,
    clock=lambda: NOW,  # the tests' clock: no sleeping, no dependence on today's date
)


class _IdleWorker:
    """All the app touches of a worker when ``run_worker`` is off."""

    def __init__(self) -> None:
        self.wake = threading.Event()


class Edge(NamedTuple):
    client: TestClient
    store: OutboxStore


def build(store: OutboxStore, **changes: Any) -> Starlette:
    return create_app(store, cast(Worker, _IdleWorker()), dataclasses.replace(SETTINGS, **changes))


@pytest.fixture()
def edge(tmp_path: Path) -> Iterator[Edge]:
    store = OutboxStore(tmp_path / "service.db")
    # a 500 must show as a 500 here, not as an exception raised into the test
    with TestClient(build(store), raise_server_exceptions=False) as client:
        yield Edge(client, store)


def post_signed(client: TestClient, body: bytes) -> Any:
    return client.post("/webhooks/hr", content=body, headers=sign_hybridroute(SECRET, body))


def assert_refused(response: Any, status: int, message: str, store: OutboxStore) -> None:
    assert response.status_code == status, response.text
    assert message in response.json()["error"]
    assert store.counts()["events"] == {}


# -- the exact cases of the issue ------------------------------------------------------------


def test_an_unsigned_request_with_a_non_ascii_signature_is_401(edge: Edge) -> None:
    r = edge.client.post(
        "/webhooks/hr",
        content=b'{"event_id": "e1", "ticket_id": "T-1"}',
        headers={"X-Hybridroute-Signature": b"sha256=\xe9\xff"},  # type: ignore[dict-item]
    )
    assert_refused(r, 401, "holds non-ASCII characters", edge.store)


def test_a_4400_digit_integer_is_400(edge: Edge) -> None:
    body = b'{"event_id": "e1", "ticket_id": "T-1", "n": ' + b"9" * 4400 + b"}"
    assert_refused(post_signed(edge.client, body), 400, "body is not valid JSON", edge.store)


@pytest.mark.parametrize("depth", [2500, 100])
def test_deep_nesting_is_400(edge: Edge, depth: int) -> None:
    nested = b"[" * depth + b"]" * depth
    body = b'{"event_id": "e1", "ticket_id": "T-1", "n": ' + nested + b"}"
    assert_refused(post_signed(edge.client, body), 400, "nested deeper than", edge.store)


def test_a_lone_surrogate_in_event_id_is_400(edge: Edge) -> None:
    body = b'{"event_id": "e\\ud800", "ticket_id": "T-1"}'
    assert_refused(post_signed(edge.client, body), 400, "unprintable characters", edge.store)


@pytest.mark.parametrize("key", ["event_id", "ticket_id"])
@pytest.mark.parametrize("value", [True, False, 1.5, None, [], {}])
def test_ids_that_are_not_strings_or_integers_are_400(edge: Edge, key: str, value: Any) -> None:
    payload = {"event_id": "e1", "ticket_id": "T-1", key: value}
    r = post_signed(edge.client, json.dumps(payload).encode())
    assert_refused(r, 400, f"{key} must be a non-empty string or integer", edge.store)


def test_an_event_id_true_is_not_the_event_true(edge: Edge) -> None:
    r = post_signed(edge.client, b'{"event_id": true, "ticket_id": "T-1"}')
    assert r.status_code == 400
    assert post_signed(edge.client, b'{"event_id": "True", "ticket_id": "T-1"}').status_code == 202
    assert post_signed(edge.client, b'{"event_id": 7, "ticket_id": 8}').json()["event_id"] == "7"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"event_id": "e1", "ticket_id": "T-1", "x": NaN}', "NaN is not JSON"),
        (b'{"event_id": "e1", "ticket_id": "T-1", "kind": ["ticket"]}', "kind must be"),
        (b'{"event_id": "e1", "ticket_id": "T-\\u0000"}', "unprintable characters"),
        (b'{"event_id": "' + b"e" * 300 + b'", "ticket_id": "T-1"}', "at most 255"),
        (b'{"event_id": "e1", "ticket_id": "T-1"}\xff', "body is not valid JSON"),
    ],
)
def test_other_unusable_bodies_are_400(edge: Edge, body: bytes, message: str) -> None:
    assert_refused(post_signed(edge.client, body), 400, message, edge.store)


def test_a_parser_tripping_over_a_payload_is_400(tmp_path: Path) -> None:
    def parser(payload: Any) -> tuple[str, str, str]:
        return payload["ticket"]["id"], "T-1", "ticket"

    store = OutboxStore(tmp_path / "s.db")
    endpoint = VendorEndpoint("odd", None, scheme=None, parser=parser)
    with TestClient(build(store, endpoints={"odd": endpoint}), raise_server_exceptions=False) as c:
        r = c.post("/webhooks/odd", json={"ticket": "7"})
        assert_refused(r, 400, "parser cannot read this payload", store)
        r = c.post("/webhooks/odd", json={"ticket": {"id": True}})
        assert_refused(r, 400, "event_id must be a non-empty string, got bool", store)
        r = c.post("/webhooks/odd", json={"ticket": {"id": 7}})  # vendor ids are often ints
        assert r.status_code == 202 and r.json()["event_id"] == "7"


# -- the replay window -----------------------------------------------------------------------


def post_zendesk(client: TestClient, timestamp: str | None) -> Any:
    body = b'{"event_id": "z1", "ticket_id": "T-1"}'
    signed = (timestamp or "").encode() + body
    mac = hmac.new(ZENDESK_SECRET, signed, hashlib.sha256).digest()
    headers = {"X-Zendesk-Webhook-Signature": base64.b64encode(mac).decode()}
    if timestamp is not None:
        headers["X-Zendesk-Webhook-Signature-Timestamp"] = timestamp
    return client.post("/webhooks/zd", content=body, headers=headers)


@pytest.mark.parametrize(
    ("timestamp", "message"),
    [
        ("2001-01-01T00:00:00Z", "outside the replay window of 300 s"),
        ("2024-05-01T12:10:00Z", "600 s in the future"),
        (None, "missing timestamp header X-Zendesk-Webhook-Signature-Timestamp"),
        ("", "missing timestamp header X-Zendesk-Webhook-Signature-Timestamp"),
        ("not a time", "is not an ISO 8601 time"),
    ],
)
def test_a_zendesk_delivery_outside_the_window_is_401(
    edge: Edge, timestamp: str | None, message: str
) -> None:
    assert_refused(post_zendesk(edge.client, timestamp), 401, message, edge.store)


def test_a_fresh_zendesk_delivery_is_accepted_and_the_window_is_configurable(
    edge: Edge, tmp_path: Path
) -> None:
    assert post_zendesk(edge.client, "2024-05-01T11:56:00Z").status_code == 202
    store = OutboxStore(tmp_path / "wide.db")
    with TestClient(build(store, replay_window_seconds=10**9)) as client:
        assert post_zendesk(client, "2001-01-01T00:00:00Z").status_code == 202


# -- hand-back -------------------------------------------------------------------------------


def test_hand_back_of_an_unknown_ticket_is_404_and_stores_nothing(edge: Edge) -> None:
    r = edge.client.post("/tickets/T-404/hand-back", headers={"Authorization": "Bearer adm"})
    assert r.status_code == 404 and "unknown" in r.json()["error"]
    assert edge.store.owner_of("T-404") is None and edge.store.audit_log() == []


def test_hand_back_of_a_known_ticket_needs_the_exact_token(edge: Edge) -> None:
    edge.store.add_event("e1", "hr", "T-1", EventKind.TICKET, {})
    for wrong in ("Bearer ad", "Bearer adm ", "adm", "Bearer \xe9"):
        r = edge.client.post(
            "/tickets/T-1/hand-back",
            headers={"Authorization": wrong.encode("latin-1")},  # type: ignore[dict-item]
        )
        assert r.status_code == 401, wrong
    assert edge.store.owner_of("T-1") is None
    r = edge.client.post("/tickets/T-1/hand-back", headers={"Authorization": "Bearer adm"})
    assert r.status_code == 200
    assert edge.store.owner_of("T-1") is not None


def test_an_empty_admin_token_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(hr.UsageError, match="admin token is empty"):
        build(OutboxStore(tmp_path / "s.db"), admin_token="")


# -- reading bodies: disconnects, slow and concurrent senders ----------------------------------


class Call:
    """One request driven at the ASGI level, to control how its body arrives."""

    def __init__(self, app: Starlette, chunks: list[dict[str, Any]], *, then_wait: bool) -> None:
        self.app = app
        self.chunks = list(chunks)
        self.then_wait = then_wait
        self.sent: list[dict[str, Any]] = []
        self.reading = asyncio.Event()

    async def receive(self) -> dict[str, Any]:
        if self.chunks:
            self.reading.set()
            return self.chunks.pop(0)
        if self.then_wait:
            await asyncio.Event().wait()  # the client never sends the rest
        return {"type": "http.disconnect"}

    async def send(self, message: dict[str, Any]) -> None:
        self.sent.append(message)

    async def run(self) -> None:
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/webhooks/hr",
            "raw_path": b"/webhooks/hr",
            "query_string": b"",
            "root_path": "",
            "headers": [(b"content-type", b"application/json")],
            "client": ("127.0.0.1", 1234),
            "server": ("127.0.0.1", 8080),
        }
        await self.app(scope, self.receive, self.send)

    @property
    def status(self) -> int:
        return int(next(m["status"] for m in self.sent if m["type"] == "http.response.start"))

    def header(self, name: bytes) -> bytes:
        start = next(m for m in self.sent if m["type"] == "http.response.start")
        return dict(start["headers"])[name]


PARTIAL = {"type": "http.request", "body": b'{"event_id": "e1", ', "more_body": True}


def test_a_client_disconnect_logs_no_traceback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = OutboxStore(tmp_path / "s.db")
    call = Call(build(store), [PARTIAL], then_wait=False)
    with caplog.at_level(logging.DEBUG):
        asyncio.run(call.run())  # raises nothing
    assert [r for r in caplog.records if r.levelno >= logging.WARNING or r.exc_info] == []
    assert any("disconnected" in r.getMessage() for r in caplog.records)
    assert store.counts()["events"] == {}


def test_a_body_that_never_completes_times_out_with_408(tmp_path: Path) -> None:
    call = Call(
        build(OutboxStore(tmp_path / "s.db"), body_read_timeout=0.05), [PARTIAL], then_wait=True
    )
    asyncio.run(asyncio.wait_for(call.run(), 5))
    assert call.status == 408


def test_bodies_beyond_the_concurrency_cap_get_503_with_retry_after(tmp_path: Path) -> None:
    app = build(OutboxStore(tmp_path / "s.db"), max_concurrent_bodies=1, body_read_timeout=0.3)

    async def scenario() -> tuple[Call, Call]:
        slow = Call(app, [PARTIAL], then_wait=True)
        slow_task = asyncio.ensure_future(slow.run())
        await slow.reading.wait()  # the slow client holds the only slot
        second = Call(app, [PARTIAL], then_wait=True)
        await asyncio.wait_for(second.run(), 0.5)
        await slow_task  # times out, freeing the slot
        third = Call(app, [PARTIAL], then_wait=True)
        await third.run()
        return second, third

    second, third = asyncio.run(scenario())
    assert second.status == 503 and second.header(b"retry-after") == b"1"
    assert third.status == 408  # the slot was released: read (and timed out) normally
