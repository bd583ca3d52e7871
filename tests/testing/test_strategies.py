"""Hypothesis strategies generate valid tickets; only that module needs hypothesis."""

from __future__ import annotations

import subprocess
import sys

from hypothesis import given, settings

import hybridroute as hr
from hybridroute.testing.strategies import signals, texts, tickets


@settings(max_examples=150, deadline=None)
@given(tickets())
def test_generated_tickets_are_valid_and_survive_json(ticket: hr.Ticket) -> None:
    assert ticket.text.strip()
    assert hr.Ticket.model_validate_json(ticket.model_dump_json()) == ticket


@settings(max_examples=150, deadline=None)
@given(texts(min_size=3, max_size=10))
def test_texts_respect_their_bounds_and_are_never_blank(text: str) -> None:
    assert 3 <= len(text) <= 10 and text.strip()
    hr.Message(text=text)


@settings(max_examples=100, deadline=None)
@given(tickets(max_size=50), signals())
def test_router_never_drops_a_generated_ticket(ticket: hr.Ticket, signal: hr.Signal) -> None:
    from hybridroute.testing import StubClassifier

    router = hr.Router(
        [hr.SentimentScorer(), hr.HumanRequestDetector(), StubClassifier("stub", signal)],
        hr.Policy([], default=hr.handoff("general")),
    )
    assert router.route(ticket).ticket_id == ticket.id


def test_the_test_kit_imports_without_hypothesis() -> None:
    code = (
        "import sys\n"
        "sys.modules['hypothesis'] = None\n"  # makes `import hypothesis` fail
        "import hybridroute.testing, hybridroute.testing.plugin\n"
        "from hybridroute.testing import check_classifier, TicketFactory, MemoryHelpdesk\n"
        "try:\n"
        "    import hybridroute.testing.strategies\n"
        "except ImportError:\n"
        "    print('strategies need hypothesis')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout == "strategies need hypothesis\n"
