"""The shop's policy and router, tested without a model, with one, and against a helpdesk.

The fixtures ticket_factory, captured_decisions and memory_helpdesk come from
hybridroute's pytest plugin: no import needed.
"""

from pathlib import Path

import pytest
from hypothesis import given, settings
from shop_routing import TEMPLATES, build_policy, build_router, triage

import hybridroute as hr
from hybridroute.exceptions import HelpdeskUnavailable
from hybridroute.testing import (
    MemoryHelpdesk,
    StubClassifier,
    TicketFactory,
    assert_routes,
    check_golden,
    intent,
)
from hybridroute.testing.strategies import tickets

POLICY = build_policy()
ROUTER = build_router()


# -- the policy alone: signal values in, decision out -------------------------------------


@pytest.mark.parametrize(
    ("signal", "queue", "rule"),
    [
        (intent("where_is_my_order", 0.95), None, "confident"),
        (intent("where_is_my_order", 0.6), "general", "default"),  # not confident enough
        (intent("return_item", 0.7, margin=0.1), "general", "default"),  # ambiguous
        (intent("payment_problem", 0.99), "billing", "payments"),  # never automated
    ],
)
def test_policy(signal: hr.IntentSignal, queue: str | None, rule: str) -> None:
    assert_routes(POLICY, "any text", queue=queue, rule=rule, signals={"intent": signal})


def test_payment_problems_go_to_billing_with_high_priority() -> None:
    assert_routes(
        POLICY,
        "I was charged twice",
        action="handoff",
        queue="billing",
        priority="high",
        reason_contains="intent.label = 'payment_problem'",
        signals={"intent": intent("payment_problem", 0.8)},
    )


# -- the router with stub classifiers: its safeguards on top of the policy -------------------


def test_asking_for_a_person_beats_a_confident_answer() -> None:
    router = build_router(StubClassifier("intent", intent("where_is_my_order", 0.99)))
    assert_routes(router, "Where is my order?", action="auto_reply")
    assert_routes(
        router,
        "Where is my order? I want to talk to a person",
        action="handoff",
        rule="safeguard:human_request",
    )


# -- the real router --------------------------------------------------------------------------


def test_prompt_injection_gets_a_person_or_at_most_a_vetted_template(
    ticket_factory: TicketFactory,
) -> None:
    fooled = build_router(StubClassifier("intent", intent("return_item", 0.99)))
    for variant in range(5):
        ticket = ticket_factory.prompt_injection(variant)
        # Our model is unsure about these texts, so a person answers them...
        assert_routes(ROUTER, ticket, action="handoff", rule="default")
        # ...and even a model fooled into certainty only ever sends a template.
        decision = assert_routes(fooled, ticket, action="auto_reply")
        assert decision.reply is not None
        assert decision.reply.body == TEMPLATES["return_item"]


def test_golden_decisions() -> None:
    # Reports every changed decision at once; accept changes with HYBRIDROUTE_UPDATE_GOLDEN=1.
    check_golden(ROUTER, Path(__file__).parent / "golden_decisions.yaml")


@settings(max_examples=50, deadline=None)
@given(tickets(max_size=80))
def test_every_ticket_gets_a_decision_and_payments_never_an_automated_one(
    ticket: hr.Ticket,
) -> None:
    decision = ROUTER.route(ticket)
    assert decision.ticket_id == ticket.id
    if decision.automated:
        assert decision.signals["intent"].labels != ("payment_problem",)


# -- against a helpdesk ----------------------------------------------------------------------


def test_triage_answers_and_hands_off_in_the_helpdesk(
    memory_helpdesk: MemoryHelpdesk,
    captured_decisions: list[hr.Decision],
    ticket_factory: TicketFactory,
) -> None:
    parcel = ticket_factory.build(body="Where is my parcel?")
    payment = ticket_factory.build(body="My card payment failed twice")
    for ticket in (parcel, payment):
        memory_helpdesk.add_ticket(ticket)

    assert triage(ROUTER, memory_helpdesk, [parcel.id, payment.id]) == 2

    assert [d.rule for d in captured_decisions] == ["confident", "payments"]
    assert memory_helpdesk.replies(parcel.id)[0].startswith(TEMPLATES["where_is_my_order"])
    assert memory_helpdesk.queue_of(payment.id) == "billing"
    assert memory_helpdesk.tags_of(payment.id) == ("payment",)
    assert "Why a human: " in memory_helpdesk.notes(payment.id)[0]


def test_triage_survives_a_helpdesk_that_fails_after_saving(
    memory_helpdesk: MemoryHelpdesk, ticket_factory: TicketFactory
) -> None:
    ticket = ticket_factory.build(body="Where is my parcel?")
    memory_helpdesk.add_ticket(ticket)
    memory_helpdesk.fail_after_write(1)  # saves the reply, then answers 503
    with pytest.raises(HelpdeskUnavailable):
        triage(ROUTER, memory_helpdesk, [ticket.id])
    triage(ROUTER, memory_helpdesk, [ticket.id])  # the retry
    assert len(memory_helpdesk.replies(ticket.id)) == 1  # the customer got one answer
