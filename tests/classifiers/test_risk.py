"""RiskTopicDetector: risky topics found on real tickets, user topics validated and added."""

from __future__ import annotations

import pickle
from collections import defaultdict

import pytest

import hybridroute as hr
from hybridroute.classifiers.base import Classifier
from hybridroute.classifiers.risk import RISK_TOPIC_PATTERNS, RiskTopic, RiskTopicDetector
from hybridroute.datasets import load_banking77


def _detect(text: str, detector: RiskTopicDetector | None = None) -> hr.DetectionSignal:
    signal = (detector or RiskTopicDetector()).score([hr.Ticket(id="T", body=text)])[0]
    assert isinstance(signal, hr.DetectionSignal)
    return signal


def test_built_in_topics_are_the_documented_ones() -> None:
    assert [t.value for t in RiskTopic] == [
        "fraud",
        "unauthorised_transaction",
        "dispute",
        "legal",
        "vulnerable_customer",
        "complaint",
    ]
    assert set(RISK_TOPIC_PATTERNS) == {t.value for t in RiskTopic}
    assert RiskTopicDetector().topic_names == tuple(sorted(t.value for t in RiskTopic))


EXAMPLES = [
    ("I think I've been scammed", "fraud"),
    ("I clicked a phishing link", "fraud"),
    ("My account was hacked", "fraud"),
    ("Someone used my card in Spain", "fraud"),
    ("my identity was stolen", "fraud"),
    ("My card details have been compromised", "fraud"),
    ("I lost my wallet on the bus", "fraud"),
    ("There is a payment I didn't make", "unauthorised_transaction"),
    ("I don't recognise this withdrawal", "unauthorised_transaction"),
    ("Unknown charge on my statement", "unauthorised_transaction"),
    ("a transfer was sent without my permission", "unauthorised_transaction"),
    ("I want to raise a chargeback", "dispute"),
    ("I was charged twice for one coffee", "dispute"),
    ("I still haven't received my refund", "dispute"),
    ("The merchant won't refund me", "dispute"),
    ("I will speak to my lawyer", "legal"),
    ("I'm going to sue you", "legal"),
    ("I'll take this to the Financial Ombudsman", "legal"),
    ("I am making a GDPR subject access request", "legal"),
    ("My husband passed away last month", "vulnerable_customer"),
    ("I'm in financial hardship and can't afford the repayments", "vulnerable_customer"),
    ("I have been feeling suicidal", "vulnerable_customer"),
    ("I've been seriously ill since March", "vulnerable_customer"),
    ("I am registered blind and cannot read the letters", "vulnerable_customer"),
    ("my partner controls my money, it's financial abuse", "vulnerable_customer"),
    ("my elderly mother gets very confused by the app", "vulnerable_customer"),
    ("I want to make a formal complaint", "complaint"),
    ("This is unacceptable, please escalate", "complaint"),
]


@pytest.mark.parametrize(("text", "topic"), EXAMPLES)
def test_each_topic_fires_on_its_phrases(text: str, topic: str) -> None:
    signal = _detect(text)
    assert signal.detected
    assert topic in signal.labels
    assert signal.confidence >= 0.8


BENIGN = [
    "What is your exchange rate for euros?",
    "How long does my card take to arrive?",
    "My friend Sue sent me money",  # the name, not "sue you"
    "There is an issue with my top-up",  # "sue" inside a word
    "I'm confused about the fees",
    "I found my lost card, can I reactivate it?",
    "Why is this payment still pending?",
    "How do I change my PIN?",
    "I can't find my card PIN",
    "The card terminal at the shop was broken",
]


@pytest.mark.parametrize("text", BENIGN)
def test_benign_look_alikes_do_not_fire(text: str) -> None:
    signal = _detect(text)
    assert not signal.detected
    assert signal.labels == () and signal.confidence == 0.0 and signal.evidence == ()


def test_several_topics_are_labelled_sorted_with_evidence_from_each() -> None:
    signal = _detect(
        "This is a disgrace. Someone used my card and I'll call my lawyer. "
        "I was also charged twice."
    )
    assert signal.labels == ("complaint", "dispute", "fraud", "legal")
    assert len(signal.evidence) == 4  # one phrase per topic
    assert "Someone used my card" in signal.evidence
    assert signal.confidence > _detect("Someone used my card").confidence


def test_evidence_is_short_and_at_most_five_items() -> None:
    text = "fraud scam phishing hacked stolen compromised cloned lawyer " + "fraud" + "x" * 100
    evidence = _detect(text).evidence
    assert len(evidence) == 5
    assert all(len(item) <= 60 for item in evidence)


def test_user_topics_extend_the_built_ins() -> None:
    detector = RiskTopicDetector({"crypto": [r"bitcoin", r"crypto\w*"]})
    assert detector.topic_names == tuple(sorted([*RISK_TOPIC_PATTERNS, "crypto"]))
    assert _detect("Can I buy Bitcoin?", detector).labels == ("crypto",)
    assert _detect("I was scammed buying crypto", detector).labels == ("crypto", "fraud")
    assert repr(detector) == "RiskTopicDetector(topics={'crypto': ('bitcoin', 'crypto\\\\w*')})"


def test_user_patterns_add_to_a_built_in_topic_of_the_same_name() -> None:
    detector = RiskTopicDetector({RiskTopic.LEGAL: [r"tribunal"], "fraud": [r"mule"]})
    assert _detect("see you at the tribunal", detector).labels == ("legal",)
    assert _detect("I think I'm a money mule", detector).labels == ("fraud",)
    assert _detect("I will sue you", detector).labels == ("legal",)  # built-ins kept


def test_extend_false_replaces_the_built_ins() -> None:
    detector = RiskTopicDetector({"crypto": [r"bitcoin"]}, extend=False)
    assert detector.topic_names == ("crypto",)
    assert not _detect("Someone stole my card and I'll sue you", detector).detected
    assert "extend=False" in repr(detector)


def test_user_patterns_match_whole_words_case_insensitively() -> None:
    detector = RiskTopicDetector({"pets": [r"cat"]}, extend=False)
    assert _detect("My CAT ate my card", detector).detected
    assert not _detect("Which category is this?", detector).detected


@pytest.mark.parametrize(
    ("topics", "message"),
    [
        ({"Card Skimming": ["skim"]}, "'Card Skimming' is not a lower_snake_case identifier"),
        ({"card-skimming": ["skim"]}, "'card-skimming' is not a lower_snake_case"),
        ({"_private": ["skim"]}, "not a lower_snake_case"),
        ({"double__underscore": ["skim"]}, "not a lower_snake_case"),
        ({"skimming\n": ["skim"]}, "not a lower_snake_case"),
        ({3: ["skim"]}, "3 is not a lower_snake_case"),
        (
            {"skimming": ["(unclosed"]},
            "risk topic 'skimming': pattern '\\(unclosed' is not a valid",
        ),
        ({"skimming": "skim"}, "not one string"),
        ({"skimming": []}, "needs at least one pattern"),
        ({"skimming": [""]}, "non-empty strings"),
    ],
)
def test_invalid_topics_raise_clear_usage_errors(topics: dict[str, object], message: str) -> None:
    with pytest.raises(hr.UsageError, match=message):
        RiskTopicDetector(topics)  # type: ignore[arg-type]


def test_replacing_with_nothing_is_an_error() -> None:
    with pytest.raises(hr.UsageError, match="extend=False"):
        RiskTopicDetector(extend=False)


def test_defaults_and_contract() -> None:
    detector = RiskTopicDetector()
    assert detector.name == "risk_topic"
    assert RiskTopicDetector(name="risk").name == "risk"
    assert repr(detector) == "RiskTopicDetector()"
    assert isinstance(detector, Classifier)
    signals = detector.score(
        [hr.Ticket(id=str(i), body=t) for i, t in enumerate(["hello there", "I was scammed"])]
    )
    assert [s.detected for s in signals] == [False, True]


RISKY_INTENTS = {
    # intent: (lowest share with any topic, measured share)
    "compromised_card": (0.85, 0.90),
    "card_payment_not_recognised": (0.85, 0.90),
    "cash_withdrawal_not_recognised": (0.75, 0.80),
    "lost_or_stolen_card": (0.80, 0.875),
}
BENIGN_INTENTS = {
    # intent: (highest share with any topic, measured share)
    "card_arrival": (0.075, 0.025),
    "exchange_rate": (0.05, 0.0),
    "top_up_by_card_charge": (0.05, 0.0),
}


@pytest.fixture(scope="module")
def banking_signals() -> dict[str, list[hr.DetectionSignal]]:
    test = load_banking77("test")
    wanted = set(RISKY_INTENTS) | set(BENIGN_INTENTS) | {"transaction_charged_twice"}
    picked = [
        (t, label) for t, label in zip(test.tickets, test.labels, strict=True) if label in wanted
    ]
    signals = RiskTopicDetector().score([t for t, _ in picked])
    by_intent: dict[str, list[hr.DetectionSignal]] = defaultdict(list)
    for signal, (_, label) in zip(signals, picked, strict=True):
        assert isinstance(signal, hr.DetectionSignal)
        by_intent[label].append(signal)
    return by_intent


def _share(signals: list[hr.DetectionSignal], topic: str | None = None) -> float:
    hits = [s.detected if topic is None else topic in s.labels for s in signals]
    return sum(hits) / len(hits)


def test_fires_on_most_real_risky_tickets(
    banking_signals: dict[str, list[hr.DetectionSignal]],
) -> None:
    # Measured on the BANKING77 test set (40 tickets per intent): 90%, 90%, 80%,
    # 87.5%; pooled 86.9%.
    for intent, (lowest, _measured) in RISKY_INTENTS.items():
        assert _share(banking_signals[intent]) >= lowest, intent
    pooled = [s for intent in RISKY_INTENTS for s in banking_signals[intent]]
    assert _share(pooled) >= 0.83


def test_rarely_fires_on_real_benign_tickets(
    banking_signals: dict[str, list[hr.DetectionSignal]],
) -> None:
    # Measured: card_arrival 1 of 40 ("Is my card lost? ..."), the others 0 of 40;
    # pooled 0.8%.
    for intent, (highest, _measured) in BENIGN_INTENTS.items():
        assert _share(banking_signals[intent]) <= highest, intent
    pooled = [s for intent in BENIGN_INTENTS for s in banking_signals[intent]]
    assert _share(pooled) <= 0.03


def test_real_tickets_get_the_right_topic(
    banking_signals: dict[str, list[hr.DetectionSignal]],
) -> None:
    # Measured: fraud on 80% of compromised_card and 87.5% of lost_or_stolen_card;
    # unauthorised_transaction on 82.5% of card_payment_not_recognised and 60% of
    # cash_withdrawal_not_recognised; dispute on 82.5% of transaction_charged_twice.
    assert _share(banking_signals["compromised_card"], "fraud") >= 0.75
    assert _share(banking_signals["lost_or_stolen_card"], "fraud") >= 0.8
    assert (
        _share(banking_signals["card_payment_not_recognised"], "unauthorised_transaction") >= 0.75
    )
    assert (
        _share(banking_signals["cash_withdrawal_not_recognised"], "unauthorised_transaction") >= 0.5
    )
    assert _share(banking_signals["transaction_charged_twice"], "dispute") >= 0.75


HARD_TEXTS = [
    "x" * 50_000,
    ("I want my money back from the shop. " * 1400)[:49_980] + " I was scammed",
    "💳😱 someone used my card!!! 🚨",
    "Mi tarjeta fue robada — 我的卡被偷了 — I've been scammed, straße ﬁnance",
    "payment " * 6_000,
]


@pytest.mark.parametrize("text", HARD_TEXTS, ids=["50k", "50k-at-end", "emoji", "mixed", "repeat"])
def test_long_emoji_and_non_ascii_text_is_handled(text: str) -> None:
    signal = _detect(text)
    assert signal.detected == (text in HARD_TEXTS[1:4])
    assert all(len(e) <= 60 for e in signal.evidence)


def test_pickled_detector_gives_identical_signals() -> None:
    detector = RiskTopicDetector({"crypto": [r"bitcoin"]})
    tickets = [hr.Ticket(id=str(i), body=t) for i, (t, _) in enumerate(EXAMPLES)]
    clone = pickle.loads(pickle.dumps(detector))
    assert clone.score(tickets) == detector.score(tickets)
    assert repr(clone) == repr(detector)


# Issue 11: risk topics outside English and behind invisible characters.
@pytest.mark.parametrize(
    ("text", "topic"),
    [
        ("When will my card arrive? Alguien robó mi tarjeta y la está usando.", "fraud"),
        ("When will my card arrive? On m'a volé ma carte.", "fraud"),
        ("When will my card arrive? Das ist Betrug!", "fraud"),
        ("My card was st\u200bolen", "fraud"),
        ("I will contact my l\u0430wyer", "legal"),
    ],
)
def test_issue_risk_topics_missed_before_are_found(text: str, topic: str) -> None:
    assert topic in _detect(text).labels


@pytest.mark.parametrize(
    ("topic", "pattern", "text"),
    [
        ("fraud_ru", "мошенник", "Это мошенник, помогите"),
        ("fraud_ru", "мошенник", "ЭТО МОШЕННИК"),
        ("fraud_el", "απάτη", "Είναι απάτη!"),
        ("fraud_el", "απάτη", "ΑΠΆΤΗ"),
        ("fraud_de", "betrüger", "Sie sind BETRÜGER"),
    ],
)
def test_own_patterns_in_other_scripts_match_the_normalised_text(
    topic: str, pattern: str, text: str
) -> None:
    # the text is folded to Latin look-alikes; the user's pattern must be folded the same way
    detector = hr.RiskTopicDetector(topics={topic: [pattern]})
    [found] = detector.score([hr.Ticket(id="T-1", body=text)])
    assert topic in found.labels
