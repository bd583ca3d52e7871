"""Tickets, signals and decisions: validation at the edge, JSON round trips."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

import hybridroute as hr
from hybridroute.models import MAX_TEXT_LENGTH


def test_body_only_ticket_exposes_text_and_conversation() -> None:
    t = hr.Ticket(id="T-1", subject="Card", body="Where is my card?")
    assert t.text == "Card\nWhere is my card?"
    assert t.turns == 1
    assert t.conversation[0].role is hr.Role.CUSTOMER


def test_conversation_ticket_reads_only_customer_words() -> None:
    t = hr.Ticket(
        id="T-2",
        messages=[
            {"role": "customer", "text": "My card is late"},
            {"role": "agent", "text": "It ships tomorrow"},
            {"role": "customer", "text": "Still nothing"},
        ],
    )
    assert t.text == "My card is late\nStill nothing"
    assert t.latest_customer_message == "Still nothing"
    assert t.turns == 2


@pytest.mark.parametrize(
    ("kwargs", "field_name"),
    [
        ({"id": "T", "body": ""}, "body"),
        ({"id": "T", "body": "   \n"}, "body"),
        ({"id": "", "body": "hi"}, "id"),
        ({"id": "T", "body": 42}, "body"),
        ({"id": "T", "body": "hi", "colour": "red"}, "colour"),
        ({"id": "T", "body": "x" * (MAX_TEXT_LENGTH + 1)}, "body"),
        ({"id": "T", "body": "hi", "channel": "pigeon"}, "channel"),
        ({"id": "T", "body": "hi", "customer": {"language": "not a tag!"}}, "customer.language"),
        ({"id": "T", "body": "hi", "customer": {"previous_contacts": -1}}, "previous_contacts"),
        ({"id": "T", "body": "hi", "metadata": {"nested": {"a": 1}}}, "metadata.nested"),
    ],
)
def test_bad_tickets_raise_our_error_naming_the_field(kwargs: dict, field_name: str) -> None:
    with pytest.raises(hr.ValidationError) as info:
        hr.Ticket(**kwargs)
    assert field_name in str(info.value)
    assert info.value.errors, "the error lists each problem for programs too"
    assert isinstance(info.value, ValueError)


def test_ticket_without_customer_words_says_how_to_fix() -> None:
    with pytest.raises(hr.ValidationError, match="pass body="):
        hr.Ticket(id="T", messages=[{"role": "agent", "text": "Hello"}])


def test_unknown_field_message_suggests_spelling() -> None:
    with pytest.raises(hr.ValidationError, match="unknown field"):
        hr.Ticket(id="T", bdy="hi")


def test_tickets_are_frozen() -> None:
    t = hr.Ticket(id="T", body="hi")
    with pytest.raises(Exception, match="frozen"):
        t.body = "changed"  # type: ignore[misc]


def test_ticket_json_round_trip_is_exact() -> None:
    t = hr.Ticket(
        id="T-9",
        subject="Refund",
        messages=[
            hr.Message(text="Refund please 💸", sent_at=datetime(2026, 1, 2, tzinfo=timezone.utc))
        ],
        channel="email",
        customer=hr.Customer(id="C1", tier="vip", language="pt-BR", previous_contacts=2),
        metadata={"order": "A-1", "total": 12.5, "gift": False},
    )
    assert hr.Ticket.model_validate_json(t.model_dump_json()) == t


def test_signals_reject_out_of_range_confidence() -> None:
    with pytest.raises(hr.ValidationError, match="confidence"):
        hr.IntentSignal(label="a", confidence=1.5, margin=0.1)
    with pytest.raises(hr.ValidationError, match="value"):
        hr.ScoreSignal(value=float("nan"))


def test_decision_must_be_consistent() -> None:
    ref = hr.PolicyRef(name="p", version="1", fingerprint="x")
    with pytest.raises(hr.ValidationError, match="carries a reply"):
        hr.Decision(
            ticket_id="T",
            action="auto_reply",
            rule="r",
            reasons=(),
            signals={},
            policy=ref,
            decided_at=datetime.now(timezone.utc),
            latency_ms=0,
        )
