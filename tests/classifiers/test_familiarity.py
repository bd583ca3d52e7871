"""FamiliarityWeightedIntentClassifier, with a small deterministic encoder (no torch)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
import pytest
from numpy.typing import NDArray

from hybridroute import ClassifierError, IntentClassifier, NotFittedError, Ticket, UsageError
from hybridroute.classifiers.familiarity import FamiliarityWeightedIntentClassifier
from hybridroute.testing import check_classifier


class WordHashEncoder:
    """Bag of words hashed into 64 dimensions: texts sharing words are similar."""

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Iterable[str]) -> NDArray[np.float32]:
        self.calls += 1
        texts = list(texts)
        out = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, int(hashlib.sha1(word.encode()).hexdigest(), 16) % 64] += 1.0
        return out


class BrokenEncoder:
    def encode(self, texts: Iterable[str]) -> NDArray[np.float32]:
        return np.zeros((1, 8), dtype=np.float32)


TEXTS = [
    "where is my card",
    "my card has not arrived",
    "card still not here",
    "how do i top up",
    "top up with apple pay",
    "add money to my account",
    "what is the weather on mars",
]
LABELS = ["card_arrival"] * 3 + ["top_up"] * 3 + ["oos"]


def _fitted(k: int = 1) -> FamiliarityWeightedIntentClassifier:
    return FamiliarityWeightedIntentClassifier(
        IntentClassifier(C=10.0), embedder=WordHashEncoder(), k=k
    ).fit(TEXTS, LABELS)


def test_a_training_text_is_fully_familiar_and_a_stranger_is_not() -> None:
    clf = _fitted(k=1)
    familiarity = clf.familiarity(["where is my card", "quantum chromodynamics lecture notes"])
    assert familiarity[0] == pytest.approx(1.0, abs=1e-5)
    assert familiarity[1] < 0.5


def test_out_of_scope_training_rows_are_not_references() -> None:
    clf = _fitted(k=1)
    # identical to the oos training row, but that row is no evidence of being in scope
    assert clf.familiarity(["what is the weather on mars"])[0] < 0.5


def test_probabilities_are_the_wrapped_ones_times_familiarity() -> None:
    clf = _fitted(k=2)
    queries = ["my card has not arrived", "top up please", "unrelated words entirely"]
    base = clf.classifier.predict_proba(queries)
    familiarity = clf.familiarity(queries)
    proba = clf.predict_proba(queries)
    oos = clf.classes_.index("oos")
    others = [i for i in range(len(clf.classes_)) if i != oos]
    # the wrapped model learned "oos" as a class: its column gets the unfamiliar mass too
    wrapped_oos = list(clf.classifier.classes_).index("oos")
    expected = (base * familiarity[:, None])[:, others]
    np.testing.assert_allclose(proba[:, others], expected, rtol=1e-6)
    np.testing.assert_allclose(
        proba[:, oos], base[:, wrapped_oos] * familiarity + 1 - familiarity, rtol=1e-6
    )
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    signals = clf.score([Ticket(id=f"T-{i}", body=q) for i, q in enumerate(queries)])
    assert signals[0].label == "card_arrival"
    assert signals[2].label == "oos"


def test_an_out_of_scope_class_is_added_when_training_had_none() -> None:
    clf = FamiliarityWeightedIntentClassifier(
        IntentClassifier(C=10.0), embedder=WordHashEncoder(), k=1
    ).fit(TEXTS[:-1], LABELS[:-1])
    assert clf.classes_ == ("card_arrival", "top_up", "oos")
    proba = clf.predict_proba(["my card has not arrived", "nothing like the others"])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    assert proba[1].argmax() == 2


def test_unfitted_and_invalid_use_fail_clearly() -> None:
    clf = FamiliarityWeightedIntentClassifier(IntentClassifier(), embedder=WordHashEncoder())
    with pytest.raises(NotFittedError, match="call fit"):
        clf.predict_proba(["hello"])
    with pytest.raises(UsageError, match="k must be a positive integer"):
        FamiliarityWeightedIntentClassifier(IntentClassifier(), embedder=WordHashEncoder(), k=0)
    with pytest.raises(UsageError, match="needs fit and predict_proba"):
        FamiliarityWeightedIntentClassifier(object(), embedder=WordHashEncoder())
    with pytest.raises(UsageError, match="only 3 training rows are in scope"):
        FamiliarityWeightedIntentClassifier(
            IntentClassifier(), embedder=WordHashEncoder(), k=5
        ).fit(TEXTS[:3] + TEXTS[-1:], LABELS[:3] + LABELS[-1:])


def test_an_encoder_returning_the_wrong_shape_is_a_classifier_error() -> None:
    clf = FamiliarityWeightedIntentClassifier(IntentClassifier(), embedder=BrokenEncoder())
    with pytest.raises(ClassifierError, match="one row per text"):
        clf.fit(TEXTS, LABELS)


def test_passes_the_classifier_contract_checks() -> None:
    clf = FamiliarityWeightedIntentClassifier(IntentClassifier(C=10.0), embedder=WordHashEncoder())
    report = check_classifier(clf)
    assert all(v == "passed" or v.startswith("skipped") for v in report.values())
    assert sum(v == "passed" for v in report.values()) >= 10
