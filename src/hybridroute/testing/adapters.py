"""The helpdesk adapter contract as named checks, like :func:`check_classifier`.

Every adapter hybridroute ships passes :func:`check_adapter`, and so should yours. Each
``check_*`` function tests one promise of :mod:`hybridroute.adapters.base` against an
adapter that already holds a known ticket, and raises :class:`AdapterContractViolation`
(an ``AssertionError``) saying what the contract requires.

The checks need a helpdesk to write to: give :func:`check_adapter` a factory that
returns an :class:`AdapterFixture` (the adapter, the id of a ticket on which the
customer wrote ``customer_text``, and a queue the adapter can assign). Each check calls
the factory once, so checks do not see each other's writes. Point it at a test
helpdesk, a fake server (``httpx.MockTransport``) or :class:`MemoryHelpdesk`; never at
production: the checks post replies.

Queue, priority and tags are read back through ``observe`` when the fixture has one
(read them from the helpdesk's own side), else from the ``queue``, ``priority`` and
``tags`` (comma separated) keys of ``fetch_ticket(...).metadata``, which the bundled
adapters fill in.

Examples
--------
.. code-block:: python

    from hybridroute.testing.adapters import AdapterFixture, check_adapter

    def make_fixture():
        desk = start_my_test_helpdesk()
        ticket_id = desk.create_ticket("Where is my card?")
        return AdapterFixture(MyAdapter(desk.url), ticket_id, "Where is my card?", "billing")

    check_adapter(make_fixture)
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from hybridroute.adapters.base import ActionReceipt, HelpdeskAdapter
from hybridroute.exceptions import HelpdeskError, HelpdeskNotFound, HybridRouteError, UsageError
from hybridroute.models import Message, Priority, Ticket
from hybridroute.testing.checks import ContractViolation

__all__ = [
    "ADAPTER_CHECKS",
    "AdapterContractViolation",
    "AdapterFixture",
    "ObservedTicket",
    "check_adapter",
    "check_add_tags_keeps_existing",
    "check_assign_sets_queue_and_priority",
    "check_fetch_ticket",
    "check_note_is_idempotent",
    "check_note_is_internal",
    "check_reply_is_idempotent",
    "check_reply_is_public",
    "check_unknown_ticket_not_found",
]


class AdapterContractViolation(ContractViolation):
    """A helpdesk adapter breaks the adapter contract; the message says which promise."""


@dataclass(frozen=True)
class ObservedTicket:
    """A ticket's queue, priority and tags, as the helpdesk itself shows them.

    Parameters
    ----------
    queue : str, optional
        The queue (our name for the helpdesk's group) the ticket is in.
    priority : Priority, optional
        Its priority, in our terms.
    tags : frozenset of str
        Its tags.
    """

    queue: str | None = None
    priority: Priority | None = None
    tags: frozenset[str] = frozenset()


@dataclass(frozen=True)
class AdapterFixture:
    """An adapter connected to a helpdesk that holds a known ticket.

    Parameters
    ----------
    adapter : HelpdeskAdapter
        The adapter under test.
    ticket_id : str
        A ticket the customer wrote ``customer_text`` on.
    customer_text : str
        What the customer wrote (a substring is enough).
    queue : str
        A queue the adapter can assign the ticket to.
    missing_ticket_id : str
        An id no ticket has.
    observe : callable, optional
        ``observe(ticket_id) -> ObservedTicket`` read from the helpdesk's side; by
        default the ticket's ``metadata`` as the adapter reports it.
    """

    adapter: HelpdeskAdapter
    ticket_id: str
    customer_text: str
    queue: str
    missing_ticket_id: str = "999999999"
    observe: Callable[[str], ObservedTicket] | None = None


AdapterCheck = Callable[[AdapterFixture], None]


def _contract(check: AdapterCheck) -> AdapterCheck:
    """Run ``check``, turning anything but a clean pass or a violation into a violation."""

    @functools.wraps(check)
    def run(fixture: AdapterFixture) -> None:
        name = getattr(fixture.adapter, "name", type(fixture.adapter).__name__)
        try:
            check(fixture)
        except AdapterContractViolation:
            raise
        except HybridRouteError as exc:
            raise AdapterContractViolation(
                f"{check.__name__}: adapter {name!r} raised {type(exc).__name__}: {exc}. "
                "The call should have succeeded against the fixture's ticket."
            ) from exc
        except Exception as exc:
            raise AdapterContractViolation(
                f"{check.__name__}: adapter {name!r} let {type(exc).__module__}."
                f"{type(exc).__name__} escape ({exc}). The contract allows only "
                "hybridroute.HelpdeskError subclasses out of an adapter: catch the "
                "library's exception at the boundary and raise ours `from` it."
            ) from exc

    return run


def _fail(check: str, requirement: str, found: str) -> AdapterContractViolation:
    return AdapterContractViolation(f"{check}: {requirement}; {found}")


def _unique(label: str) -> tuple[str, str]:
    token = uuid.uuid4().hex[:10]
    return f"hybridroute contract check {label} {token}", f"contract-{label}-{token}"


def _messages_with(ticket: Ticket, text: str) -> list[Message]:
    return [m for m in ticket.conversation if text in " ".join(m.text.split())]


def _check_receipt(check: str, receipt: object, ticket_id: str, action: str) -> ActionReceipt:
    if not isinstance(receipt, ActionReceipt):
        raise _fail(check, "a write returns an ActionReceipt", f"got {type(receipt).__name__}")
    if receipt.ticket_id != ticket_id or receipt.action != action:
        raise _fail(
            check,
            f"the receipt names the ticket ({ticket_id!r}) and the action ({action!r})",
            f"got ticket_id={receipt.ticket_id!r}, action={receipt.action!r}",
        )
    return receipt


def _observe(fixture: AdapterFixture, check: str) -> ObservedTicket:
    if fixture.observe is not None:
        return fixture.observe(fixture.ticket_id)
    metadata = fixture.adapter.fetch_ticket(fixture.ticket_id).metadata
    missing = [k for k in ("queue", "priority", "tags") if k not in metadata]
    if missing:
        raise _fail(
            check,
            "queue, priority and tags must be observable",
            f"the ticket's metadata has no {missing}: pass AdapterFixture(observe=...) "
            "reading them from the helpdesk, or report them in fetch_ticket's metadata",
        )
    raw_priority = metadata["priority"]
    priorities = {p.value: p for p in Priority}
    tags = str(metadata["tags"] or "")
    return ObservedTicket(
        queue=str(metadata["queue"]) if metadata["queue"] is not None else None,
        priority=priorities.get(str(raw_priority)),
        tags=frozenset(t.strip() for t in tags.split(",") if t.strip()),
    )


# -- the checks ---------------------------------------------------------------------------


@_contract
def check_fetch_ticket(fixture: AdapterFixture) -> None:
    """``fetch_ticket`` returns the ticket, with the customer's words in its conversation."""
    name = "check_fetch_ticket"
    ticket = fixture.adapter.fetch_ticket(fixture.ticket_id)
    if not isinstance(ticket, Ticket):
        raise _fail(name, "fetch_ticket returns a hybridroute Ticket", f"got {type(ticket)}")
    if ticket.id != fixture.ticket_id:
        raise _fail(
            name,
            "the Ticket's id is the id it was fetched by",
            f"asked for {fixture.ticket_id!r}, got {ticket.id!r}",
        )
    wanted = " ".join(fixture.customer_text.split())
    said = [" ".join(t.split()) for t in ticket.customer_messages]
    if not any(wanted in text for text in said):
        raise _fail(
            name,
            "the conversation holds the customer's message, with role 'customer'",
            f"{wanted!r} is not among the customer's messages {said!r}",
        )


def _check_write(fixture: AdapterFixture, name: str, action: str, public: bool) -> tuple[str, str]:
    text, key = _unique(action)
    write = fixture.adapter.post_reply if public else fixture.adapter.post_note
    receipt = _check_receipt(
        name, write(fixture.ticket_id, text, idempotency_key=key), fixture.ticket_id, action
    )
    if receipt.duplicate:
        raise _fail(name, "a first write with a new key is not a duplicate", "duplicate=True")
    found = _messages_with(fixture.adapter.fetch_ticket(fixture.ticket_id), text)
    if len(found) != 1:
        raise _fail(
            name,
            f"after {'post_reply' if public else 'post_note'} the conversation shows the text once",
            f"found it {len(found)} times",
        )
    if found[0].public is not public:
        kind = "public (the customer sees it)" if public else "internal (public=False)"
        raise _fail(name, f"a {action} is {kind}", f"it came back with public={found[0].public}")
    return text, key


@_contract
def check_reply_is_public(fixture: AdapterFixture) -> None:
    """``post_reply`` returns a receipt and the reply appears, public, in the conversation."""
    _check_write(fixture, "check_reply_is_public", "reply", public=True)


@_contract
def check_note_is_internal(fixture: AdapterFixture) -> None:
    """``post_note`` returns a receipt and the note appears, internal, in the conversation."""
    _check_write(fixture, "check_note_is_internal", "note", public=False)


def _check_idempotent(fixture: AdapterFixture, name: str, action: str, public: bool) -> None:
    text, key = _check_write(fixture, name, action, public)
    write = fixture.adapter.post_reply if public else fixture.adapter.post_note
    again = _check_receipt(
        name, write(fixture.ticket_id, text, idempotency_key=key), fixture.ticket_id, action
    )
    count = len(_messages_with(fixture.adapter.fetch_ticket(fixture.ticket_id), text))
    if count != 1:
        raise _fail(
            name,
            "writing twice with the same idempotency_key writes once (the second call "
            "returns the first receipt with duplicate=True)",
            f"the text is there {count} times (second receipt: duplicate={again.duplicate})",
        )


@_contract
def check_reply_is_idempotent(fixture: AdapterFixture) -> None:
    """The same ``idempotency_key`` twice posts one reply."""
    _check_idempotent(fixture, "check_reply_is_idempotent", "reply", public=True)


@_contract
def check_note_is_idempotent(fixture: AdapterFixture) -> None:
    """The same ``idempotency_key`` twice posts one note."""
    _check_idempotent(fixture, "check_note_is_idempotent", "note", public=False)


@_contract
def check_assign_sets_queue_and_priority(fixture: AdapterFixture) -> None:
    """``assign(queue=..., priority=...)`` moves the ticket, and repeating it is harmless."""
    name = "check_assign_sets_queue_and_priority"
    _, key = _unique("assign")
    for _ in range(2):
        receipt = fixture.adapter.assign(
            fixture.ticket_id, queue=fixture.queue, priority=Priority.HIGH, idempotency_key=key
        )
        _check_receipt(name, receipt, fixture.ticket_id, "assign")
    seen = _observe(fixture, name)
    if seen.queue != fixture.queue or seen.priority is not Priority.HIGH:
        raise _fail(
            name,
            f"after assign the ticket is in queue {fixture.queue!r} with priority 'high'",
            f"the helpdesk shows queue={seen.queue!r}, priority={seen.priority}",
        )


@_contract
def check_add_tags_keeps_existing(fixture: AdapterFixture) -> None:
    """``add_tags`` adds tags and keeps those already on the ticket."""
    name = "check_add_tags_keeps_existing"
    before = _observe(fixture, name).tags
    _, key = _unique("tags")
    first, second = f"hr-{key[-10:]}-a", f"hr-{key[-10:]}-b"
    adapter = fixture.adapter
    _check_receipt(
        name,
        adapter.add_tags(fixture.ticket_id, [first], idempotency_key=f"{key}-1"),
        fixture.ticket_id,
        "tags",
    )
    _check_receipt(
        name,
        adapter.add_tags(fixture.ticket_id, [second], idempotency_key=f"{key}-2"),
        fixture.ticket_id,
        "tags",
    )
    after = _observe(fixture, name).tags
    lost = sorted((before | {first}) - after)
    if lost or second not in after:
        raise _fail(
            name,
            "add_tags keeps the ticket's existing tags and adds the new ones",
            f"before {sorted(before)}, after {sorted(after)} (missing {lost or [second]})",
        )


@_contract
def check_unknown_ticket_not_found(fixture: AdapterFixture) -> None:
    """A ticket that does not exist raises :class:`HelpdeskNotFound`, on reads and writes."""
    name = "check_unknown_ticket_not_found"
    missing = fixture.missing_ticket_id
    _, key = _unique("missing")
    calls: Sequence[tuple[str, Callable[[], object]]] = (
        ("fetch_ticket", lambda: fixture.adapter.fetch_ticket(missing)),
        ("post_reply", lambda: fixture.adapter.post_reply(missing, "x", idempotency_key=key)),
        ("post_note", lambda: fixture.adapter.post_note(missing, "x", idempotency_key=key)),
    )
    for method, call in calls:
        try:
            call()
        except HelpdeskNotFound:
            continue
        except HelpdeskError as exc:
            raise _fail(
                name,
                f"{method} of an unknown ticket raises HelpdeskNotFound",
                f"it raised {type(exc).__name__}: {exc}",
            ) from exc
        raise _fail(name, f"{method} of an unknown ticket raises HelpdeskNotFound", "it returned")


ADAPTER_CHECKS: tuple[AdapterCheck, ...] = (
    check_fetch_ticket,
    check_reply_is_public,
    check_note_is_internal,
    check_reply_is_idempotent,
    check_note_is_idempotent,
    check_assign_sets_queue_and_priority,
    check_add_tags_keeps_existing,
    check_unknown_ticket_not_found,
)
"""Every adapter check, in the order :func:`check_adapter` runs them."""


def check_adapter(
    make_fixture: Callable[[], AdapterFixture],
    *,
    checks: Iterable[str | AdapterCheck] | None = None,
) -> dict[str, str]:
    """Run the adapter contract checks and report every failure at once.

    Parameters
    ----------
    make_fixture : callable
        Returns a fresh :class:`AdapterFixture`; called once per check.
    checks : iterable of str or check functions, optional
        Run only these (by name or function); all of :data:`ADAPTER_CHECKS` by default.

    Returns
    -------
    dict of str to str
        Each check's name mapped to ``"passed"``.

    Raises
    ------
    AdapterContractViolation
        If any check failed; the message holds every failed check's explanation.
    UsageError
        If ``checks`` names a check that does not exist.
    """
    by_name = {c.__name__: c for c in ADAPTER_CHECKS}
    unknown = [c for c in checks or () if isinstance(c, str) and c not in by_name]
    if unknown:
        raise UsageError(f"no adapter checks named {unknown}; the checks are {sorted(by_name)}")
    selected = [by_name[c] if isinstance(c, str) else c for c in (checks or ADAPTER_CHECKS)]
    results: dict[str, str] = {}
    failures: list[str] = []
    for check in selected:
        try:
            check(make_fixture())
        except AdapterContractViolation as exc:
            failures.append(str(exc))
            results[check.__name__] = "failed"
        else:
            results[check.__name__] = "passed"
    if failures:
        raise AdapterContractViolation(
            f"{len(failures)} of {len(selected)} adapter checks failed:\n- " + "\n- ".join(failures)
        )
    return results
