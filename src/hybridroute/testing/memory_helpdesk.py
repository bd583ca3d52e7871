"""A helpdesk that lives in memory: the adapter contract, recorded for assertions.

:class:`MemoryHelpdesk` implements :class:`~hybridroute.adapters.HelpdeskAdapter`
the way a well-behaved hosted helpdesk does (idempotency keys honoured, unknown
tickets reported as :class:`~hybridroute.HelpdeskNotFound`), records every write so a
test can assert on it, and can simulate outages, including the nasty kind where the
helpdesk saves a write and then reports an error.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from hybridroute.adapters.base import ActionReceipt
from hybridroute.exceptions import HelpdeskNotFound, HelpdeskUnavailable
from hybridroute.models import Message, Priority, Role, Ticket

__all__ = ["MemoryHelpdesk", "RecordedWrite"]

WriteKind = Literal["reply", "note", "assign", "tags"]
ErrorSpec = BaseException | type[BaseException] | None
_ADAPTER_METHODS = frozenset({"fetch_ticket", "post_reply", "post_note", "assign", "add_tags"})


@dataclass(frozen=True)
class RecordedWrite:
    """One write the helpdesk accepted (duplicates are not recorded).

    Parameters
    ----------
    kind : {"reply", "note", "assign", "tags"}
        What was written.
    ticket_id, idempotency_key : str
        Where, and under which key.
    external_id : str
        The helpdesk's id for it (``"memory-<n>"``).
    text : str, optional
        The reply or note.
    queue, priority, agent : optional
        The assignment.
    tags : tuple of str
        The tags added.
    """

    kind: WriteKind
    ticket_id: str
    idempotency_key: str
    external_id: str
    text: str | None = None
    queue: str | None = None
    priority: Priority | None = None
    agent: str | None = None
    tags: tuple[str, ...] = ()


@dataclass
class _Fault:
    remaining: int
    error: ErrorSpec
    methods: frozenset[str]


def _raise(error: ErrorSpec, method: str, after_write: bool) -> None:
    if error is None:
        when = "after saving the write" if after_write else "before doing anything"
        error = HelpdeskUnavailable(
            f"simulated helpdesk failure in {method} ({when})", status_code=503, vendor="memory"
        )
    raise error


class MemoryHelpdesk:
    """An in-memory :class:`~hybridroute.adapters.HelpdeskAdapter` for tests.

    Thread-safe: every call holds one lock, so service tests can share it between
    worker threads.

    Parameters
    ----------
    tickets : iterable of Ticket
        Tickets the helpdesk starts with.

    Examples
    --------
    >>> import hybridroute as hr
    >>> helpdesk = MemoryHelpdesk([hr.Ticket(id="T-1", body="Where is my card?")])
    >>> helpdesk.post_reply("T-1", "It ships today.", idempotency_key="k1").duplicate
    False
    >>> helpdesk.post_reply("T-1", "It ships today.", idempotency_key="k1").duplicate
    True
    >>> helpdesk.replies("T-1")
    ['It ships today.']
    """

    name = "memory"

    def __init__(self, tickets: Iterable[Ticket] = ()) -> None:
        self._lock = threading.RLock()
        self._tickets: dict[str, Ticket] = {}
        self._thread: dict[str, list[Message]] = {}
        self._queue: dict[str, str | None] = {}
        self._priority: dict[str, Priority | None] = {}
        self._agent: dict[str, str | None] = {}
        self._tags: dict[str, set[str]] = {}
        self._writes: list[RecordedWrite] = []
        self._receipts: dict[str, ActionReceipt] = {}
        self._faults: list[_Fault] = []
        self._after_write: list[_Fault] = []
        self.calls: list[str] = []
        """Every adapter method called, in order (including failed calls and duplicates)."""
        for ticket in tickets:
            self.add_ticket(ticket)

    def __repr__(self) -> str:
        return f"MemoryHelpdesk({len(self._tickets)} tickets, {len(self._writes)} writes)"

    # -- seeding and simulating ------------------------------------------------------

    def add_ticket(self, ticket: Ticket) -> None:
        """Store a ticket; one with the same id is replaced (what was written on it stays)."""
        with self._lock:
            self._tickets[ticket.id] = ticket
            self._thread.setdefault(ticket.id, [])
            self._queue.setdefault(ticket.id, None)
            self._priority.setdefault(ticket.id, None)
            self._agent.setdefault(ticket.id, None)
            self._tags.setdefault(ticket.id, set())

    def add_customer_message(self, ticket_id: str, text: str) -> None:
        """Simulate the customer writing again on the ticket."""
        with self._lock:
            self._require(ticket_id)
            self._thread[ticket_id].append(Message(text=text, role=Role.CUSTOMER))

    def add_agent_reply(self, ticket_id: str, text: str) -> None:
        """Simulate a human agent answering on the ticket."""
        with self._lock:
            self._require(ticket_id)
            self._thread[ticket_id].append(Message(text=text, role=Role.AGENT))

    def fail_next(
        self, n: int = 1, exc: ErrorSpec = None, *, methods: Iterable[str] | None = None
    ) -> None:
        """Make the next ``n`` calls fail before doing anything.

        Parameters
        ----------
        n : int
            How many calls fail.
        exc : exception instance or class, optional
            What they raise; by default :class:`~hybridroute.HelpdeskUnavailable` (503).
        methods : iterable of str, optional
            Only calls of these adapter methods count (``"post_reply"``, ``"assign"``,
            ...); all five by default.
        """
        with self._lock:
            self._faults.append(_Fault(n, exc, self._methods(methods)))

    def fail_after_write(
        self, n: int = 1, exc: ErrorSpec = None, *, methods: Iterable[str] | None = None
    ) -> None:
        """Make the next ``n`` writes succeed, then raise: an ambiguous failure.

        The write is saved (and its idempotency key remembered) before the error is
        raised, as when a helpdesk times out after committing. A retry with the same
        key then gets a duplicate receipt, and nothing is written twice. Arguments
        are those of :meth:`fail_next` (``fetch_ticket`` is never affected).
        """
        with self._lock:
            self._after_write.append(_Fault(n, exc, self._methods(methods) - {"fetch_ticket"}))

    def clear_faults(self) -> None:
        """Cancel every pending simulated failure."""
        with self._lock:
            self._faults.clear()
            self._after_write.clear()

    @staticmethod
    def _methods(methods: Iterable[str] | None) -> frozenset[str]:
        if methods is None:
            return _ADAPTER_METHODS
        chosen = frozenset([methods] if isinstance(methods, str) else methods)
        unknown = sorted(chosen - _ADAPTER_METHODS)
        if unknown:
            raise ValueError(f"unknown adapter method(s) {unknown}; use {sorted(_ADAPTER_METHODS)}")
        return chosen

    @staticmethod
    def _take(faults: list[_Fault], method: str) -> _Fault | None:
        for fault in faults:
            if method in fault.methods and fault.remaining > 0:
                fault.remaining -= 1
                if fault.remaining == 0:
                    faults.remove(fault)
                return fault
        return None

    # -- assertion-friendly accessors --------------------------------------------------

    def replies(self, ticket_id: str) -> list[str]:
        """Public replies posted through the adapter, oldest first."""
        return [w.text or "" for w in self.writes(ticket_id) if w.kind == "reply"]

    def notes(self, ticket_id: str) -> list[str]:
        """Internal notes posted through the adapter, oldest first."""
        return [w.text or "" for w in self.writes(ticket_id) if w.kind == "note"]

    def queue_of(self, ticket_id: str) -> str | None:
        """The queue the ticket was last assigned to (None if never)."""
        with self._lock:
            self._require(ticket_id)
            return self._queue[ticket_id]

    def priority_of(self, ticket_id: str) -> Priority | None:
        """The ticket's priority as last set (None if never)."""
        with self._lock:
            self._require(ticket_id)
            return self._priority[ticket_id]

    def agent_of(self, ticket_id: str) -> str | None:
        """The agent the ticket was last assigned to (None if never)."""
        with self._lock:
            self._require(ticket_id)
            return self._agent[ticket_id]

    def tags_of(self, ticket_id: str) -> tuple[str, ...]:
        """The ticket's tags, sorted."""
        with self._lock:
            self._require(ticket_id)
            return tuple(sorted(self._tags[ticket_id]))

    def writes(self, ticket_id: str | None = None) -> list[RecordedWrite]:
        """Every write accepted (for one ticket, or all), oldest first; no duplicates."""
        with self._lock:
            return [w for w in self._writes if ticket_id is None or w.ticket_id == ticket_id]

    @property
    def ticket_ids(self) -> tuple[str, ...]:
        """Ids of the stored tickets, in the order they were added."""
        with self._lock:
            return tuple(self._tickets)

    # -- the adapter contract ----------------------------------------------------------

    def _require(self, ticket_id: str) -> None:
        if ticket_id not in self._tickets:
            raise HelpdeskNotFound(f"ticket {ticket_id!r} does not exist", vendor=self.name)

    def _enter(self, method: str, ticket_id: str) -> None:
        self.calls.append(method)
        fault = self._take(self._faults, method)
        if fault is not None:
            _raise(fault.error, method, after_write=False)
        self._require(ticket_id)

    def fetch_ticket(self, ticket_id: str) -> Ticket:
        """The ticket as the helpdesk now shows it.

        Replies, notes and simulated messages are appended to its conversation, and
        its ``metadata`` reports ``queue``, ``priority`` and ``tags`` (comma-separated),
        as the bundled adapters do.
        """
        with self._lock:
            self._enter("fetch_ticket", ticket_id)
            ticket = self._tickets[ticket_id]
            priority = self._priority[ticket_id]
            state = {
                "queue": self._queue[ticket_id],
                "priority": None if priority is None else priority.value,
                "tags": ",".join(sorted(self._tags[ticket_id])),
            }
            update = {
                "messages": ticket.messages + tuple(self._thread[ticket_id]),
                "metadata": {**ticket.metadata, **state},
            }
            fetched: Ticket = ticket.model_copy(update=update)
            return fetched

    def _write(self, method: str, key: str, write: RecordedWrite) -> ActionReceipt:
        seen = self._receipts.get(key)
        if seen is not None:
            return seen.model_copy(update={"duplicate": True})
        self._writes.append(write)
        tid = write.ticket_id
        if write.kind in ("reply", "note"):
            assert write.text is not None
            bot = Message(text=write.text, role=Role.BOT, public=write.kind == "reply")
            self._thread[tid].append(bot)
        elif write.kind == "assign":
            if write.queue is not None:
                self._queue[tid] = write.queue
            if write.priority is not None:
                self._priority[tid] = write.priority
            if write.agent is not None:
                self._agent[tid] = write.agent
        else:
            self._tags[tid].update(write.tags)
        receipt = ActionReceipt(ticket_id=tid, action=write.kind, external_id=write.external_id)
        self._receipts[key] = receipt
        fault = self._take(self._after_write, method)
        if fault is not None:
            _raise(fault.error, method, after_write=True)
        return receipt

    def _next_id(self) -> str:
        return f"memory-{len(self._writes) + 1}"

    def post_reply(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """Post a public reply, once per idempotency key."""
        with self._lock:
            self._enter("post_reply", ticket_id)
            write = RecordedWrite("reply", ticket_id, idempotency_key, self._next_id(), text=text)
            return self._write("post_reply", idempotency_key, write)

    def post_note(self, ticket_id: str, text: str, *, idempotency_key: str) -> ActionReceipt:
        """Post an internal note, once per idempotency key."""
        with self._lock:
            self._enter("post_note", ticket_id)
            write = RecordedWrite("note", ticket_id, idempotency_key, self._next_id(), text=text)
            return self._write("post_note", idempotency_key, write)

    def assign(
        self,
        ticket_id: str,
        *,
        queue: str | None = None,
        priority: Priority | None = None,
        agent: str | None = None,
        idempotency_key: str,
    ) -> ActionReceipt:
        """Set the queue, priority or agent (those given), once per idempotency key."""
        with self._lock:
            self._enter("assign", ticket_id)
            level = None if priority is None else Priority(priority)
            write = RecordedWrite(
                "assign",
                ticket_id,
                idempotency_key,
                self._next_id(),
                queue=queue,
                priority=level,
                agent=agent,
            )
            return self._write("assign", idempotency_key, write)

    def add_tags(
        self, ticket_id: str, tags: Sequence[str], *, idempotency_key: str
    ) -> ActionReceipt:
        """Add tags, keeping the existing ones, once per idempotency key."""
        with self._lock:
            self._enter("add_tags", ticket_id)
            write = RecordedWrite(
                "tags", ticket_id, idempotency_key, self._next_id(), tags=tuple(tags)
            )
            return self._write("add_tags", idempotency_key, write)
