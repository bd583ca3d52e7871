"""A helpdesk that lives in a SQLite file: durable across process crashes.

For crash tests of the service: the service process can be killed at any point
and the helpdesk keeps what was written, like a real hosted helpdesk would. It
behaves like a helpdesk without idempotency support: writes are plain inserts,
and the adapter side embeds the idempotency key as a marker in the comment and
looks for it before writing (the approach our HTTP adapters take).
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterable, Sequence
from pathlib import Path

from hybridroute.adapters.base import ActionReceipt
from hybridroute.exceptions import HelpdeskNotFound
from hybridroute.models import Message, Priority, Role, Ticket

__all__ = ["SqliteHelpdesk"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS tickets (id TEXT PRIMARY KEY, body TEXT NOT NULL,
    queue TEXT, priority TEXT, tags TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS comments (id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id TEXT NOT NULL, public INTEGER NOT NULL, author TEXT NOT NULL, text TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS changes (id INTEGER PRIMARY KEY AUTOINCREMENT,
    ticket_id TEXT NOT NULL, key TEXT NOT NULL, what TEXT NOT NULL);
"""


def _marker(key: str) -> str:
    return f"[hr:{key}]"


class SqliteHelpdesk:
    """A :class:`~hybridroute.adapters.HelpdeskAdapter` over a SQLite file.

    Parameters
    ----------
    path : path
        The database file (created if missing).
    """

    name = "sqlite-helpdesk"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._local = threading.local()
        self._db().executescript(_SCHEMA)

    def _db(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    # -- seeding and inspecting -----------------------------------------------------------

    def add_tickets(self, tickets: Iterable[tuple[str, str]]) -> None:
        """Create tickets from ``(id, customer message)`` pairs."""
        db = self._db()
        db.execute("BEGIN")
        db.executemany("INSERT OR REPLACE INTO tickets(id, body) VALUES (?, ?)", list(tickets))
        db.execute("COMMIT")

    def comments(self, ticket_id: str) -> list[tuple[bool, str]]:
        """``(public, text)`` of every comment on a ticket, oldest first."""
        rows = (
            self._db()
            .execute(
                "SELECT public, text FROM comments WHERE ticket_id = ? ORDER BY id", (ticket_id,)
            )
            .fetchall()
        )
        return [(bool(p), t) for p, t in rows]

    def field(self, ticket_id: str, name: str) -> str | None:
        """The ticket's ``queue``, ``priority`` or ``tags``."""
        if name not in ("queue", "priority", "tags"):
            raise ValueError(f"no field {name!r}; use queue, priority or tags")
        row = (
            self._db().execute(f"SELECT {name} FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
        )
        return None if row is None else row[0]

    # -- the adapter contract ----------------------------------------------------------------

    def fetch_ticket(self, ticket_id: str) -> Ticket:
        """The ticket with its conversation (our own comments carry the bot role)."""
        row = self._db().execute("SELECT body FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
        if row is None:
            raise HelpdeskNotFound(f"ticket {ticket_id!r} does not exist", vendor=self.name)
        messages = [
            Message(text=text, role=Role(author), public=bool(public))
            for public, author, text in self._db().execute(
                "SELECT public, author, text FROM comments WHERE ticket_id = ? ORDER BY id",
                (ticket_id,),
            )
        ]
        return Ticket(id=ticket_id, body=row[0], messages=tuple(messages))

    def _exists(self, ticket_id: str) -> None:
        found = self._db().execute("SELECT 1 FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
        if found is None:
            raise HelpdeskNotFound(f"ticket {ticket_id!r} does not exist", vendor=self.name)

    def _comment(
        self, ticket_id: str, text: str, public: bool, key: str, kind: str
    ) -> ActionReceipt:
        self._exists(ticket_id)
        marker = _marker(key)
        db = self._db()
        found = db.execute(
            "SELECT id FROM comments WHERE ticket_id = ? AND instr(text, ?) > 0",
            (ticket_id, marker),
        ).fetchone()
        if found is not None:
            return ActionReceipt(
                ticket_id=ticket_id, action=kind, external_id=str(found[0]), duplicate=True
            )
        cur = db.execute(
            "INSERT INTO comments(ticket_id, public, author, text) VALUES (?,?,?,?)",
            (ticket_id, int(public), Role.BOT.value, f"{text}\n{marker}"),
        )
        return ActionReceipt(ticket_id=ticket_id, action=kind, external_id=str(cur.lastrowid))

    def post_reply(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """A public comment, written once per idempotency key."""
        return self._comment(ticket_id, text, True, idempotency_key, "reply")

    def post_note(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """An internal comment, written once per idempotency key."""
        return self._comment(ticket_id, text, False, idempotency_key, "note")

    def add_agent_reply(self, ticket_id: str, text: str) -> None:
        """Simulate a human agent answering on the ticket (for ownership tests)."""
        self._db().execute(
            "INSERT INTO comments(ticket_id, public, author, text) VALUES (?,?,?,?)",
            (ticket_id, 1, Role.AGENT.value, text),
        )

    def add_customer_message(self, ticket_id: str, text: str) -> None:
        """Simulate the customer writing again on the ticket."""
        self._db().execute(
            "INSERT INTO comments(ticket_id, public, author, text) VALUES (?,?,?,?)",
            (ticket_id, 1, Role.CUSTOMER.value, text),
        )

    def _change(
        self, ticket_id: str, key: str, what: str, sql: str, args: Sequence[object]
    ) -> ActionReceipt:
        self._exists(ticket_id)
        db = self._db()
        db.execute("BEGIN IMMEDIATE")
        seen = db.execute("SELECT 1 FROM changes WHERE key = ?", (key,)).fetchone()
        if seen is None:
            db.execute(sql, args)
            db.execute(
                "INSERT INTO changes(ticket_id, key, what) VALUES (?,?,?)", (ticket_id, key, what)
            )
        db.execute("COMMIT")
        return ActionReceipt(ticket_id=ticket_id, action=what, duplicate=seen is not None)

    def assign(
        self,
        ticket_id: str,
        *,
        queue: str | None = None,
        priority: Priority | None = None,
        agent: str | None = None,
        idempotency_key: str,
    ) -> ActionReceipt:
        """Set queue and priority (agent assignment is not modelled)."""
        level = None if priority is None else Priority(priority).value
        return self._change(
            ticket_id,
            idempotency_key,
            "assign",
            "UPDATE tickets SET queue = coalesce(?, queue), priority = coalesce(?, priority) "
            "WHERE id = ?",
            (queue, level, ticket_id),
        )

    def add_tags(
        self, ticket_id: str, tags: Sequence[str], *, idempotency_key: str
    ) -> ActionReceipt:
        """Add tags, keeping existing ones."""
        current = set(filter(None, (self.field(ticket_id, "tags") or "").split(",")))
        merged = ",".join(sorted(current | set(tags)))
        return self._change(
            ticket_id,
            idempotency_key,
            "tags",
            "UPDATE tickets SET tags = ? WHERE id = ?",
            (merged, ticket_id),
        )
