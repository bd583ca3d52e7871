"""MemoryHelpdesk: the adapter contract in memory, with accessors and simulated outages."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest

import hybridroute as hr
from hybridroute.adapters import HelpdeskAdapter, apply_plan, plan_actions
from hybridroute.exceptions import HelpdeskNotFound, HelpdeskRateLimited, HelpdeskUnavailable
from hybridroute.testing import MemoryHelpdesk, StubClassifier, detected
from hybridroute.testing.adapters import (
    ADAPTER_CHECKS,
    AdapterFixture,
    ObservedTicket,
    check_adapter,
)

TICKET = hr.Ticket(id="T-1", body="Someone used my card")
ROUTER = hr.Router(
    [StubClassifier("risk_topic", detected("fraud"))],
    hr.Policy(
        [
            hr.rule(
                hr.signal("risk_topic").isin({"fraud"}),
                hr.handoff("risk", priority="urgent", tags=["fraud"]),
            )
        ],
        default=hr.handoff("general"),
    ),
)


def test_is_a_helpdesk_adapter(memory_helpdesk: MemoryHelpdesk) -> None:
    assert isinstance(memory_helpdesk, HelpdeskAdapter)


def test_a_handoff_plan_lands_as_note_assignment_tags_and_notice(
    memory_helpdesk: MemoryHelpdesk,
) -> None:
    memory_helpdesk.add_ticket(TICKET)
    decision = ROUTER.route(TICKET)
    receipts = apply_plan(memory_helpdesk, plan_actions(decision, key="evt-1"))
    assert [r.action for r in receipts] == ["note", "assign", "tags", "reply"]
    assert not any(r.duplicate for r in receipts)
    assert memory_helpdesk.queue_of("T-1") == "risk"
    assert memory_helpdesk.priority_of("T-1") is hr.Priority.URGENT
    assert memory_helpdesk.tags_of("T-1") == ("fraud",)
    assert memory_helpdesk.notes("T-1")[0].startswith("[hybridroute] handoff to queue 'risk'")
    assert memory_helpdesk.replies("T-1") == [hr.adapters.DEFAULT_HANDOFF_NOTICE]
    assert [w.idempotency_key for w in memory_helpdesk.writes("T-1")] == [
        "evt-1:note",
        "evt-1:assign",
        "evt-1:tags",
        "evt-1:notice",
    ]


def test_the_same_idempotency_key_twice_writes_once(memory_helpdesk: MemoryHelpdesk) -> None:
    memory_helpdesk.add_ticket(TICKET)
    plan = plan_actions(ROUTER.route(TICKET), key="evt-1")
    first = apply_plan(memory_helpdesk, plan)
    again = apply_plan(memory_helpdesk, plan)
    assert all(r.duplicate for r in again)
    assert [r.external_id for r in again] == [r.external_id for r in first]
    assert len(memory_helpdesk.writes()) == 4 and len(memory_helpdesk.replies("T-1")) == 1


def test_fetch_returns_the_conversation_with_what_was_written(
    memory_helpdesk: MemoryHelpdesk,
) -> None:
    memory_helpdesk.add_ticket(TICKET)
    memory_helpdesk.post_reply("T-1", "We froze your card.", idempotency_key="r")
    memory_helpdesk.post_note("T-1", "internal", idempotency_key="n")
    memory_helpdesk.add_customer_message("T-1", "Thanks! And my refund?")
    memory_helpdesk.add_agent_reply("T-1", "Checking.")
    fetched = memory_helpdesk.fetch_ticket("T-1")
    assert [(m.role.value, m.public, m.text) for m in fetched.conversation] == [
        ("customer", True, "Someone used my card"),
        ("bot", True, "We froze your card."),
        ("bot", False, "internal"),
        ("customer", True, "Thanks! And my refund?"),
        ("agent", True, "Checking."),
    ]
    assert fetched.latest_customer_message == "Thanks! And my refund?"


def test_fetch_reports_queue_priority_and_tags_like_the_bundled_adapters(
    memory_helpdesk: MemoryHelpdesk,
) -> None:
    memory_helpdesk.add_ticket(TICKET.model_copy(update={"metadata": {"order": "A-7"}}))
    assert memory_helpdesk.fetch_ticket("T-1").metadata == {
        "order": "A-7",
        "queue": None,
        "priority": None,
        "tags": "",
    }
    apply_plan(memory_helpdesk, plan_actions(ROUTER.route(TICKET), key="e"))
    assert memory_helpdesk.fetch_ticket("T-1").metadata == {
        "order": "A-7",
        "queue": "risk",
        "priority": "urgent",
        "tags": "fraud",
    }


def test_unknown_tickets_raise_helpdesk_not_found(memory_helpdesk: MemoryHelpdesk) -> None:
    for call in (
        lambda: memory_helpdesk.fetch_ticket("nope"),
        lambda: memory_helpdesk.post_reply("nope", "hi", idempotency_key="k"),
        lambda: memory_helpdesk.post_note("nope", "hi", idempotency_key="k"),
        lambda: memory_helpdesk.assign("nope", queue="risk", idempotency_key="k"),
        lambda: memory_helpdesk.add_tags("nope", ["x"], idempotency_key="k"),
        lambda: memory_helpdesk.queue_of("nope"),
    ):
        with pytest.raises(HelpdeskNotFound, match="ticket 'nope' does not exist"):
            call()
    assert memory_helpdesk.writes() == []


def test_assign_sets_only_what_is_given(memory_helpdesk: MemoryHelpdesk) -> None:
    memory_helpdesk.add_ticket(TICKET)
    memory_helpdesk.assign("T-1", queue="billing", priority=hr.Priority.HIGH, idempotency_key="a")
    memory_helpdesk.assign("T-1", agent="ana", idempotency_key="b")
    memory_helpdesk.add_tags("T-1", ["b", "a"], idempotency_key="c")
    memory_helpdesk.add_tags("T-1", ["c", "a"], idempotency_key="d")
    assert memory_helpdesk.queue_of("T-1") == "billing"
    assert memory_helpdesk.priority_of("T-1") is hr.Priority.HIGH
    assert memory_helpdesk.agent_of("T-1") == "ana"
    assert memory_helpdesk.tags_of("T-1") == ("a", "b", "c")


def test_fail_next_fails_before_writing_then_recovers(memory_helpdesk: MemoryHelpdesk) -> None:
    memory_helpdesk.add_ticket(TICKET)
    memory_helpdesk.fail_next(2, methods=["post_reply"])
    memory_helpdesk.post_note("T-1", "not affected", idempotency_key="n")
    for _ in range(2):
        with pytest.raises(HelpdeskUnavailable, match="simulated helpdesk failure in post_reply"):
            memory_helpdesk.post_reply("T-1", "hi", idempotency_key="r")
    assert memory_helpdesk.replies("T-1") == []
    assert not memory_helpdesk.post_reply("T-1", "hi", idempotency_key="r").duplicate
    assert memory_helpdesk.replies("T-1") == ["hi"]
    assert memory_helpdesk.calls == ["post_note", "post_reply", "post_reply", "post_reply"]


def test_fail_after_write_saves_then_errors_and_a_retry_is_a_duplicate(
    memory_helpdesk: MemoryHelpdesk,
) -> None:
    memory_helpdesk.add_ticket(TICKET)
    memory_helpdesk.fail_after_write(1, HelpdeskRateLimited("slow down", retry_after=1.0))
    with pytest.raises(HelpdeskRateLimited):
        memory_helpdesk.post_reply("T-1", "hi", idempotency_key="r")
    assert memory_helpdesk.replies("T-1") == ["hi"]  # saved despite the error
    assert memory_helpdesk.post_reply("T-1", "hi", idempotency_key="r").duplicate
    assert memory_helpdesk.replies("T-1") == ["hi"]


def test_fault_injection_rejects_unknown_methods_and_can_be_cleared(
    memory_helpdesk: MemoryHelpdesk,
) -> None:
    with pytest.raises(ValueError, match=r"unknown adapter method\(s\) \['post_replies'\]"):
        memory_helpdesk.fail_next(methods=["post_replies"])
    memory_helpdesk.add_ticket(TICKET)
    memory_helpdesk.fail_next(5, RuntimeError)
    memory_helpdesk.clear_faults()
    assert memory_helpdesk.fetch_ticket("T-1").conversation == TICKET.conversation


def test_concurrent_writers_never_write_a_key_twice() -> None:
    helpdesk = MemoryHelpdesk([hr.Ticket(id=f"T-{i}", body="hi") for i in range(10)])

    def write(n: int) -> bool:
        receipt = helpdesk.post_reply(f"T-{n % 10}", "hi", idempotency_key=f"k-{n % 50}")
        return receipt.duplicate

    with ThreadPoolExecutor(8) as pool:
        duplicates = list(pool.map(write, range(400)))
    assert duplicates.count(False) == 50 and len(helpdesk.writes()) == 50
    assert len({w.external_id for w in helpdesk.writes()}) == 50


def test_unaffected_tickets_keep_their_state() -> None:
    helpdesk = MemoryHelpdesk([TICKET, hr.Ticket(id="T-2", body="hello")])
    apply_plan(helpdesk, plan_actions(ROUTER.route(TICKET), key="e"))
    assert helpdesk.writes("T-2") == [] and helpdesk.queue_of("T-2") is None
    assert helpdesk.ticket_ids == ("T-1", "T-2")


def _fixture() -> AdapterFixture:
    helpdesk = MemoryHelpdesk([hr.Ticket(id="T-1", body="Where is my card?")])
    return AdapterFixture(helpdesk, "T-1", "Where is my card?", queue="billing")


def _observed_fixture() -> AdapterFixture:
    helpdesk = MemoryHelpdesk([hr.Ticket(id="T-1", body="Where is my card?")])

    def observe(ticket_id: str) -> ObservedTicket:
        return ObservedTicket(
            queue=helpdesk.queue_of(ticket_id),
            priority=helpdesk.priority_of(ticket_id),
            tags=frozenset(helpdesk.tags_of(ticket_id)),
        )

    return AdapterFixture(helpdesk, "T-1", "Where is my card?", "billing", observe=observe)


@pytest.mark.parametrize("make_fixture", [_fixture, _observed_fixture])
def test_passes_the_adapter_contract_checks(make_fixture: Callable[[], AdapterFixture]) -> None:
    results = check_adapter(make_fixture)
    assert results == dict.fromkeys((c.__name__ for c in ADAPTER_CHECKS), "passed")
