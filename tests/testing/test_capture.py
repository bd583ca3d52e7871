"""capture_decisions records every decision made in its block, and only those."""

from __future__ import annotations

import threading

import hybridroute as hr
from hybridroute.testing import StubClassifier, capture_decisions, score

ROUTER = hr.Router(
    [StubClassifier("complexity", score(0.9))],
    hr.Policy(
        [hr.rule(hr.signal("complexity") > 0.5, hr.handoff("experts"))],
        default=hr.handoff("general"),
    ),
)


def _ticket(i: int) -> hr.Ticket:
    return hr.Ticket(id=f"T-{i}", body=f"question {i}")


def test_every_decision_in_the_block_is_captured_in_order() -> None:
    ROUTER.route(_ticket(0))
    with capture_decisions() as decisions:
        first = ROUTER.route(_ticket(1))
        batch = ROUTER.route_batch([_ticket(2), _ticket(3)])
    ROUTER.route(_ticket(4))
    assert decisions == [first, *batch]
    assert [d.handoff.queue for d in decisions if d.handoff] == ["experts"] * 3


def test_blocks_nest_and_other_threads_are_not_captured() -> None:
    with capture_decisions() as outer:
        worker = threading.Thread(target=ROUTER.route, args=(_ticket(9),))
        worker.start()
        worker.join()
        with capture_decisions() as inner:
            ROUTER.route(_ticket(1))
        ROUTER.route(_ticket(2))
    assert [d.ticket_id for d in inner] == ["T-1"]
    assert [d.ticket_id for d in outer] == ["T-1", "T-2"]


def test_the_fixture_captures_the_tests_decisions(captured_decisions: list[hr.Decision]) -> None:
    ROUTER.route_batch([_ticket(1), _ticket(2)])
    assert [d.ticket_id for d in captured_decisions] == ["T-1", "T-2"]
