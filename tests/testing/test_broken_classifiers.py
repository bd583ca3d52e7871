"""Each check catches the broken classifier it exists for, and says how to fix it.

Every broken classifier below is a correct reference classifier with exactly one
bug; the reference classifiers pass every check, so each failure is that bug's.
"""

from __future__ import annotations

import random
import re
import time
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np
import pytest

import hybridroute as hr
from hybridroute.classifiers.base import Classifier, as_texts
from hybridroute.testing import (
    ContractViolation,
    check_classifier,
    parametrize_with_checks,
)
from hybridroute.testing.checks import CLASSIFIER_CHECKS

# -- two correct reference classifiers -------------------------------------------------


class Shouting:
    """Correct: the share of a ticket's letters that are upper case."""

    name = "shouting"

    def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.Signal]:
        return [self.signal(t.text) for t in tickets]

    def signal(self, text: str) -> hr.Signal:
        letters = [c for c in text if c.isalpha()]
        upper = sum(c.isupper() for c in letters)
        return hr.ScoreSignal(value=upper / len(letters) if letters else 0.0)


class WordOverlap:
    """Correct and trainable: intents by overlap with each intent's training words."""

    name = "intent"

    def __init__(self) -> None:
        self.words: dict[str, set[str]] | None = None

    @property
    def classes_(self) -> tuple[str, ...]:
        if self.words is None:
            raise hr.NotFittedError("WordOverlap is not fitted: call fit(texts, labels) first")
        return tuple(self.words)

    def fit(self, X: Iterable[Any], y: Iterable[Any]) -> WordOverlap:
        words: dict[str, set[str]] = {}
        for text, label in zip(as_texts(X), y, strict=True):
            words.setdefault(str(label), set()).update(text.lower().split())
        self.words = dict(sorted(words.items()))
        return self

    def overlaps(self, X: Sequence[Any]) -> np.ndarray:
        classes = self.classes_
        assert self.words is not None
        rows = [set(text.lower().split()) for text in as_texts(X)]
        counts = [[len(r & self.words[c]) + 1.0 for c in classes] for r in rows]
        return np.array(counts).reshape(len(rows), len(classes))

    def predict_proba(self, X: Sequence[Any]) -> np.ndarray:
        counts = self.overlaps(X)
        return np.asarray(counts / counts.sum(axis=1, keepdims=True))

    def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.Signal]:
        classes = self.classes_
        signals: list[hr.Signal] = []
        for row in self.predict_proba(tickets):
            best, second = np.argsort(-row, kind="stable")[:2]
            signals.append(
                hr.IntentSignal(
                    label=classes[best],
                    confidence=float(row[best]),
                    margin=float(row[best] - row[second]),
                )
            )
        return signals


# -- one bug each -----------------------------------------------------------------------


class Nameless(Shouting):
    name = ""


class DropsLastTicket(Shouting):
    def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.Signal]:
        return super().score(tickets)[:-1]


class SortsByText(Shouting):
    def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.Signal]:
        return super().score(sorted(tickets, key=lambda t: t.text))


class OverConfident(Shouting):
    def signal(self, text: str) -> hr.Signal:
        value = super().signal(text).value
        return hr.ScoreSignal.model_construct(value=value + 1.5)  # skips validation


class UnnormalisedProba(WordOverlap):
    def predict_proba(self, X: Sequence[Any]) -> np.ndarray:
        counts = self.overlaps(X)
        return np.asarray(counts / counts.max(axis=1, keepdims=True))  # one-vs-rest style


class InventsLabels(WordOverlap):
    def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.Signal]:
        return [
            s.model_copy(update={"label": "something_else"}) if s.confidence < 0.5 else s
            for s in super().score(tickets)
        ]


class Nondeterministic(Shouting):
    def signal(self, text: str) -> hr.Signal:
        return hr.ScoreSignal(value=random.random())


class NormalisesOverBatch(Shouting):
    def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.Signal]:
        longest = max((len(t.text) for t in tickets), default=1)
        return [hr.ScoreSignal(value=len(t.text) / longest) for t in tickets]


class CrashesOnShortText(Shouting):
    def signal(self, text: str) -> hr.Signal:
        if len(text.strip()) < 2:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        return super().signal(text)


class CrashesOnLongText(Shouting):
    def signal(self, text: str) -> hr.Signal:
        if len(text) > 10_000:
            raise ValueError(f"input of {len(text)} characters exceeds the model's 512 tokens")
        return super().signal(text)


class AsciiOnly(Shouting):
    def signal(self, text: str) -> hr.Signal:
        return super().signal(text.encode("ascii").decode())


class CrashesOnEmoji(Shouting):
    def signal(self, text: str) -> hr.Signal:
        if any(ord(c) > 0xFFFF for c in text):
            raise UnicodeError("character outside the Basic Multilingual Plane")
        return super().signal(text)


_LATIN = re.compile(r"[A-Za-z]")


class OneScriptPerText(Shouting):
    def signal(self, text: str) -> hr.Signal:
        scripts = {unicodedata.name(c, "?").split()[0] for c in text if ord(c) > 0x24F}
        if _LATIN.search(text) and scripts & {"CYRILLIC", "CJK"}:
            raise ValueError("cannot detect the language of mixed-script text")
        return super().signal(text)


class HoldsLambda(Shouting):
    def __init__(self) -> None:
        self.normalise: Callable[[str], str] = lambda text: text.strip()

    def signal(self, text: str) -> hr.Signal:
        return super().signal(self.normalise(text))


class ScoresBeforeFit(WordOverlap):
    def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.Signal]:
        if self.words is None:  # silently abstains instead of saying "call fit() first"
            return [hr.IntentSignal(label=None, confidence=0.0, margin=0.0) for _ in tickets]
        return super().score(tickets)


class WrongErrorBeforeFit(WordOverlap):
    def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.Signal]:
        assert self.words is not None, "not fitted"
        return super().score(tickets)


class WritesToMetadata(Shouting):
    def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.Signal]:
        for ticket in tickets:
            ticket.metadata["scored_by"] = self.name  # a frozen model's dict is still mutable
        return super().score(tickets)


class ReversesInPlace(Shouting):
    def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.Signal]:
        signals = super().score(tickets)
        tickets.reverse()  # type: ignore[attr-defined]
        return signals


class SharesStateBetweenCalls(Shouting):
    def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.Signal]:
        self.pending = list(tickets)  # another thread may overwrite this...
        time.sleep(0.002)
        return [self.signal(t.text) for t in self.pending]  # ...before it is read


BROKEN: list[tuple[Classifier, str, str]] = [
    (Nameless(), "check_has_name_and_score", "has name ''"),
    (DropsLastTicket(), "check_one_signal_per_ticket", "returned 13 signals for 14 tickets"),
    (SortsByText(), "check_signals_in_ticket_order", "different signals when the batch was"),
    (OverConfident(), "check_confidences_in_range", "ScoreSignal with value=1.5"),
    (UnnormalisedProba(), "check_probabilities_sum_to_one", "not probability distributions"),
    (InventsLabels(), "check_labels_among_classes", "['something_else'], which are not in"),
    (Nondeterministic(), "check_deterministic", "different signals for the same tickets"),
    (NormalisesOverBatch(), "check_batch_matches_single", "different signal in a batch than"),
    (CrashesOnShortText(), "check_whitespace_padded_text", "whitespace-padded ticket '   a   '"),
    (CrashesOnLongText(), "check_very_long_text", "exceeds the model's 512 tokens"),
    (AsciiOnly(), "check_non_ascii_text", "raised UnicodeEncodeError"),
    (CrashesOnEmoji(), "check_emoji_text", "raised UnicodeError when scoring emoji ticket"),
    (OneScriptPerText(), "check_mixed_language_text", "cannot detect the language of mixed"),
    (HoldsLambda(), "check_pickle_round_trip", "cannot be saved and loaded with pickle"),
    (ScoresBeforeFit(), "check_unfitted_raises_not_fitted", "answered score(tickets) before"),
    (WrongErrorBeforeFit(), "check_unfitted_raises_not_fitted", "raised AssertionError from"),
    (WritesToMetadata(), "check_does_not_mutate_input", "ticket 'check-1' was modified"),
    (ReversesInPlace(), "check_does_not_mutate_input", "the list was reordered"),
    (SharesStateBetweenCalls(), "check_thread_safe", "from 4 threads at once"),
]


@pytest.mark.parametrize("reference", [Shouting(), WordOverlap()], ids=type)
def test_reference_classifiers_pass_every_check(reference: Classifier) -> None:
    results = check_classifier(reference)
    assert all(r == "passed" or r.startswith("skipped") for r in results.values())


@pytest.mark.parametrize(
    ("broken", "check", "message"),
    BROKEN,
    ids=[f"{type(b).__name__}-{c}" for b, c, _ in BROKEN],
)
def test_broken_classifier_fails_its_check(broken: Classifier, check: str, message: str) -> None:
    with pytest.raises(ContractViolation) as caught:
        check_classifier(broken, checks=[check])
    text = str(caught.value)
    assert f"failed 1 of 1 classifier contract checks:\n\n{check}: " in text
    assert message in text
    assert "The classifier contract requires: " in text
    assert "How to fix it: " in text


def test_every_check_has_a_broken_classifier_it_catches() -> None:
    caught = {check for _, check, _ in BROKEN}
    assert caught == {c.__name__ for c in CLASSIFIER_CHECKS}


def test_a_message_says_what_the_contract_requires_and_how_to_fix_it() -> None:
    with pytest.raises(ContractViolation) as caught:
        check_classifier(CrashesOnEmoji(), checks=["check_emoji_text"])
    assert str(caught.value) == (
        "CrashesOnEmoji('shouting') failed 1 of 1 classifier contract checks:\n\n"
        "check_emoji_text: CrashesOnEmoji('shouting') raised UnicodeError when scoring emoji "
        'ticket "my card 💳 still hasn\'t arrived 😡😡😡 🙏": character outside the Basic '
        "Multilingual Plane\n"
        "The classifier contract requires: score(tickets) returns a signal for every valid "
        "ticket; it never raises on unusual but valid input.\n"
        "How to fix it: handle any text a Ticket accepts (1 to 50,000 characters of any "
        "Unicode): normalise or ignore what your model does not know, and return a neutral "
        "signal (for example an abstaining IntentSignal(label=None, ...)) rather than raise."
    )


def test_check_classifier_reports_every_failed_check_at_once() -> None:
    with pytest.raises(ContractViolation) as caught:
        check_classifier(Nondeterministic())
    text = str(caught.value)
    assert text.startswith("Nondeterministic('shouting') failed 5 of 17 classifier contract")
    for check in (
        "check_signals_in_ticket_order",
        "check_deterministic",
        "check_batch_matches_single",
        "check_pickle_round_trip",
        "check_thread_safe",
    ):
        assert f"\n\n{check}: " in text


class HonestlyRandom(Nondeterministic):
    deterministic = False


class HonestlyThreadUnsafe(SharesStateBetweenCalls):
    thread_safe = False


def test_declared_tags_skip_the_checks_that_do_not_apply() -> None:
    results = check_classifier(HonestlyRandom())
    assert results["check_deterministic"] == (
        "skipped: HonestlyRandom('shouting') declares deterministic = False"
    )
    assert results["check_emoji_text"] == "passed"
    results = check_classifier(HonestlyThreadUnsafe(), checks=["check_thread_safe"])
    assert results == {
        "check_thread_safe": (
            "skipped: HonestlyThreadUnsafe('shouting') declares thread_safe = False"
        )
    }


def test_a_tag_must_be_a_bool() -> None:
    class Vague(Shouting):
        thread_safe = "yes"

    with pytest.raises(hr.UsageError, match=r"thread_safe is 'yes'; declare it as True or False"):
        check_classifier(Vague())


class FitReturnsNone(WordOverlap):
    def fit(self, X: Iterable[Any], y: Iterable[Any]) -> Any:
        super().fit(X, y)
        return None


class NeedsNumericLabels(WordOverlap):
    def fit(self, X: Iterable[Any], y: Iterable[Any]) -> WordOverlap:
        return super().fit(X, [int(label) for label in y])


def test_fit_must_return_self() -> None:
    with pytest.raises(
        ContractViolation, match=r"returned NoneType from fit\(\) instead of itself"
    ):
        check_classifier(FitReturnsNone(), checks=["check_deterministic"])


def test_unsuitable_default_fit_data_says_to_pass_fit_data() -> None:
    with pytest.raises(ContractViolation) as caught:
        check_classifier(NeedsNumericLabels(), checks=["check_emoji_text", "check_deterministic"])
    text = str(caught.value)
    assert text.count("could not be fitted on default_fit_data(): ValueError") == 2
    assert "pass fit_data=(texts, labels) that suit this classifier" in text
    # With suitable data it passes.
    results = check_classifier(
        NeedsNumericLabels(), fit_data=(["card late", "refund please"], ["1", "2"])
    )
    assert results["check_deterministic"] == "passed"


def test_unknown_check_name_is_a_usage_error() -> None:
    with pytest.raises(hr.UsageError, match="no classifier check named 'check_spelling'"):
        check_classifier(Shouting(), checks=["check_spelling"])


def test_parametrized_checks_fail_or_skip_like_tests() -> None:
    marker = parametrize_with_checks([CrashesOnEmoji(), HonestlyRandom()])
    params = {p.id: p.values for p in marker.args[1]}
    clf, check = params["CrashesOnEmoji(shouting)-check_emoji_text"]
    with pytest.raises(ContractViolation, match="raised UnicodeError"):
        check(clf)
    clf, check = params["HonestlyRandom(shouting)-check_deterministic"]
    with pytest.raises(pytest.skip.Exception, match="declares deterministic = False"):
        check(clf)
    clf, check = params["HonestlyRandom(shouting)-check_pickle_round_trip"]
    check(clf)
