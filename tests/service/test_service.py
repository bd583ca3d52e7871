"""The webhook service: verification, dedup, ownership, and nothing lost or sent twice."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import pytest
from starlette.testclient import TestClient

import hybridroute as hr
from hybridroute.demo.service import build_router
from hybridroute.service import (
    EventKind,
    OutboxStore,
    Owner,
    ServiceSettings,
    VendorEndpoint,
    Worker,
    create_app,
    sign_hybridroute,
)
from hybridroute.testing.sqlite_helpdesk import SqliteHelpdesk

SECRET = b"s3cret"
SETTINGS = ServiceSettings(
    endpoints={"hr": VendorEndpoint("hr", SECRET)},
    max_body_bytes=2000,
    admin_token="adm",
    run_worker=False,  # the tests run the worker themselves, pass by pass
)


def settings(**changes: Any) -> ServiceSettings:
    """The tests' settings, with ``changes``."""
    return dataclasses.replace(SETTINGS, **changes)


class Service(NamedTuple):
    client: TestClient
    store: OutboxStore
    desk: SqliteHelpdesk
    worker: Worker


def owner(store: OutboxStore, ticket_id: str) -> Owner:
    ownership = store.owner_of(ticket_id)
    assert ownership is not None, f"ticket {ticket_id} has no owner"
    return ownership.owner


@pytest.fixture(scope="module")
def router() -> hr.Router:
    return build_router(sample_every=10)


@pytest.fixture()
def setup(tmp_path: Path, router: hr.Router) -> Iterator[Service]:
    store = OutboxStore(tmp_path / "service.db")
    desk = SqliteHelpdesk(tmp_path / "desk.db")
    desk.add_tickets(
        [
            ("T-1", "When will my card arrive?"),
            ("T-2", "Someone stole my card and is using it"),
            ("T-3", "Can I speak to a human please"),
        ]
    )
    worker = Worker(store, router, desk)
    with TestClient(create_app(store, worker, settings())) as client:
        yield Service(client, store, desk, worker)


class Response(Protocol):
    """What the tests read of a test-client response (httpx's or httpx2's)."""

    status_code: int

    def json(self) -> Any: ...


def post(client: TestClient, payload: object, secret: bytes = SECRET, **headers: str) -> Response:
    body = json.dumps(payload).encode()
    return client.post(
        "/webhooks/hr", content=body, headers={**sign_hybridroute(secret, body), **headers}
    )


def test_bad_deliveries_get_clear_errors(setup: Service) -> None:
    client, store, _, _ = setup
    body = b'{"event_id": "e1", "ticket_id": "T-1"}'
    assert client.post("/webhooks/hr", content=body).status_code == 401
    r = post(client, {"event_id": "e1", "ticket_id": "T-1"}, secret=b"wrong")
    assert r.status_code == 401 and "does not match" in r.json()["error"]
    big = {"event_id": "e1", "ticket_id": "T-1", "pad": "x" * 5000}
    assert post(client, big).status_code == 413
    bad = b"{not json"
    r = client.post("/webhooks/hr", content=bad, headers=sign_hybridroute(SECRET, bad))
    assert r.status_code == 400 and "not valid JSON" in r.json()["error"]
    r = post(client, {"ticket_id": "T-1"})
    assert r.status_code == 400 and "event_id" in r.json()["error"]
    assert client.post("/webhooks/nope", content=b"{}").status_code == 404
    assert store.counts()["events"] == {}


def test_each_ticket_gets_exactly_one_outcome(setup: Service) -> None:
    client, store, desk, worker = setup
    for i in (1, 2, 3):
        assert post(client, {"event_id": f"e{i}", "ticket_id": f"T-{i}"}).status_code == 202
    assert post(client, {"event_id": "e1", "ticket_id": "T-1"}).json()["status"] == "duplicate"
    worker.run_until_idle()
    worker.run_until_idle()  # a second pass must not act again
    assert store.counts() == {
        "events": {"decided": 3},
        "actions": {"done": store.counts()["actions"]["done"]},
    }
    auto = desk.comments("T-1")
    assert len(auto) == 1 and auto[0][0] and "automated assistant" in auto[0][1]
    risky = desk.comments("T-2")
    assert [public for public, _ in risky] == [False, True]  # internal note, then the notice
    assert "Why a human" in risky[0][1] and desk.field("T-2", "queue") == "risk"
    assert desk.field("T-3", "queue") == "general"  # asked for a human
    log = store.audit_log("T-2")
    assert [e["kind"] for e in log][:2] == ["event.received", "decision"]
    assert log[1]["detail"]["policy"]["name"] == "banking-demo"


def test_bot_stays_silent_once_a_human_owns_the_ticket(setup: Service) -> None:
    client, store, desk, worker = setup
    post(client, {"event_id": "e2", "ticket_id": "T-2"})
    worker.run_until_idle()
    before = len(desk.comments("T-2"))
    desk.add_customer_message("T-2", "hello? where is my card")
    post(client, {"event_id": "e2b", "ticket_id": "T-2", "kind": "message"})
    worker.run_until_idle()
    assert len(desk.comments("T-2")) == before + 1  # only the customer's message
    assert store.audit_log("T-2")[-1]["kind"] == "event.skipped"
    # handed back through the API, the bot may answer again
    assert (
        client.post("/tickets/T-2/hand-back", headers={"Authorization": "Bearer adm"}).status_code
        == 200
    )
    assert owner(store, "T-2") is Owner.BOT


def test_agent_reply_locks_the_ticket(setup: Service) -> None:
    client, store, desk, worker = setup
    desk.add_agent_reply("T-1", "Hi, I'm looking into it.")
    post(client, {"event_id": "e1", "ticket_id": "T-1"})
    worker.run_until_idle()
    assert [c for c in desk.comments("T-1") if "[hr:" in c[1]] == []
    assert owner(store, "T-1") is Owner.HUMAN


def test_customer_who_comes_back_after_an_auto_reply_gets_a_human(setup: Service) -> None:
    client, store, desk, worker = setup
    post(client, {"event_id": "e1", "ticket_id": "T-1"})
    worker.run_until_idle()
    desk.add_customer_message("T-1", "that didn't help, it has been three weeks")
    post(client, {"event_id": "e1b", "ticket_id": "T-1", "kind": "message"})
    worker.run_until_idle()
    last = store.decisions_for("T-1")[-1]
    assert last.action is hr.ActionKind.HANDOFF
    assert "came back after an automated reply" in last.reasons[0]
    assert last.handoff is not None and "Latest message: that didn't help" in last.handoff.summary


def test_audit_cli_shows_a_ticket(
    setup: Service, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    client, store, _, worker = setup
    post(client, {"event_id": "e2", "ticket_id": "T-2"})
    worker.run_until_idle()
    from hybridroute.cli import main

    assert main(["audit", "--db", str(store.path), "--ticket", "T-2"]) == 0
    out = capsys.readouterr().out
    assert "decision" in out and "why:" in out
    post(client, {"event_id": "e1", "ticket_id": "T-1"})
    worker.run_until_idle()
    decided = {e["ticket_id"]: e["detail"] for e in store.audit_log() if e["kind"] == "decision"}
    # decisions record the certificates behind them; this router's threshold is hand-set
    assert decided["T-1"]["action"] == "auto_reply" and decided["T-1"]["certificates"] == []
    assert decided["T-2"]["action"] == "handoff" and decided["T-2"]["certificates"] == []
    assert main(["audit", "--db", str(store.path), "--export", str(tmp_path / "a.jsonl")]) == 0
    assert len((tmp_path / "a.jsonl").read_text().splitlines()) == len(store.audit_log())


def test_echoes_of_our_own_writes_are_ignored_and_agent_messages_lock(setup: Service) -> None:
    _client, store, desk, worker = setup
    store.add_event("echo", "hr", "T-1", EventKind.BOT_MESSAGE, {})
    store.add_event("agent", "hr", "T-2", EventKind.AGENT_MESSAGE, {})
    worker.run_until_idle()
    assert desk.comments("T-1") == [] and store.decisions_for("T-1") == []
    assert owner(store, "T-2") is Owner.HUMAN
    assert store.counts()["events"] == {"skipped": 2}


def test_transient_helpdesk_failures_back_off_and_then_deliver(
    tmp_path: Path, router: hr.Router
) -> None:
    from hybridroute.exceptions import HelpdeskRateLimited
    from hybridroute.testing import MemoryHelpdesk

    store = OutboxStore(tmp_path / "s.db")
    desk = MemoryHelpdesk([hr.Ticket(id="T-9", body="When will my card arrive?")])
    desk.fail_next(1, HelpdeskRateLimited("slow down", retry_after=1.0), methods=["post_reply"])
    worker = Worker(store, router, desk, backoff=0.05)
    store.add_event("e9", "hr", "T-9", EventKind.TICKET, {})
    worker.run_once()
    assert store.counts()["actions"] == {"pending": 1}  # failed once, waiting out Retry-After
    assert worker.run_once() == (0, 0)  # too early to retry
    time.sleep(1.05)
    worker.run_until_idle()
    assert store.counts()["actions"] == {"done": 1}
    assert len(desk.replies("T-9")) == 1
    failed = [e for e in store.audit_log("T-9") if e["kind"] == "action.failed"]
    assert failed and failed[0]["detail"]["retry_in"] >= 1.0


def test_an_unreachable_helpdesk_makes_events_back_off_instead_of_failing_at_once(
    tmp_path: Path, router: hr.Router
) -> None:
    from hybridroute.testing import MemoryHelpdesk

    store = OutboxStore(tmp_path / "s.db")
    desk = MemoryHelpdesk([hr.Ticket(id="T-8", body="I want to speak to a human")])
    desk.fail_next(2, methods=["fetch_ticket"])  # the helpdesk is down for a while
    worker = Worker(store, router, desk, backoff=0.5, max_attempts=3)
    store.add_event("e8", "hr", "T-8", EventKind.TICKET, {})
    for _ in range(10):  # a busy loop must not burn the attempts of a backing-off event
        worker.run_once()
    assert store.counts()["events"] == {"received": 1}
    failed = [e for e in store.audit_log("T-8") if e["kind"] == "event.failed"]
    assert len(failed) == 1 and failed[0]["detail"]["retry_in"] == pytest.approx(0.5)
    time.sleep(0.6)
    worker.run_once()  # the second failure waits twice as long
    assert store.counts()["events"] == {"received": 1}
    time.sleep(1.1)
    worker.run_until_idle()
    assert store.counts()["events"] == {"decided": 1}
    assert len(store.decisions_for("T-8")) == 1


def test_a_database_from_before_event_backoff_is_upgraded(tmp_path: Path) -> None:
    import sqlite3

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:  # the events table as it was released before
        db.execute(
            "CREATE TABLE events (event_id TEXT PRIMARY KEY, vendor TEXT NOT NULL, "
            "ticket_id TEXT NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL, "
            "status TEXT NOT NULL DEFAULT 'received', attempts INTEGER NOT NULL DEFAULT 0, "
            "last_error TEXT, received_at REAL NOT NULL)"
        )
        db.execute(
            "INSERT INTO events(event_id, vendor, ticket_id, kind, payload, received_at) "
            "VALUES ('old', 'hr', 'T-1', 'ticket', '{}', 1.0)"
        )
    store = OutboxStore(path)
    assert [e.event_id for e in store.pending_events()] == ["old"]


@pytest.mark.parametrize(
    ("endpoint", "message"),
    [
        (VendorEndpoint("zd", b"x", scheme="zendsk"), "unknown signature scheme 'zendsk'"),
        (VendorEndpoint("zd", None, scheme="zendesk"), "has signature scheme 'zendesk' but no"),
        (VendorEndpoint("zd", b"", scheme="zendesk"), "secret_env in the config file"),
    ],
)
def test_a_misconfigured_endpoint_is_a_usage_error(
    setup: Service, endpoint: VendorEndpoint, message: str
) -> None:
    with pytest.raises(hr.UsageError, match=message):
        create_app(setup.store, setup.worker, settings(endpoints={"zd": endpoint}))


def test_an_unsigned_endpoint_needs_no_secret(setup: Service) -> None:
    endpoint = VendorEndpoint("desk", None, scheme=None)
    with TestClient(
        create_app(setup.store, setup.worker, settings(endpoints={"desk": endpoint}))
    ) as c:
        r = c.post("/webhooks/desk", json={"event_id": "e1", "ticket_id": "T-1"})
    assert r.status_code == 202


def test_a_parser_returning_an_unknown_kind_is_refused(setup: Service) -> None:
    def parser(payload: Mapping[str, Any]) -> tuple[str, str, str]:
        return "e1", "T-1", "ticket_updated"

    endpoint = VendorEndpoint("odd", None, scheme=None, parser=parser)
    with TestClient(
        create_app(setup.store, setup.worker, settings(endpoints={"odd": endpoint}))
    ) as c:
        r = c.post("/webhooks/odd", json={})
    assert r.status_code == 400 and "'ticket_updated'" in r.json()["error"]
    assert setup.store.counts()["events"] == {}
    assert setup.store.audit_log() == []
