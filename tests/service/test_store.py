"""The outbox store keeps plain strings in SQLite and hands back enums."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

from hybridroute.service import (
    AuditKind,
    EventKind,
    EventStatus,
    OutboxStore,
    Owner,
    Ownership,
)


def raw(path: Path, sql: str, *args: object) -> list[tuple[object, ...]]:
    """Run SQL on the database file directly, the way an older release wrote it."""
    with closing(sqlite3.connect(path)) as db, db:
        return db.execute(sql, args).fetchall()


def test_rows_written_as_plain_strings_read_back_as_enums(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    OutboxStore(path).close()  # the schema, as every release has created it
    raw(
        path,
        "INSERT INTO events(event_id, vendor, ticket_id, kind, payload, status, attempts, "
        "received_at) VALUES ('e1', 'zendesk', 'T-1', 'agent_message', '{\"a\": 1}', "
        "'received', 2, 1.0)",
    )
    raw(
        path,
        "INSERT INTO ownership(ticket_id, owner, reason, auto_replies, updated_at) "
        "VALUES ('T-1', 'human', 'an agent replied', 3, 1.0)",
    )
    raw(
        path,
        "INSERT INTO audit(at, ticket_id, event_id, kind, detail) "
        "VALUES (1.0, 'T-1', 'e1', 'decision', '{\"rule\": \"r\"}')",
    )
    store = OutboxStore(path)

    [event] = store.pending_events()
    assert (event.event_id, event.vendor, event.ticket_id) == ("e1", "zendesk", "T-1")
    assert event.kind is EventKind.AGENT_MESSAGE
    assert (event.payload, event.attempts) == ({"a": 1}, 2)
    assert store.owner_of("T-1") == Ownership(Owner.HUMAN, 3)
    assert store.owner_of("T-404") is None
    [entry] = store.audit_log("T-1")
    assert entry["kind"] is AuditKind.DECISION and entry["detail"] == {"rule": "r"}
    assert (entry["id"], entry["at"], entry["event_id"]) == (1, 1.0, "e1")
    assert store.counts() == {"events": {"received": 1}, "actions": {}}


def test_enums_are_stored_as_their_plain_strings(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    store = OutboxStore(path)
    store.add_event("e1", "hr", "T-1", EventKind.BOT_MESSAGE, {})
    [event] = store.pending_events()
    store.skip_event(event, "our own message")
    store.set_owner("T-1", Owner.BOT, "handed back")

    assert raw(path, "SELECT kind, status FROM events") == [("bot_message", "skipped")]
    assert raw(path, "SELECT owner FROM ownership") == [("bot",)]
    kinds = [row[0] for row in raw(path, "SELECT kind FROM audit ORDER BY id")]
    assert kinds == ["event.received", "event.skipped", "ownership"]
    [detail] = raw(path, "SELECT detail FROM audit WHERE kind = 'ownership'")
    assert json.loads(str(detail[0]))["owner"] == "bot"
    assert store.counts()["events"] == {EventStatus.SKIPPED: 1}
    # the enums print as the stored strings, so the audit CLI and /healthz read the same
    assert f"{AuditKind.EVENT_SKIPPED:<14}|" == "event.skipped |"
    assert str(Owner.HUMAN) == "human" and json.dumps([EventKind.TICKET]) == '["ticket"]'
