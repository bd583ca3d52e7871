"""The webhook service: verification, dedup, ownership, and nothing lost or sent twice."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

import hybridroute as hr
from hybridroute.demo.service import build_router
from hybridroute.service import (
    OutboxStore,
    ServiceSettings,
    VendorEndpoint,
    Worker,
    create_app,
    sign_hybridroute,
)
from hybridroute.testing.sqlite_helpdesk import SqliteHelpdesk

SECRET = b"s3cret"


@pytest.fixture(scope="module")
def router() -> hr.Router:
    return build_router(sample_every=10)


@pytest.fixture()
def setup(
    tmp_path: Path, router: hr.Router
) -> Iterator[tuple[TestClient, OutboxStore, SqliteHelpdesk, Worker]]:
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
    settings = ServiceSettings(
        endpoints={"hr": VendorEndpoint("hr", SECRET)}, max_body_bytes=2000, admin_token="adm"
    )
    app = create_app(
        store, worker, settings.__class__(**{**settings.__dict__, "run_worker": False})
    )
    with TestClient(app) as client:
        yield client, store, desk, worker


def post(client: TestClient, payload: object, secret: bytes = SECRET, **headers: str):  # type: ignore[no-untyped-def]
    body = json.dumps(payload).encode()
    return client.post(
        "/webhooks/hr", content=body, headers={**sign_hybridroute(secret, body), **headers}
    )


def test_bad_deliveries_get_clear_errors(setup) -> None:  # type: ignore[no-untyped-def]
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


def test_each_ticket_gets_exactly_one_outcome(setup) -> None:  # type: ignore[no-untyped-def]
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


def test_bot_stays_silent_once_a_human_owns_the_ticket(setup) -> None:  # type: ignore[no-untyped-def]
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
    assert store.owner_of("T-2")[0] == "bot"  # type: ignore[index]


def test_agent_reply_locks_the_ticket(setup) -> None:  # type: ignore[no-untyped-def]
    client, store, desk, worker = setup
    desk.add_agent_reply("T-1", "Hi, I'm looking into it.")
    post(client, {"event_id": "e1", "ticket_id": "T-1"})
    worker.run_until_idle()
    assert [c for c in desk.comments("T-1") if "[hr:" in c[1]] == []
    assert store.owner_of("T-1")[0] == "human"  # type: ignore[index]


def test_customer_who_comes_back_after_an_auto_reply_gets_a_human(setup) -> None:  # type: ignore[no-untyped-def]
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


def test_audit_cli_shows_a_ticket(setup, tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
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


def test_echoes_of_our_own_writes_are_ignored_and_agent_messages_lock(setup) -> None:  # type: ignore[no-untyped-def]
    _client, store, desk, worker = setup
    store.add_event("echo", "hr", "T-1", "bot_message", {})
    store.add_event("agent", "hr", "T-2", "agent_message", {})
    worker.run_until_idle()
    assert desk.comments("T-1") == [] and store.decisions_for("T-1") == []
    assert store.owner_of("T-2")[0] == "human"  # type: ignore[index]
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
    store.add_event("e9", "hr", "T-9", "ticket", {})
    worker.run_once()
    assert store.counts()["actions"] == {"pending": 1}  # failed once, waiting out Retry-After
    assert worker.run_once() == (0, 0)  # too early to retry
    time.sleep(1.05)
    worker.run_until_idle()
    assert store.counts()["actions"] == {"done": 1}
    assert len(desk.replies("T-9")) == 1
    failed = [e for e in store.audit_log("T-9") if e["kind"] == "action.failed"]
    assert failed and failed[0]["detail"]["retry_in"] >= 1.0
