"""The router: batch scoring, first-match policy, safeguards, and failure handling."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import pytest

import hybridroute as hr
from hybridroute.models import LabelScore


class Fixed:
    """A classifier that returns a signal computed from the ticket text, and counts calls."""

    def __init__(self, name: str, make: Callable[[hr.Ticket], hr.Signal]) -> None:
        self.name = name
        self.make = make
        self.calls: list[int] = []

    def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.Signal]:
        self.calls.append(len(tickets))
        return [self.make(t) for t in tickets]


def _intent(t: hr.Ticket) -> hr.IntentSignal:
    conf = 0.5 if "unsure" in t.text else 0.95
    return hr.IntentSignal(
        label="card_arrival",
        confidence=conf,
        margin=conf - 0.05,
        alternatives=(LabelScore(label="card_arrival", probability=conf),),
    )


def _detect(word: str, label: str) -> Callable[[hr.Ticket], hr.DetectionSignal]:
    def make(t: hr.Ticket) -> hr.DetectionSignal:
        hit = word in t.text
        return hr.DetectionSignal(detected=hit, labels=(label,) if hit else ())

    return make


POLICY = hr.Policy(
    [
        hr.rule(hr.signal("risk_topic").isin({"fraud"}), hr.handoff("risk", priority="high")),
        hr.rule(hr.signal("intent").confidence >= 0.9, hr.auto_reply(), name="confident"),
    ],
    default=hr.handoff("general"),
)
TEMPLATES = hr.TemplateResponder({"card_arrival": "Your card arrives within 5 days."})


def make_router(**kwargs: object) -> hr.Router:
    classifiers = kwargs.pop(
        "classifiers",
        [
            Fixed("intent", _intent),
            Fixed("human_request", _detect("person", "human_request")),
            Fixed("risk_topic", _detect("fraud", "fraud")),
        ],
    )
    return hr.Router(classifiers, POLICY, TEMPLATES, **kwargs)  # type: ignore[arg-type]


def ticket(body: str, id: str = "T-1") -> hr.Ticket:
    return hr.Ticket(id=id, body=body)


def test_confident_ticket_is_answered_with_disclosure() -> None:
    d = make_router().route(ticket("where is my card"))
    assert d.action is hr.ActionKind.AUTO_REPLY and d.automated
    assert d.rule == "confident"
    assert d.reasons == ("intent.confidence = 0.95 >= 0.9",)
    assert d.reply is not None and d.reply.body == "Your card arrives within 5 days."
    assert d.reply.text.startswith(d.reply.body)
    assert "automated assistant" in d.reply.text and "person" in d.reply.text
    assert d.handoff is None and d.policy == POLICY.ref


def test_disclosure_can_be_configured_or_switched_off() -> None:
    d = make_router(disclosure=None).route(ticket("where is my card"))
    assert d.reply is not None and d.reply.text == d.reply.body and d.reply.disclosure is None
    custom = hr.Disclosure(ai_notice="Bot here.", human_offer=None)
    d = make_router(disclosure=custom).route(ticket("where is my card"))
    assert d.reply is not None and d.reply.text.endswith("\n\nBot here.")


def test_risky_ticket_goes_to_risk_queue_with_package() -> None:
    d = make_router().route(ticket("this is fraud, unsure what happened"))
    assert d.action is hr.ActionKind.HANDOFF
    assert d.handoff is not None
    assert (d.handoff.queue, d.handoff.priority) == ("risk", hr.Priority.HIGH)
    assert d.handoff.intent == "card_arrival"
    assert d.handoff.latest_message == "this is fraud, unsure what happened"
    assert "risk_topic: fraud" in d.handoff.summary
    assert d.handoff.suggested_reply == "Your card arrives within 5 days."


def test_human_request_overrides_an_auto_reply_policy() -> None:
    d = make_router().route(ticket("where is my card, I want a person"))
    assert d.action is hr.ActionKind.HANDOFF
    assert d.rule == "safeguard:human_request"
    assert "customer asked for a human" in d.reasons[0]


def test_safeguard_can_be_switched_off() -> None:
    d = make_router(human_request_signal=None).route(ticket("where is my card, a person"))
    assert d.action is hr.ActionKind.AUTO_REPLY


def test_batch_is_scored_once_per_classifier_and_keeps_order() -> None:
    router = make_router()
    tickets = [ticket(f"card {i}", id=f"T-{i}") for i in range(50)]
    decisions = router.route_batch(tickets)
    assert [d.ticket_id for d in decisions] == [t.id for t in tickets]
    assert all(clf.calls == [50] for clf in router.classifiers)  # type: ignore[attr-defined]


def test_batch_accepts_mappings_and_validates_them() -> None:
    router = make_router()
    assert router.route({"id": "T-1", "body": "my card"}).automated
    with pytest.raises(hr.ValidationError, match="body"):
        router.route({"id": "T-1", "body": ""})


def test_empty_batch_gives_no_decisions() -> None:
    assert make_router().route_batch([]) == []


class Exploding:
    name = "risk_topic"

    def __init__(self, on: str | None = None) -> None:
        self.on = on

    def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.Signal]:
        if self.on is None or any(self.on in t.text for t in tickets):
            raise RuntimeError("model server unreachable")
        return [hr.DetectionSignal(detected=False) for _ in tickets]


def test_a_crashing_classifier_hands_the_ticket_off_with_the_reason() -> None:
    router = make_router(classifiers=[Fixed("intent", _intent), Exploding()])
    d = router.route(ticket("where is my card"))
    assert d.action is hr.ActionKind.HANDOFF and d.rule == "failure"
    assert d.failures[0].component == "classifier:risk_topic"
    assert d.failures[0].error == "RuntimeError"
    assert "model server unreachable" in d.reasons[0]
    assert d.handoff is not None and d.handoff.queue == "general"


def test_a_crash_on_one_ticket_does_not_take_down_the_batch() -> None:
    router = make_router(classifiers=[Fixed("intent", _intent), Exploding(on="poison")])
    tickets = [ticket("card", "A"), ticket("poison pill", "B"), ticket("card", "C")]
    decisions = router.route_batch(tickets)
    assert [d.action.value for d in decisions] == ["auto_reply", "handoff", "auto_reply"]
    assert decisions[1].failures and not decisions[0].failures


def test_wrong_number_of_signals_is_a_failure_not_a_silent_misalignment() -> None:
    class Short:
        name = "risk_topic"

        def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.Signal]:
            return [hr.DetectionSignal(detected=False)] * (len(tickets) - 1)

    router = make_router(classifiers=[Fixed("intent", _intent), Short()])
    decisions = router.route_batch([ticket("a", "A"), ticket("b", "B")])
    assert all(d.action is hr.ActionKind.HANDOFF for d in decisions)
    assert "exactly one signal per ticket" in decisions[0].failures[0].message


def test_a_failing_responder_means_a_handoff() -> None:
    def broken(t: hr.Ticket, s: object) -> str:
        raise ConnectionError("LLM down")

    router = hr.Router(
        [Fixed("intent", _intent)],
        hr.Policy([], default=hr.auto_reply()),
        hr.CallableResponder(broken, attempts=2, backoff=0),
    )
    d = router.route(ticket("card"))
    assert d.action is hr.ActionKind.HANDOFF
    assert d.failures[0].component == "responder:callable"
    assert any("LLM down" in r for r in d.reasons)


def test_no_answer_for_the_intent_means_a_handoff() -> None:
    router = hr.Router(
        [Fixed("intent", _intent)],
        hr.Policy([], default=hr.auto_reply()),
        hr.TemplateResponder({"other_intent": "..."}),
    )
    d = router.route(ticket("card"))
    assert d.action is hr.ActionKind.HANDOFF
    assert d.reasons[-1] == "no automated answer for intent 'card_arrival'"


def test_assist_carries_a_draft() -> None:
    router = hr.Router(
        [Fixed("intent", _intent)],
        hr.Policy([], default=hr.assist("review")),
        TEMPLATES,
        draft_for_handoffs=False,
    )
    d = router.route(ticket("card"))
    assert d.action is hr.ActionKind.ASSIST
    assert (
        d.handoff is not None and d.handoff.suggested_reply == TEMPLATES.templates["card_arrival"]
    )


def test_router_refuses_misconfiguration_early() -> None:
    with pytest.raises(hr.PolicyDefinitionError, match="no classifier produces"):
        hr.Router([Fixed("intent", _intent)], POLICY, TEMPLATES)
    with pytest.raises(hr.UsageError, match="no responder"):
        hr.Router([Fixed("intent", _intent)], hr.Policy([], default=hr.auto_reply()))
    with pytest.raises(hr.UsageError, match="unique"):
        hr.Router(
            [Fixed("intent", _intent), Fixed("intent", _intent)],
            hr.Policy([], default=hr.handoff()),
        )
    with pytest.raises(hr.UsageError, match="not a classifier"):
        hr.Router([object()], hr.Policy([], default=hr.handoff()))  # type: ignore[list-item]


def test_decisions_round_trip_through_json() -> None:
    for d in make_router().route_batch([ticket("card", "A"), ticket("fraud", "B")]):
        assert hr.Decision.model_validate_json(d.model_dump_json()) == d


def test_router_is_safe_to_share_between_threads() -> None:
    router = make_router()
    expected = {f"T-{i}": i % 3 == 0 for i in range(300)}
    results: dict[str, str] = {}
    lock = threading.Lock()

    def work(ids: list[int]) -> None:
        for i in ids:
            body = "fraud here" if i % 3 == 0 else "card please"
            d = router.route(ticket(body, f"T-{i}"))
            with lock:
                results[d.ticket_id] = d.action.value

    threads = [threading.Thread(target=work, args=(list(range(k, 300, 4)),)) for k in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert len(results) == 300
    for tid, is_fraud in expected.items():
        assert results[tid] == ("handoff" if is_fraud else "auto_reply")
