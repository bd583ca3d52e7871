"""HumanRequestDetector: finds requests for a person in seven languages, and little else."""

from __future__ import annotations

import pickle

import pytest

import hybridroute as hr
from hybridroute.classifiers.base import Classifier
from hybridroute.classifiers.human_request import HumanRequestDetector
from hybridroute.datasets import load_banking77, load_clinc150


def _detect(text: str, detector: HumanRequestDetector | None = None) -> hr.DetectionSignal:
    signal = (detector or HumanRequestDetector()).score([hr.Ticket(id="T", body=text)])[0]
    assert isinstance(signal, hr.DetectionSignal)
    return signal


REQUESTS = {
    "en": [
        "I want to talk to a real person",
        "Can I speak with someone?",
        "get me an agent",
        "human please",
        "Operator",
        "Representative!",
        "I need to speak to a manager now",
        "Could you transfer me to a live agent?",
        "connect me with customer service",
        "Is there a real person I can talk to?",
        "I don't want to talk to a bot",
        "Please call me back on 07700 900123",
        "Can someone call me?",
        "put me through to someone real",
        "I just want a real person!!!",
        "how do i reach a human",
    ],
    "es": [
        "quiero hablar con una persona",
        "Necesito hablar con alguien, por favor",
        "pásame con un asesor",
        "¿Puedo hablar con un agente?",
        "llámenme por favor",
    ],
    "fr": [
        "je veux parler à un conseiller",
        "Je voudrais parler avec un humain",
        "Puis-je parler à quelqu'un ?",
        "mettez-moi en relation avec un conseiller",
        "Rappelez-moi s'il vous plaît",
    ],
    "de": [
        "ich möchte mit einem Mitarbeiter sprechen",
        "Kann ich bitte mit einem echten Menschen reden?",
        "Verbinden Sie mich bitte mit einem Berater",
        "Rufen Sie mich bitte zurück",
        "Ich brauche einen Menschen",
    ],
    "pt": [
        "quero falar com um atendente",
        "Preciso falar com uma pessoa",
        "posso falar com alguém?",
        "me liguem por favor",
        "quero atendimento humano",
    ],
    "it": [
        "vorrei parlare con un operatore",
        "Voglio parlare con una persona vera",
        "posso parlare con qualcuno?",
        "mi richiami per favore",
        "passatemi un operatore",
    ],
    "nl": [
        "ik wil een medewerker spreken",
        "Kan ik met een medewerker praten?",
        "ik wil iemand spreken",
        "Bel me terug alstublieft",
        "Ik wil graag met een echte persoon spreken",
    ],
}


def test_every_supported_language_has_tested_phrases() -> None:
    assert set(HumanRequestDetector.LANGUAGES) == set(REQUESTS)
    assert set(HumanRequestDetector.LANGUAGES) == {"de", "en", "es", "fr", "it", "nl", "pt"}


@pytest.mark.parametrize(
    ("language", "text"), [(lang, text) for lang, texts in REQUESTS.items() for text in texts]
)
def test_requests_for_a_human_are_detected(language: str, text: str) -> None:
    signal = _detect(text)
    assert signal.detected, f"missed {language} request {text!r}"
    assert signal.labels == ("human_request",)
    assert signal.confidence >= 0.8
    assert signal.evidence and all(len(e) <= 60 for e in signal.evidence)


NOT_REQUESTS = [
    "the person I sent money to has not received it",
    "I need to talk to the person I sent money to",
    "my agent bank says the transfer is pending",
    "How do I update my personal details?",
    "Do you support humanitarian donations?",
    "Who can I speak with regarding a lost card?",
    "Someone used my card without asking",
    "The operator of the ATM charged me a fee",
    "call me Bob from now on",
    "can you call me an uber",
    "I spoke to an agent yesterday and it is fixed",
    "je ne peux parler à personne",  # "I can't talk to anybody"
    "I don't want to talk to a human, just tell me the fee",
    "no need to call me back",
    "ich möchte nicht mit einem Mitarbeiter sprechen",
    "no quiero hablar con una persona",
]


@pytest.mark.parametrize("text", NOT_REQUESTS)
def test_look_alikes_and_refusals_are_not_detected(text: str) -> None:
    signal = _detect(text)
    assert not signal.detected
    assert signal.labels == () and signal.confidence == 0.0 and signal.value == 0.0


def test_matching_ignores_case_and_accents_and_quotes_the_original() -> None:
    for text in ("PARLER À UN CONSEILLER", "parler a un conseiller", "Parler à un Conseiller"):
        assert _detect(text).detected
    assert _detect("Quiero hablar con un agente, ¡ya!").evidence == ("hablar con un agente",)
    assert _detect("Je veux parler à un conseiller").evidence == ("parler à un conseiller",)
    assert _detect("Ich möchte mit einem Mitarbeiter sprechen").evidence == (
        "mit einem Mitarbeiter sprechen",
    )


def test_sentence_requests_are_more_confident_than_bare_keywords() -> None:
    sentence, keyword = _detect("Can I talk to an agent?"), _detect("agent!")
    assert sentence.confidence == HumanRequestDetector.EXPLICIT_CONFIDENCE
    assert keyword.confidence == HumanRequestDetector.KEYWORD_CONFIDENCE
    assert sentence.confidence > keyword.confidence
    # A keyword inside an ordinary sentence is not a request.
    assert not _detect("Which agent handled my transfer?").detected


def test_request_in_a_later_message_is_found() -> None:
    ticket = hr.Ticket(
        id="T",
        body="My card was declined at the shop.",
        messages=[
            hr.Message(text="Have you tried again?", role=hr.Role.BOT),
            hr.Message(text="Yes. Let me speak to a human."),
        ],
    )
    assert HumanRequestDetector().score([ticket])[0].detected


def test_extra_patterns_extend_detection() -> None:
    detector = HumanRequestDetector(extra_patterns=[r"ring my (?:mobile|phone)", r"hjælp mig"])
    assert _detect("Please ring my mobile", detector).detected
    assert _detect("Please RING MY PHONE", detector).detected
    assert _detect("HJÆLP MIG nu", detector).detected  # accents removed on both sides
    assert not _detect("Please ring my mobile", HumanRequestDetector()).detected
    assert "ring my" in repr(detector)


def test_bad_extra_patterns_raise_usage_errors() -> None:
    with pytest.raises(hr.UsageError, match=r"extra pattern '\(unclosed'"):
        HumanRequestDetector(extra_patterns=["(unclosed"])
    with pytest.raises(hr.UsageError, match="not one string"):
        HumanRequestDetector(extra_patterns="ring me")
    with pytest.raises(hr.UsageError, match="as strings"):
        HumanRequestDetector(extra_patterns=[42])  # type: ignore[list-item]


def test_defaults_and_contract() -> None:
    detector = HumanRequestDetector()
    assert detector.name == "human_request"
    assert HumanRequestDetector(name="wants_person").name == "wants_person"
    assert repr(detector) == "HumanRequestDetector(name='human_request')"
    assert isinstance(detector, Classifier)
    texts = ["agent please", "where is my card", "hablar con una persona"]
    signals = detector.score([hr.Ticket(id=str(i), body=t) for i, t in enumerate(texts)])
    assert [s.detected for s in signals] == [True, False, True]


def test_false_positive_rate_on_real_banking_queries_is_below_one_percent() -> None:
    # BANKING77 has no intent asking for a human. Measured on its 3,080 test
    # queries: 0 detections (train: 2 of 10,003, both "do I have to talk to
    # someone / speak to a representative to ...").
    tickets = load_banking77("test").tickets
    detected = [s.detected for s in HumanRequestDetector().score(tickets)]
    assert sum(detected) / len(detected) < 0.01
    assert sum(detected) <= 5


def test_false_positive_rate_on_clinc150_is_below_one_percent() -> None:
    # Measured on the 5,500 CLINC150 test queries (150 intents + out-of-scope):
    # 1 detection, "can i talk to someone to let them know my card was damaged".
    tickets = load_clinc150("test").tickets
    detected = [s.detected for s in HumanRequestDetector().score(tickets)]
    assert sum(detected) / len(detected) < 0.005


HARD_TEXTS = [
    "x" * 50_000,
    ("Ich möchte Geld überweisen. 😡 " * 2000)[:49_990] + " agent pls",
    "🙋‍♀️🙋‍♀️ human please 🙏",
    "我要人工客服 — quiero hablar con una persona — Ğ İ ß ﬁ",
]


@pytest.mark.parametrize("text", HARD_TEXTS, ids=["50k", "50k-request-at-end", "emoji", "mixed"])
def test_long_emoji_and_non_ascii_text_is_handled(text: str) -> None:
    signal = _detect(text)
    assert signal.detected == (text != HARD_TEXTS[0])
    assert all(len(e) <= 60 for e in signal.evidence)


def test_pickled_detector_gives_identical_signals() -> None:
    detector = HumanRequestDetector(extra_patterns=[r"ring my phone"])
    tickets = [hr.Ticket(id=str(i), body=t) for i, t in enumerate(REQUESTS["fr"] + NOT_REQUESTS)]
    clone = pickle.loads(pickle.dumps(detector))
    assert clone.score(tickets) == detector.score(tickets)
    assert repr(clone) == repr(detector)


# Issue 11: invisible and look-alike characters must not hide a request.
@pytest.mark.parametrize(
    "text",
    [
        "When will my card arrive? I want to speak to a hu\u200bman.",
        "When will my card arrive? I want to speak to a hu\u00adman.",
        "When will my card arrive? I want to speak to a hum\u0430n.",
        "When will my card arrive? I want to speak to a \uff48\uff55\uff4d\uff41\uff4e.",
        "When will my card arrive? I want to\u00a0speak   to a\u00a0\u00a0human.",
        "When will my card arrive? I want to speak to a hu\u0301ma\u0308n.",
        "When will my card arrive? I want to sp\u0435\u0430k to \u0430 hum\u0430n.",
        "When will my card arrive? I want to speak to a h\u200cu\u2060m\ufeffan.",
        "Quiero hablar con una pers\u043ena",
        "Ich möchte mit einem Mitarbe\u200biter sprechen",
    ],
)
def test_invisible_and_look_alike_characters_do_not_hide_a_request(text: str) -> None:
    assert _detect(text).detected


def test_evidence_is_normalised_when_the_text_was_disguised() -> None:
    assert _detect("I want to speak to a hu\u200bman.").evidence == ("speak to a human",)
    # Text that only differs in case and accents is still quoted as written.
    assert _detect("Je veux parler à un conseiller").evidence == ("parler à un conseiller",)


def test_languages_are_the_seven_iso_codes() -> None:
    assert HumanRequestDetector.languages == frozenset({"en", "es", "fr", "de", "pt", "it", "nl"})
    assert HumanRequestDetector().languages == frozenset(HumanRequestDetector.LANGUAGES)


@pytest.mark.parametrize(
    "text", ["Позовите оператора!", "ПОЗОВИТЕ ОПЕРАТОРА", "позовите\u00a0оператора"]
)
def test_extra_patterns_in_other_scripts_match_the_normalised_text(text: str) -> None:
    detector = hr.HumanRequestDetector(extra_patterns=["позовите оператора"])
    [found] = detector.score([hr.Ticket(id="T-1", body=text)])
    assert found.detected
