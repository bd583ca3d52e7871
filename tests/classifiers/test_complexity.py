"""ComplexityScorer: interpretable features, monotone defaults, and learned weights."""

from __future__ import annotations

import itertools
import math
import pickle
import random

import pytest
from sklearn.linear_model import LogisticRegression

import hybridroute as hr
from hybridroute.classifiers.base import ContextualClassifier
from hybridroute.classifiers.complexity import (
    COMPLEXITY_FEATURES,
    DEFAULT_COMPLEXITY_WEIGHTS,
    ComplexityScorer,
    complexity_features,
)
from hybridroute.classifiers.sentiment import SentimentScorer
from hybridroute.datasets import load_banking77


def _ticket(
    body: str = "Where is my card?",
    *,
    followups: int = 0,
    previous_contacts: int = 0,
) -> hr.Ticket:
    return hr.Ticket(
        id="T",
        body=body,
        messages=[hr.Message(text=f"Follow-up {i}") for i in range(followups)],
        customer=hr.Customer(previous_contacts=previous_contacts),
    )


def _intent(margin: float) -> hr.IntentSignal:
    return hr.IntentSignal(label="card_arrival", confidence=min(1.0, margin + 0.05), margin=margin)


def _value(ticket: hr.Ticket, upstream: dict[str, hr.Signal] | None = None) -> float:
    signal = ComplexityScorer().score([ticket], upstream=None if upstream is None else [upstream])[
        0
    ]
    assert isinstance(signal, hr.ScoreSignal)
    return signal.value


def _strictly_increasing(values: list[float]) -> bool:
    return all(a < b for a, b in itertools.pairwise(values))


def test_features_are_the_documented_keys_in_unit_range() -> None:
    features = complexity_features(_ticket("Hi. " + "Why? " * 30, followups=4, previous_contacts=9))
    assert tuple(features) == COMPLEXITY_FEATURES
    assert all(0.0 <= v <= 1.0 for v in features.values())
    assert set(DEFAULT_COMPLEXITY_WEIGHTS) == set(COMPLEXITY_FEATURES)


def test_feature_extraction_is_pure() -> None:
    ticket, upstream = _ticket("Where is it? Also, why?"), {"intent": _intent(0.3)}
    assert complexity_features(ticket, upstream) == complexity_features(ticket, upstream)
    assert complexity_features(ticket, upstream)["ambiguity"] == pytest.approx(0.7)


def test_counts_questions_with_and_without_question_marks() -> None:
    none = complexity_features(_ticket("My card arrived today."))["questions"]
    marked = complexity_features(_ticket("Where is my card?"))["questions"]
    unmarked = complexity_features(_ticket("How do I top up my account"))["questions"]
    assert none == 0.0 and marked == unmarked == 0.5
    # A run such as "???" is one question.
    assert complexity_features(_ticket("Where is my card???"))["questions"] == 0.5


def test_counts_extra_issues_from_markers_lists_and_sentences() -> None:
    one = complexity_features(_ticket("My card has not arrived."))["issues"]
    also = complexity_features(_ticket("My card has not arrived. Also my PIN is blocked."))
    listed = complexity_features(
        _ticket("Three problems:\n1. card missing\n2. PIN blocked\n3. app crashes")
    )
    rambling = complexity_features(
        _ticket("My card did not arrive. I moved house. The app is slow. My PIN is wrong.")
    )
    assert one == 0.0
    assert also["issues"] == 0.5  # one marker, "also"
    assert listed["issues"] > also["issues"]  # three items: two extra issues
    assert rambling["issues"] == 0.5  # four sentences: two beyond the second, half a point each


def test_length_is_log_scaled_and_saturates() -> None:
    lengths = [
        complexity_features(_ticket(" ".join(["word"] * n)))["length"] for n in (1, 10, 100, 400)
    ]
    assert _strictly_increasing(lengths)
    assert lengths[-1] == 1.0
    assert complexity_features(_ticket("word " * 5000))["length"] == 1.0


def test_score_grows_with_every_question() -> None:
    values = [_value(_ticket("I need help. " + "Why is that? " * n)) for n in range(6)]
    assert _strictly_increasing(values)


def test_score_grows_with_every_customer_turn() -> None:
    assert _strictly_increasing([_value(_ticket(followups=n)) for n in range(6)])


def test_score_grows_with_every_previous_contact() -> None:
    assert _strictly_increasing([_value(_ticket(previous_contacts=n)) for n in range(6)])


def test_ambiguous_intent_raises_the_score() -> None:
    ticket = _ticket()
    margins = [0.95, 0.6, 0.3, 0.05]
    values = [_value(ticket, {"intent": _intent(m)}) for m in margins]
    assert _strictly_increasing(values)
    assert values[0] > _value(ticket)  # any intent signal leaves some ambiguity


def test_frustration_from_upstream_raises_the_score() -> None:
    ticket = _ticket()
    calm = _value(ticket, {"sentiment": hr.ScoreSignal(value=0.0)})
    angry = _value(ticket, {"sentiment": hr.ScoreSignal(value=0.9)})
    assert angry > calm == _value(ticket)


def test_missing_upstream_leaves_those_features_at_zero() -> None:
    ticket = _ticket()
    for upstream in (None, {}, {"other": hr.ScoreSignal(value=1.0)}):
        features = complexity_features(ticket, upstream)
        assert features["ambiguity"] == 0.0 and features["negative_sentiment"] == 0.0
    # A detection signal under the intent name has no margin: no ambiguity.
    odd = {"intent": hr.DetectionSignal(detected=True)}
    assert complexity_features(ticket, odd)["ambiguity"] == 0.0


def test_upstream_names_are_configurable_and_declared_in_uses() -> None:
    default = ComplexityScorer()
    assert default.uses == ("intent", "sentiment")
    assert isinstance(default, ContextualClassifier)
    custom = ComplexityScorer(intent_signal="topic", sentiment_signal="mood")
    assert custom.uses == ("topic", "mood")
    ticket = _ticket()
    signal = custom.score([ticket], upstream=[{"topic": _intent(0.1), "intent": _intent(0.9)}])[0]
    assert isinstance(signal, hr.ScoreSignal)
    assert signal.features["ambiguity"] == pytest.approx(0.9)
    assert "intent_signal='topic'" in repr(custom)


def test_upstream_must_have_one_entry_per_ticket() -> None:
    with pytest.raises(hr.UsageError, match="one mapping of signals per ticket"):
        ComplexityScorer().score([_ticket(), _ticket()], upstream=[{}])


def test_evidence_names_what_raised_the_score() -> None:
    ticket = _ticket(
        "Where is my card? Also, why was I charged? And another thing: who are you?",
        followups=2,
        previous_contacts=3,
    )
    signal = ComplexityScorer().score([ticket], upstream=[{"intent": _intent(0.1)}])[0]
    assert isinstance(signal, hr.ScoreSignal)
    assert signal.evidence == (
        "3 questions",
        "also",
        "and another thing",
        "3 customer messages",
        "3 previous contacts",
    )
    assert all(len(e) <= 60 for e in signal.evidence)


def test_real_single_queries_score_low_and_tangled_tickets_high() -> None:
    # Measured on the 3,080 BANKING77 test queries with SentimentScorer upstream and
    # no intent: mean 0.096, maximum 0.60, none at or above 0.7.
    tickets = load_banking77("test").tickets
    upstream = [{"sentiment": s} for s in SentimentScorer().score(tickets)]
    values = [s.value for s in ComplexityScorer().score(tickets, upstream=upstream)]
    assert sum(values) / len(values) < 0.15
    assert max(values) < 0.7
    tangled = _ticket(
        "Where is my card? Why was I charged twice? Also, can I raise my limit?",
        followups=2,
        previous_contacts=2,
    )
    assert _value(tangled) > 0.8


def test_custom_weights_and_intercept() -> None:
    ticket = _ticket(previous_contacts=3)
    heavier = ComplexityScorer(weights={"repeat_contact": 6.0})
    signal = heavier.score([ticket])[0]
    assert signal.value > _value(ticket)
    assert "repeat_contact" in repr(heavier)
    lower = ComplexityScorer(intercept=-6.0).score([ticket])[0]
    assert lower.value < _value(ticket)
    with pytest.raises(hr.UsageError, match="unknown complexity feature"):
        ComplexityScorer(weights={"size": 1.0})
    with pytest.raises(hr.UsageError, match="finite"):
        ComplexityScorer(intercept=math.inf)
    with pytest.raises(hr.UsageError, match=r"complexity weights must be finite.*'turns'"):
        ComplexityScorer(weights={"turns": math.nan, "length": 1.0})


def test_works_unfitted() -> None:
    scorer = ComplexityScorer()
    assert scorer.weights_ is None and scorer.intercept_ is None
    assert 0.0 < _value(_ticket()) < 0.2
    assert repr(scorer) == "ComplexityScorer(name='complexity')"


def _synthetic_history(seed: int = 0) -> tuple[list[hr.Ticket], list[hr.IntentSignal]]:
    rng = random.Random(seed)
    tickets, intents = [], []
    for i in range(400):
        questions = rng.randint(0, 4)
        tickets.append(
            hr.Ticket(
                id=f"H-{i}",
                body="I have a problem with my account. " + "Why? " * questions,
                messages=[hr.Message(text="Any news?")] * rng.randint(0, 3),
                customer=hr.Customer(previous_contacts=rng.randint(0, 4)),
            )
        )
        intents.append(_intent(rng.uniform(0.0, 0.95)))
    return tickets, intents


def test_fit_learns_that_repeat_contacts_escalate() -> None:
    tickets, _ = _synthetic_history()
    escalated = [t.customer.previous_contacts >= 2 for t in tickets]
    scorer = ComplexityScorer().fit(tickets, escalated)
    assert scorer.weights_ is not None and scorer.intercept_ is not None
    assert scorer.weights_["repeat_contact"] > 0
    assert scorer.weights_["repeat_contact"] == max(scorer.weights_.values())
    repeat = scorer.score([_ticket(previous_contacts=4)])[0].value
    first = scorer.score([_ticket(previous_contacts=0)])[0].value
    assert repeat > 0.8 and first < 0.2


def test_fit_learns_a_negative_sign_when_the_data_says_so() -> None:
    tickets, _ = _synthetic_history(seed=1)
    escalated = [t.turns == 1 for t in tickets]  # only first messages escalate
    scorer = ComplexityScorer().fit(tickets, escalated)
    assert scorer.weights_ is not None
    assert scorer.weights_["turns"] < 0


def test_fit_uses_upstream_signals() -> None:
    tickets, intents = _synthetic_history(seed=2)
    upstream = [{"intent": s} for s in intents]
    escalated = [s.margin < 0.3 for s in intents]
    scorer = ComplexityScorer().fit(tickets, escalated, upstream=upstream)
    assert scorer.weights_ is not None
    assert scorer.weights_["ambiguity"] == max(scorer.weights_.values())


def test_fitted_value_is_the_predicted_probability_of_escalation() -> None:
    tickets, _ = _synthetic_history(seed=3)
    escalated = [t.customer.previous_contacts + t.text.count("?") >= 4 for t in tickets]
    scorer = ComplexityScorer().fit(tickets, escalated)
    rows = [list(complexity_features(t).values()) for t in tickets]
    expected = LogisticRegression(C=1.0, max_iter=1000).fit(rows, escalated).predict_proba(rows)
    values = [s.value for s in scorer.score(tickets)]
    assert values == pytest.approx(list(expected[:, 1]), abs=1e-9)


def test_fit_accepts_texts_and_validates_labels() -> None:
    texts = ["Where is my card?", "Why? Why? Why? Also, who? And another thing?"] * 5
    scorer = ComplexityScorer().fit(texts, [False, True] * 5)
    assert scorer.weights_ is not None and scorer.weights_["questions"] > 0
    with pytest.raises(hr.UsageError, match="both escalated and non-escalated"):
        ComplexityScorer().fit(texts, [True] * 10)
    with pytest.raises(hr.UsageError, match="10 tickets but 3 escalation labels"):
        ComplexityScorer().fit(texts, [True, False, True])


HARD_TEXTS = [
    "x" * 50_000,
    ("Why is this? Also, what? " * 2100)[:50_000],
    "😡❓❓ 💳?? 🙏",
    "¿Dónde está mi tarjeta? 我的卡在哪里\uff1f Warum? Ğİß",
]


@pytest.mark.parametrize("text", HARD_TEXTS, ids=["50k", "50k-questions", "emoji", "mixed"])
def test_long_emoji_and_non_ascii_text_is_scored(text: str) -> None:
    signal = ComplexityScorer().score([_ticket(text)])[0]
    assert isinstance(signal, hr.ScoreSignal)
    assert 0.0 <= signal.value <= 1.0
    assert len(signal.evidence) <= 5


def test_pickled_scorer_gives_identical_signals() -> None:
    tickets, intents = _synthetic_history(seed=4)
    upstream = [{"intent": s} for s in intents]
    scorer = ComplexityScorer().fit(tickets, [t.turns > 2 for t in tickets], upstream=upstream)
    clone = pickle.loads(pickle.dumps(scorer))
    assert clone.score(tickets, upstream=upstream) == scorer.score(tickets, upstream=upstream)
    unfitted = ComplexityScorer(weights={"turns": 3.0})
    assert pickle.loads(pickle.dumps(unfitted)).score(tickets) == unfitted.score(tickets)
