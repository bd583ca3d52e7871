"""assert_routes and stub signals: unit-test a policy, or a router, without a model."""

from __future__ import annotations

import pytest

import hybridroute as hr
from hybridroute.testing import (
    StubClassifier,
    assert_routes,
    check_classifier,
    detected,
    intent,
    not_detected,
    score,
)

POLICY = hr.Policy(
    [
        hr.rule(
            hr.signal("risk_topic").isin({"fraud"}),
            hr.handoff("risk", priority="high"),
            name="fraud",
        ),
        hr.rule(
            (hr.signal("intent").confidence >= 0.9) & (hr.signal("complexity") < 0.5),
            hr.auto_reply(),
            name="confident",
        ),
    ],
    default=hr.handoff("general"),
    name="support",
)
CALM: dict[str, hr.Signal] = {
    "intent": intent("card_arrival", 0.95),
    "complexity": score(0.2),
    "risk_topic": not_detected(),
}
TEMPLATES = hr.TemplateResponder({"card_arrival": "Cards arrive in 3-5 days."})


def router(**signals: hr.Signal) -> hr.Router:
    merged = {**CALM, **signals}
    return hr.Router([StubClassifier(n, s) for n, s in merged.items()], POLICY, TEMPLATES)


def test_a_policy_is_tested_from_signal_values_alone() -> None:
    outcome = assert_routes(
        POLICY, "where is my card?", action="auto_reply", rule="confident", queue=None, signals=CALM
    )
    assert outcome.reasons == ("intent.confidence = 0.95 >= 0.9", "complexity = 0.2 < 0.5")
    assert_routes(
        POLICY,
        "stolen card",
        action="handoff",
        queue="risk",
        priority="high",
        rule="fraud",
        reason_contains="fraud",
        signals={**CALM, "risk_topic": detected("fraud")},
    )


def test_a_router_with_stub_classifiers_is_tested_end_to_end() -> None:
    decision = assert_routes(
        router(),
        hr.Ticket(id="T-9", body="card?"),
        action=hr.ActionKind.AUTO_REPLY,
        rule="confident",
    )
    assert decision.reply is not None and decision.reply.body == "Cards arrive in 3-5 days."
    assert_routes(
        router(complexity=score(0.8)),
        {"id": "T-2", "body": "card?"},
        action="handoff",
        queue="general",
        rule="default",
    )


def test_failure_shows_expected_next_to_actual_with_reasons_and_signals() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_routes(
            POLICY,
            "where is my card?",
            action="handoff",
            queue="risk",
            rule="confident",
            signals=CALM,
        )
    assert str(caught.value) == (
        "ticket 'T-1' was not routed as expected by policy 'support' v1:\n"
        "          expected     actual\n"
        "  action  'handoff'    'auto_reply'  <-- differs\n"
        "  queue   'risk'       None          <-- differs\n"
        "  rule    'confident'  'confident'\n"
        "reasons:\n"
        "  - intent.confidence = 0.95 >= 0.9\n"
        "  - complexity = 0.2 < 0.5\n"
        "signals:\n"
        "  complexity: score 0.2\n"
        "  intent: intent 'card_arrival' confidence=0.95 margin=0.9\n"
        "  risk_topic: not detected"
    )


def test_failure_names_missing_signals_and_unmatched_reasons() -> None:
    with pytest.raises(AssertionError) as caught:
        assert_routes(
            POLICY, "hi", reason_contains="fraud", signals={"risk_topic": detected("legal")}
        )
    text = str(caught.value)
    assert "  reasons  contain 'fraud'  (see below)  <-- differs\n" in text
    assert "  - no rule matched (tried 2)" in text
    assert "  intent: missing" in text and "  complexity: missing" in text
    assert "  risk_topic: detected ['legal'] confidence=1" in text


def test_failure_from_a_router_shows_the_safeguard_that_overrode_the_policy() -> None:
    asks_for_human = StubClassifier("human_request", detected("human_request"))
    r = hr.Router([*router().classifiers, asks_for_human], POLICY, TEMPLATES)
    with pytest.raises(AssertionError) as caught:
        assert_routes(r, "card? can I talk to a person", action="auto_reply")
    text = str(caught.value)
    assert "  action  'auto_reply'  'handoff'  <-- differs\n" in text
    assert "decided by rule 'safeguard:human_request'\n" in text
    assert "  - customer asked for a human (safeguard overrides the policy)\n" in text
    assert "  human_request: detected ['human_request'] confidence=1\n" in text


def test_usage_mistakes_are_explained() -> None:
    with pytest.raises(hr.UsageError, match="at least one expectation"):
        assert_routes(POLICY, "hi", signals=CALM)
    with pytest.raises(hr.UsageError, match="signals= is for a bare Policy"):
        assert_routes(router(), "hi", action="handoff", signals=CALM)  # type: ignore[call-overload]
    with pytest.raises(hr.UsageError, match="action='escalate' is not one of 'auto_reply'"):
        assert_routes(POLICY, "hi", action="escalate", signals=CALM)
    with pytest.raises(hr.UsageError, match=r"signals \['complexity'\] are not signals"):
        assert_routes(POLICY, "hi", action="handoff", signals={"complexity": 0.3})  # type: ignore[dict-item]


def test_signal_constructors_give_consistent_signals() -> None:
    sig = intent("card_arrival", 0.7, alternatives=[("card_delivery_estimate", 0.2)])
    assert sig.margin == pytest.approx(0.5)
    assert [a.label for a in sig.alternatives] == ["card_arrival", "card_delivery_estimate"]
    assert intent("card_arrival", 0.95).margin == pytest.approx(0.9)
    assert intent(None, 0.0).label is None
    assert score(0.3, features={"length": 0.1}).features == {"length": 0.1}
    found = detected("legal", "fraud", evidence=["lawyer"])
    assert (found.detected, found.labels, found.value) == (True, ("fraud", "legal"), 1.0)
    assert not_detected().value == 0.0
    with pytest.raises(hr.ValidationError):
        score(1.2)


def test_stub_classifier_answers_by_constant_mapping_or_function() -> None:
    tickets = [hr.Ticket(id="A", body="x"), hr.Ticket(id="B", body="URGENT")]
    assert StubClassifier("s", score(0.4)).score(tickets) == [score(0.4), score(0.4)]
    by_id = StubClassifier("s", {"A": score(0.1)}, default=score(0.9))
    assert [s.value for s in by_id.score(tickets)] == [0.1, 0.9]
    shouting = StubClassifier("s", lambda t: score(1.0 if t.text.isupper() else 0.0))
    assert [s.value for s in shouting.score(tickets)] == [0.0, 1.0]
    with pytest.raises(hr.UsageError, match="has no signal for ticket 'B'"):
        StubClassifier("s", {"A": score(0.1)}).score(tickets)
    with pytest.raises(hr.UsageError, match="needs a signal, a mapping"):
        StubClassifier("s", 0.5)  # type: ignore[arg-type]


def test_a_missing_stub_signal_becomes_a_recorded_failure_in_the_router() -> None:
    r = hr.Router(
        [
            StubClassifier("intent", {}),
            StubClassifier("complexity", score(0.1)),
            StubClassifier("risk_topic", not_detected()),
        ],
        POLICY,
        TEMPLATES,
    )
    decision = assert_routes(
        r, "hi", action="handoff", rule="failure", reason_contains="has no signal for ticket 'T-1'"
    )
    assert decision.failures[0].component == "classifier:intent"


def test_a_constant_stub_classifier_meets_the_classifier_contract() -> None:
    check_classifier(StubClassifier("intent", intent("card_arrival", 0.9)))
