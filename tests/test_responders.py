"""Responders: templates with ticket fields, wrapped functions with timeout and retries."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping

import pytest

import hybridroute as hr

INTENT = {"intent": hr.IntentSignal(label="refund", confidence=0.97, margin=0.9)}


def test_template_substitutes_ticket_fields() -> None:
    responder = hr.TemplateResponder(
        {"refund": "Order {ticket.metadata[order]}, {ticket.customer.tier} ({intent}): refunded."}
    )
    t = hr.Ticket(id="T", body="refund?", customer={"tier": "gold"}, metadata={"order": "A-7"})
    assert responder.respond(t, INTENT) == "Order A-7, gold (refund): refunded."


def test_template_without_answer_for_intent_returns_none() -> None:
    responder = hr.TemplateResponder({"other": "x"})
    assert responder.respond(hr.Ticket(id="T", body="refund?"), INTENT) is None
    assert responder.respond(hr.Ticket(id="T", body="refund?"), {}) is None


def test_template_missing_field_raises_instead_of_half_filled_answer() -> None:
    responder = hr.TemplateResponder({"refund": "Order {ticket.metadata[order]} refunded."})
    with pytest.raises(hr.ResponderError, match="order"):
        responder.respond(hr.Ticket(id="T", body="refund?"), INTENT)


@pytest.mark.parametrize("bad", ["{customer}", "{ticket.__class__}", "{", "  "])
def test_bad_templates_are_refused_at_construction(bad: str) -> None:
    with pytest.raises(hr.UsageError):
        hr.TemplateResponder({"refund": bad})


def test_callable_responder_retries_transient_errors_then_answers() -> None:
    calls = []

    def flaky(t: hr.Ticket, s: Mapping[str, hr.Signal]) -> str:
        calls.append(1)
        if len(calls) < 3:
            raise ConnectionError("reset by peer")
        return "answer"

    responder = hr.CallableResponder(flaky, attempts=3, backoff=0)
    assert responder.respond(hr.Ticket(id="T", body="x"), INTENT) == "answer"
    assert len(calls) == 3


def test_callable_responder_does_not_retry_bugs() -> None:
    calls = []

    def buggy(t: hr.Ticket, s: Mapping[str, hr.Signal]) -> str:
        calls.append(1)
        raise KeyError("oops")

    responder = hr.CallableResponder(buggy, attempts=5, backoff=0)
    with pytest.raises(hr.ResponderError, match="KeyError") as info:
        responder.respond(hr.Ticket(id="T", body="x"), INTENT)
    assert isinstance(info.value.__cause__, KeyError)
    assert len(calls) == 1


def test_callable_responder_times_out() -> None:
    release = threading.Event()

    def slow(t: hr.Ticket, s: Mapping[str, hr.Signal]) -> str:
        release.wait(5)
        return "late"

    responder = hr.CallableResponder(slow, timeout=0.1, attempts=2, backoff=0)
    started = time.perf_counter()
    with pytest.raises(hr.ResponderError, match=r"longer than 0\.1"):
        responder.respond(hr.Ticket(id="T", body="x"), INTENT)
    release.set()
    assert time.perf_counter() - started < 2


def test_callable_responder_blank_answer_means_no_answer() -> None:
    responder = hr.CallableResponder(lambda t, s: "   ")
    assert responder.respond(hr.Ticket(id="T", body="x"), INTENT) is None


def test_callable_responder_rejects_non_text() -> None:
    responder = hr.CallableResponder(lambda t, s: 42)  # type: ignore[arg-type,return-value]
    with pytest.raises(hr.ResponderError, match="text or None"):
        responder.respond(hr.Ticket(id="T", body="x"), INTENT)
