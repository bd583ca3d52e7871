"""The durable outbox and audit log, on SQLite (WAL) by default.

Everything the service learns or intends is written here *before* it acts:

* ``events``: every webhook delivery, deduplicated by event id, stored before the
  webhook is acknowledged;
* ``decisions``: the router's decision for an event, stored together with the
  planned helpdesk actions in one transaction, before any helpdesk call;
* ``actions``: each planned helpdesk write with its idempotency key and status;
  a worker delivers pending ones, so a crash between two calls resumes with the
  rest of the plan, and the adapter's idempotency check makes a replayed write a
  no-op;
* ``ownership``: who owns each ticket (the bot, or a human after a handoff or an
  agent's reply), so the bot stays silent on tickets people have taken;
* ``audit``: an append-only log of all of the above, queryable and exportable.

The class is the only place that speaks SQL; a PostgreSQL store would implement
the same methods. Rows come back as the frozen values of
:mod:`hybridroute.service.records`, whose enums (``EventStatus``, ``Owner``, ...)
have the very strings stored in the ``status``, ``kind`` and ``owner`` columns.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from hybridroute.adapters.actions import PlannedAction
from hybridroute.models import Decision
from hybridroute.service.records import (
    ActionStatus,
    AuditKind,
    Event,
    EventKind,
    EventStatus,
    Owner,
    Ownership,
    PendingAction,
)

__all__ = ["Event", "OutboxStore", "PendingAction"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS events (
    event_id    TEXT PRIMARY KEY,
    vendor      TEXT NOT NULL,
    ticket_id   TEXT NOT NULL,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,
    status      TEXT NOT NULL DEFAULT 'received',   -- received | decided | skipped | failed
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    received_at REAL NOT NULL,
    not_before  REAL NOT NULL DEFAULT 0   -- backoff: no retry before this time
);
CREATE INDEX IF NOT EXISTS events_status ON events(status, received_at);
CREATE TABLE IF NOT EXISTS decisions (
    event_id    TEXT PRIMARY KEY REFERENCES events(event_id),
    ticket_id   TEXT NOT NULL,
    action      TEXT NOT NULL,
    decision    TEXT NOT NULL,
    decided_at  REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_ticket ON decisions(ticket_id);
CREATE TABLE IF NOT EXISTS actions (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id        TEXT NOT NULL REFERENCES events(event_id),
    ticket_id       TEXT NOT NULL,
    seq             INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL UNIQUE,
    action          TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',  -- pending | done | failed
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    receipt         TEXT,
    not_before      REAL NOT NULL DEFAULT 0,  -- backoff: no retry before this time
    updated_at      REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS actions_status ON actions(status, id);
CREATE TABLE IF NOT EXISTS ownership (
    ticket_id   TEXT PRIMARY KEY,
    owner       TEXT NOT NULL,        -- bot | human
    reason      TEXT NOT NULL,
    auto_replies INTEGER NOT NULL DEFAULT 0,
    updated_at  REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          REAL NOT NULL,
    ticket_id   TEXT,
    event_id    TEXT,
    kind        TEXT NOT NULL,
    detail      TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS audit_ticket ON audit(ticket_id, id);
"""


# Columns added after a table was first released, for databases created before them.
_ADDED_COLUMNS = {("events", "not_before"): "REAL NOT NULL DEFAULT 0"}


def _add_missing_columns(db: sqlite3.Connection) -> None:
    for (table, column), definition in _ADDED_COLUMNS.items():
        present = {row["name"] for row in db.execute(f"PRAGMA table_info({table})")}
        if column not in present:
            db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {definition}")


class OutboxStore:
    """SQLite-backed outbox, decisions, ownership locks and audit log.

    Parameters
    ----------
    path : path
        The database file; created with its folder if missing. Use one file per
        service; several processes may share it (WAL mode, busy timeout).
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        db = self._conn()
        db.executescript(_SCHEMA)  # executescript manages its own transaction
        _add_missing_columns(db)

    # -- connections ---------------------------------------------------------------------

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.row_factory = sqlite3.Row
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")  # an acknowledged event survives power loss
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        db = self._conn()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        """Close this thread's connection."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    @staticmethod
    def _audit(
        db: sqlite3.Connection,
        entry: AuditKind,
        ticket_id: str | None,
        event_id: str | None,
        **detail: Any,
    ) -> None:
        db.execute(
            "INSERT INTO audit(at, ticket_id, event_id, kind, detail) VALUES (?,?,?,?,?)",
            (time.time(), ticket_id, event_id, entry, json.dumps(detail, default=str)),
        )

    # -- events --------------------------------------------------------------------------

    def add_event(
        self, event_id: str, vendor: str, ticket_id: str, kind: EventKind, payload: dict[str, Any]
    ) -> bool:
        """Store a webhook event; False if this event id was already stored (a redelivery)."""
        with self._tx() as db:
            cur = db.execute(
                "INSERT OR IGNORE INTO events(event_id, vendor, ticket_id, kind, payload, "
                "received_at) VALUES (?,?,?,?,?,?)",
                (event_id, vendor, ticket_id, kind, json.dumps(payload), time.time()),
            )
            new = cur.rowcount == 1
            self._audit(
                db,
                AuditKind.EVENT_RECEIVED if new else AuditKind.EVENT_DUPLICATE,
                ticket_id,
                event_id,
                vendor=vendor,
                kind=kind,
            )
        return new

    def pending_events(self, limit: int = 100) -> list[Event]:
        """Events not yet decided and not backing off, oldest first."""
        rows = (
            self._conn()
            .execute(
                "SELECT event_id, vendor, ticket_id, kind, payload, attempts FROM events "
                "WHERE status = ? AND not_before <= ? ORDER BY received_at, event_id LIMIT ?",
                (EventStatus.RECEIVED, time.time(), limit),
            )
            .fetchall()
        )
        return [_event(row) for row in rows]

    def record_decision(
        self,
        event: Event,
        decision: Decision,
        plan: Sequence[PlannedAction],
        *,
        owner: Owner,
        reason: str,
    ) -> bool:
        """Store a decision, its planned actions and the new ticket owner, atomically.

        Returns False (and changes nothing) if the event was already decided.
        """
        now = time.time()
        with self._tx() as db:
            stored = db.execute(
                "SELECT status FROM events WHERE event_id = ?", (event.event_id,)
            ).fetchone()
            if stored is None or stored["status"] != EventStatus.RECEIVED:
                return False
            db.execute(
                "INSERT INTO decisions(event_id, ticket_id, action, decision, decided_at) "
                "VALUES (?,?,?,?,?)",
                (
                    event.event_id,
                    decision.ticket_id,
                    decision.action.value,
                    decision.model_dump_json(),
                    now,
                ),
            )
            for seq, action in enumerate(plan):
                db.execute(
                    "INSERT INTO actions(event_id, ticket_id, seq, idempotency_key, action, "
                    "updated_at) VALUES (?,?,?,?,?,?)",
                    (
                        event.event_id,
                        action.ticket_id,
                        seq,
                        action.idempotency_key,
                        action.model_dump_json(),
                        now,
                    ),
                )
            db.execute(
                "UPDATE events SET status = ? WHERE event_id = ?",
                (EventStatus.DECIDED, event.event_id),
            )
            auto = 1 if decision.automated else 0
            db.execute(
                "INSERT INTO ownership(ticket_id, owner, reason, auto_replies, updated_at) "
                "VALUES (?,?,?,?,?) ON CONFLICT(ticket_id) DO UPDATE SET owner=excluded.owner, "
                "reason=excluded.reason, "
                "auto_replies=ownership.auto_replies + excluded.auto_replies, "
                "updated_at=excluded.updated_at",
                (decision.ticket_id, owner, reason, auto, now),
            )
            self._audit(
                db,
                AuditKind.DECISION,
                decision.ticket_id,
                event.event_id,
                action=decision.action.value,
                rule=decision.rule,
                reasons=list(decision.reasons),
                policy=decision.policy.model_dump(),
                signals={k: v.model_dump(mode="json") for k, v in decision.signals.items()},
                certificates=list(decision.certificates),
                planned=[a.kind for a in plan],
            )
        return True

    def skip_event(self, event: Event, reason: str) -> None:
        """Mark an event handled without a decision (e.g. a human owns the ticket)."""
        with self._tx() as db:
            db.execute(
                "UPDATE events SET status = ?, last_error = ? WHERE event_id = ?",
                (EventStatus.SKIPPED, reason, event.event_id),
            )
            self._audit(db, AuditKind.EVENT_SKIPPED, event.ticket_id, event.event_id, reason=reason)

    def fail_event(self, event: Event, error: str, *, give_up: bool, retry_in: float = 0.0) -> None:
        """Record a failed attempt at deciding an event; retry no sooner than ``retry_in`` s."""
        status = EventStatus.FAILED if give_up else EventStatus.RECEIVED
        with self._tx() as db:
            db.execute(
                "UPDATE events SET attempts = attempts + 1, last_error = ?, status = ?, "
                "not_before = ? WHERE event_id = ?",
                (error, status, time.time() + retry_in, event.event_id),
            )
            self._audit(
                db,
                AuditKind.EVENT_FAILED,
                event.ticket_id,
                event.event_id,
                error=error,
                gave_up=give_up,
                retry_in=None if give_up else retry_in,
            )

    # -- actions -------------------------------------------------------------------------

    def pending_actions(self, limit: int = 100) -> list[PendingAction]:
        """Actions not yet done and not backing off, in the order they were planned."""
        rows = (
            self._conn()
            .execute(
                "SELECT id, event_id, action, attempts FROM actions WHERE status = ? "
                "AND not_before <= ? ORDER BY id LIMIT ?",
                (ActionStatus.PENDING, time.time(), limit),
            )
            .fetchall()
        )
        return [_pending_action(row) for row in rows]

    def action_done(self, pending: PendingAction, receipt: dict[str, Any]) -> None:
        """Mark an action delivered, with the helpdesk's receipt."""
        with self._tx() as db:
            db.execute(
                "UPDATE actions SET status = ?, receipt = ?, updated_at = ? WHERE id = ?",
                (ActionStatus.DONE, json.dumps(receipt), time.time(), pending.id),
            )
            self._audit(
                db,
                AuditKind.ACTION_DONE,
                pending.action.ticket_id,
                pending.event_id,
                kind=pending.action.kind,
                key=pending.action.idempotency_key,
                receipt=receipt,
            )

    def action_failed(
        self, pending: PendingAction, error: str, *, give_up: bool, retry_in: float = 0.0
    ) -> None:
        """Record a failed delivery attempt; retry no sooner than ``retry_in`` seconds.

        Given up, the action stays visible as 'failed' for a person to look at.
        """
        now = time.time()
        with self._tx() as db:
            db.execute(
                "UPDATE actions SET attempts = attempts + 1, last_error = ?, status = ?, "
                "not_before = ?, updated_at = ? WHERE id = ?",
                (
                    error,
                    ActionStatus.FAILED if give_up else ActionStatus.PENDING,
                    now + retry_in,
                    now,
                    pending.id,
                ),
            )
            self._audit(
                db,
                AuditKind.ACTION_FAILED,
                pending.action.ticket_id,
                pending.event_id,
                kind=pending.action.kind,
                error=error,
                gave_up=give_up,
                retry_in=round(retry_in, 2),
            )

    # -- ownership -----------------------------------------------------------------------

    def owner_of(self, ticket_id: str) -> Ownership | None:
        """``(owner, auto_replies)`` so far for a ticket, or None if never seen."""
        row = (
            self._conn()
            .execute("SELECT owner, auto_replies FROM ownership WHERE ticket_id = ?", (ticket_id,))
            .fetchone()
        )
        return None if row is None else Ownership(Owner(row["owner"]), row["auto_replies"])

    def knows_ticket(self, ticket_id: str) -> bool:
        """Whether any event, decision or ownership was ever stored for ``ticket_id``."""
        row = (
            self._conn()
            .execute(
                "SELECT EXISTS(SELECT 1 FROM events WHERE ticket_id = ?) "
                "OR EXISTS(SELECT 1 FROM decisions WHERE ticket_id = ?) "
                "OR EXISTS(SELECT 1 FROM ownership WHERE ticket_id = ?)",
                (ticket_id, ticket_id, ticket_id),
            )
            .fetchone()
        )
        return bool(row[0])

    def set_owner(self, ticket_id: str, owner: Owner, reason: str) -> None:
        """Set who owns a ticket (``hand_back`` gives it back to the bot)."""
        with self._tx() as db:
            db.execute(
                "INSERT INTO ownership(ticket_id, owner, reason, updated_at) VALUES (?,?,?,?) "
                "ON CONFLICT(ticket_id) DO UPDATE SET owner=excluded.owner, "
                "reason=excluded.reason, updated_at=excluded.updated_at",
                (ticket_id, owner, reason, time.time()),
            )
            self._audit(db, AuditKind.OWNERSHIP, ticket_id, None, owner=owner, reason=reason)

    # -- queries -------------------------------------------------------------------------

    def audit_log(self, ticket_id: str | None = None) -> list[dict[str, Any]]:
        """Audit entries, oldest first, for one ticket or all."""
        sql = "SELECT id, at, ticket_id, event_id, kind, detail FROM audit"
        args: tuple[Any, ...] = ()
        if ticket_id is not None:
            sql += " WHERE ticket_id = ?"
            args = (ticket_id,)
        rows = self._conn().execute(sql + " ORDER BY id", args).fetchall()
        return [
            {**dict(row), "kind": AuditKind(row["kind"]), "detail": json.loads(row["detail"])}
            for row in rows
        ]

    def decisions_for(self, ticket_id: str) -> list[Decision]:
        """Every decision made on a ticket, oldest first."""
        rows = (
            self._conn()
            .execute(
                "SELECT decision FROM decisions WHERE ticket_id = ? ORDER BY decided_at",
                (ticket_id,),
            )
            .fetchall()
        )
        return [Decision.model_validate_json(row["decision"]) for row in rows]

    def counts(self) -> dict[str, dict[str, int]]:
        """How many events and actions are in each status."""
        db = self._conn()
        return {
            table: {
                row["status"]: row["n"]
                for row in db.execute(f"SELECT status, COUNT(*) AS n FROM {table} GROUP BY status")
            }
            for table in ("events", "actions")
        }


def _event(row: sqlite3.Row) -> Event:
    return Event(
        event_id=row["event_id"],
        vendor=row["vendor"],
        ticket_id=row["ticket_id"],
        kind=EventKind(row["kind"]),
        payload=json.loads(row["payload"]),
        attempts=row["attempts"],
    )


def _pending_action(row: sqlite3.Row) -> PendingAction:
    return PendingAction(
        id=row["id"],
        event_id=row["event_id"],
        action=PlannedAction.model_validate_json(row["action"]),
        attempts=row["attempts"],
    )
