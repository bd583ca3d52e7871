"""SentimentScorer: frustration goes up with anger cues, stays low on calm real queries."""

from __future__ import annotations

import pickle
import statistics
from concurrent.futures import ThreadPoolExecutor

import pytest

import hybridroute as hr
from hybridroute.classifiers.base import Classifier
from hybridroute.classifiers.sentiment import (
    DEFAULT_SENTIMENT_WEIGHTS,
    SENTIMENT_FEATURES,
    SentimentScorer,
)
from hybridroute.datasets import load_banking77


def _score(text: str, scorer: SentimentScorer | None = None) -> hr.ScoreSignal:
    signal = (scorer or SentimentScorer()).score([hr.Ticket(id="T", body=text)])[0]
    assert isinstance(signal, hr.ScoreSignal)
    return signal


# Each angry text is paired with a calm text about the same matter.
PAIRS = [
    (
        "This is RIDICULOUS!!! Third time I'm asking where my card is.",
        "Hello, could you tell me where my card is?",
    ),
    ("Your app is absolutely useless, I'm fed up.", "How do I use the app to pay a friend?"),
    ("WTF, where is my refund?? I've been waiting for weeks", "When will my refund arrive?"),
    ("I am not happy at all with this service.", "I am happy with the service, thanks."),
    (
        "Still no reply. I'm closing my account and switching to another bank.",
        "How do I close my account?",
    ),
    ("What a joke. Terrible, terrible service.", "What is the fee for a transfer?"),
    ("The transfer failed AGAIN. Unacceptable!!", "The transfer failed, can you check it?"),
    ("I'm so angry, you lied to me about the fees", "Can you explain the fees to me?"),
]


@pytest.mark.parametrize(("angry", "calm"), PAIRS)
def test_angry_text_scores_higher_than_its_calm_counterpart(angry: str, calm: str) -> None:
    assert _score(angry).value > _score(calm).value + 0.2


def test_a_furious_customer_crosses_a_typical_frustration_limit() -> None:
    text = (
        "This is the THIRD TIME I'm writing!!! Absolutely useless, still no card after "
        "weeks. Fix it or I'm closing my account."
    )
    assert _score(text).value >= 0.8  # measured 0.89; a typical limit is 0.7


def test_negation_cancels_anger_and_flips_praise() -> None:
    assert _score("This is not bad at all").value == 0.0
    flipped = _score("I am not happy with this")
    assert flipped.features["negated_positive"] == 1.0
    assert flipped.value > _score("I am happy with this").value
    assert flipped.evidence == ("not happy",)


def test_intensifier_adds_to_a_negative_word() -> None:
    plain, intensified = _score("I am disappointed"), _score("I am extremely disappointed")
    assert intensified.features["intensified"] == 1.0
    assert intensified.value > plain.value


def test_negator_does_not_reach_across_other_words() -> None:
    # "never" negates "been", not "angry": the customer is very angry.
    assert _score("I have never been so angry").features["negative_words"] == 1.0


def test_shouting_ignores_common_abbreviations() -> None:
    assert _score("My ATM PIN and IBAN for the USD account").features["shouting"] == 0.0
    assert _score("WHY IS MY CARD BLOCKED").features["shouting"] == 3.0  # capped


def test_features_are_the_documented_keys_and_capped() -> None:
    signal = _score("bad bad bad bad bad awful awful!!! !!! !!! !!!")
    assert tuple(signal.features) == SENTIMENT_FEATURES
    assert all(0.0 <= v <= 3.0 for v in signal.features.values())
    assert signal.features["negative_words"] == 3.0


def test_evidence_is_short_and_at_most_five_items() -> None:
    long_word = "f" + "u" * 200 + "ck"
    text = f"{long_word}! useless, terrible, awful, pathetic, rubbish!!! STILL waiting AGAIN"
    evidence = _score(text).evidence
    assert 1 <= len(evidence) <= 5
    assert all(len(item) <= 60 for item in evidence)
    assert evidence[0].startswith("fuuu") and evidence[0].endswith("...")


def test_custom_weights_change_the_score_and_are_validated() -> None:
    text = "bloody hell, the bloody app crashed"
    heavier = SentimentScorer(weights={"profanity": 2.0})
    assert _score(text, heavier).value > _score(text).value
    assert "profanity" in repr(heavier)
    with pytest.raises(hr.UsageError, match=r"unknown sentiment feature\(s\) \['swearing'\]"):
        SentimentScorer(weights={"swearing": 1.0})
    with pytest.raises(hr.UsageError, match="finite"):
        SentimentScorer(weights={"profanity": float("nan")})


def test_defaults_and_contract() -> None:
    scorer = SentimentScorer()
    assert scorer.name == "sentiment"
    assert SentimentScorer(name="mood").name == "mood"
    assert repr(scorer) == "SentimentScorer(name='sentiment')"
    assert isinstance(scorer, Classifier)
    assert set(DEFAULT_SENTIMENT_WEIGHTS) == set(SENTIMENT_FEATURES)


def test_real_banking_queries_score_low() -> None:
    # Measured on the 3,080 BANKING77 test queries: mean 0.018, 6.4% above 0,
    # 0.4% at or above 0.5, maximum 0.68 ("WTF??? I tried to withdraw...").
    tickets = load_banking77("test").tickets
    values = [s.value for s in SentimentScorer().score(tickets)]
    assert statistics.mean(values) < 0.03
    assert sum(v >= 0.5 for v in values) / len(values) < 0.01
    assert max(values) < 0.8


def test_scores_are_one_per_ticket_in_order() -> None:
    texts = ["Fine, thanks", "USELESS!!!", "ok"]
    signals = SentimentScorer().score([hr.Ticket(id=str(i), body=t) for i, t in enumerate(texts)])
    assert [s.value > 0.3 for s in signals] == [False, True, False]
    assert SentimentScorer().score([]) == []


HARD_TEXTS = [
    "x" * 50_000,
    ("This is useless!!! " * 3000)[:50_000],
    "😡😡😡 🤬 💳❌ !!!",
    "¡Esto es inaceptable! Ça ne marche pas. 我的卡不见了. Почему?!",
    "\u0130STANBUL ŞUBES\u0130 NEDEN KAPALI",
]


@pytest.mark.parametrize("text", HARD_TEXTS, ids=["50k", "50k-angry", "emoji", "mixed", "turkish"])
def test_long_emoji_and_non_ascii_text_is_scored(text: str) -> None:
    signal = _score(text)
    assert 0.0 <= signal.value <= 1.0
    assert all(len(item) <= 60 for item in signal.evidence)


def test_pickled_scorer_gives_identical_signals() -> None:
    scorer = SentimentScorer(weights={"waiting": 0.4})
    tickets = [hr.Ticket(id=str(i), body=t) for i, (t, _) in enumerate(PAIRS)]
    clone = pickle.loads(pickle.dumps(scorer))
    assert clone.score(tickets) == scorer.score(tickets)


def test_concurrent_scoring_matches_sequential() -> None:
    scorer = SentimentScorer()
    batches = [[hr.Ticket(id=f"{i}", body=angry)] for i, (angry, _) in enumerate(PAIRS * 4)]
    expected = [scorer.score(b) for b in batches]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(scorer.score, batches)) == expected


# Issue 11: frustration in the seven languages of the human-request detector.
FRUSTRATED = {
    "es": [
        "Estoy harto, es la tercera vez que escribo y nadie me responde.",
        "Esto es una vergüenza, un servicio pésimo.",
        "¡Qué servicio tan lamentable! Voy a cerrar mi cuenta.",
    ],
    "fr": [
        "C'est inadmissible, j'en ai marre !",
        "Je suis vraiment déçu, toujours pas de réponse depuis des semaines.",
        "Service nul, je vais changer de banque.",
    ],
    "de": [
        "Ich bin total genervt, das ist eine Frechheit.",
        "Schon wieder keine Antwort, einfach unverschämt.",
        "Ich bin sehr enttäuscht und werde mein Konto kündigen.",
    ],
    "pt": [
        "Isso é um absurdo, péssimo atendimento!",
        "Estou muito irritado, ninguém me responde.",
        "Que vergonha, vou mudar de banco.",
    ],
    "it": [
        "Sono molto arrabbiato, è una vergogna.",
        "Servizio pessimo, ancora nessuna risposta.",
        "Sono stufo, voglio chiudere il conto.",
    ],
    "nl": [
        "Dit is belachelijk, ik ben echt boos.",
        "Nog steeds geen antwoord, waardeloos.",
        "Ik ben teleurgesteld en ga mijn rekening opzeggen.",
    ],
}
CALM = {
    "es": ["¿Cuándo llegará mi tarjeta?", "Gracias por su ayuda."],
    "fr": ["Comment changer mon code PIN ?", "Merci beaucoup pour votre réponse."],
    "de": ["Wie kann ich meine PIN ändern?", "Vielen Dank für die schnelle Hilfe."],
    "pt": ["Como altero o limite do cartão?", "Obrigado pela ajuda."],
    "it": ["Come posso attivare la carta?", "Grazie mille per l'aiuto."],
    "nl": ["Hoe activeer ik mijn pas?", "Bedankt voor de snelle hulp."],
}


def test_languages_are_the_seven_iso_codes() -> None:
    assert SentimentScorer.languages == frozenset({"en", "es", "fr", "de", "pt", "it", "nl"})
    assert SentimentScorer.languages >= hr.HumanRequestDetector.languages


@pytest.mark.parametrize(
    ("language", "text"), [(lang, text) for lang, texts in FRUSTRATED.items() for text in texts]
)
def test_frustration_is_scored_in_each_language(language: str, text: str) -> None:
    signal = _score(text)
    assert signal.value >= 0.4, (language, text, signal.evidence)


@pytest.mark.parametrize(
    ("language", "text"), [(lang, text) for lang, texts in CALM.items() for text in texts]
)
def test_calm_questions_score_zero_in_each_language(language: str, text: str) -> None:
    assert _score(text).value == 0.0, (language, text)


def test_negated_praise_in_other_languages_counts_as_negated() -> None:
    for text in (
        "No estoy contento con el servicio",
        "Je ne suis pas satisfait",
        "Ich bin nicht zufrieden",
        "Não estou satisfeito",
        "Non sono soddisfatto",
        "Ik ben niet tevreden",
    ):
        assert _score(text).features["negated_positive"] == 1.0, text


def test_invisible_characters_do_not_hide_anger() -> None:
    assert _score("This is ridi\u200bculous and use\u00adless").features["negative_words"] == 2.0
    assert _score("This is RIDI\u200bCULOUS").features["shouting"] == 1.0
