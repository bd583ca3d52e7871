"""Intent classifiers on scikit-learn: accuracy on real data and the signal contract."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest
import sklearn.exceptions
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC

import hybridroute as hr
from hybridroute.classifiers.base import TrainableClassifier
from hybridroute.classifiers.intent import IntentClassifier
from hybridroute.classifiers.sklearn_intent import SklearnIntentClassifier
from hybridroute.datasets import Dataset, load_banking77

Trained = tuple[IntentClassifier, Dataset]


def _tickets(*texts: str) -> list[hr.Ticket]:
    return [hr.Ticket(id=f"T-{i}", body=text) for i, text in enumerate(texts)]


class FixedProba:
    """A duck-typed fitted estimator that returns a given probability matrix."""

    def __init__(self, proba: list[list[float]], classes: Sequence[Any]) -> None:
        self.proba = np.asarray(proba, dtype=np.float64)
        self.classes_ = np.asarray(classes)

    def fit(self, X: Any, y: Any) -> FixedProba:
        return self

    def predict_proba(self, X: Sequence[str]) -> np.ndarray:
        return self.proba[: len(X)]


# --- The default classifier on BANKING77 ----------------------------------------------


def test_intent_classifier_reaches_90_percent_on_banking77(banking77_intent: Trained) -> None:
    clf, test = banking77_intent
    signals = clf.score(test.tickets)
    accuracy = float(np.mean([s.label == y for s, y in zip(signals, test.labels, strict=True)]))
    print(f"BANKING77 test accuracy: {accuracy:.4f} on {len(test)} tickets")
    assert accuracy >= 0.90


def test_classifier_satisfies_the_trainable_protocol(banking77_intent: Trained) -> None:
    clf, _ = banking77_intent
    assert isinstance(clf, TrainableClassifier)
    assert clf.name == "intent"
    assert clf.is_fitted


def test_signals_agree_with_the_probability_matrix(banking77_intent: Trained) -> None:
    clf, test = banking77_intent
    tickets = test.tickets[:300]
    proba = clf.predict_proba(tickets)
    classes = clf.classes_
    assert len(classes) == 77 and all(isinstance(c, str) for c in classes)
    for signal, row in zip(clf.score(tickets), proba, strict=True):
        ranked = np.sort(row)[::-1]
        assert signal.label in classes
        assert signal.label == classes[int(np.argmax(row))]
        assert signal.confidence == pytest.approx(ranked[0])
        assert signal.margin == pytest.approx(ranked[0] - ranked[1])
        assert len(signal.alternatives) == clf.top_k
        assert signal.alternatives[0].label == signal.label
        probs = [alt.probability for alt in signal.alternatives]
        assert probs == sorted(probs, reverse=True)
        assert probs == pytest.approx(ranked[: clf.top_k].tolist())


def test_predict_proba_rows_are_distributions(banking77_intent: Trained) -> None:
    clf, test = banking77_intent
    proba = clf.predict_proba(test.texts[:500])
    assert proba.shape == (500, len(clf.classes_))
    assert proba.dtype == np.float64
    assert np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-9)


def test_batch_gives_one_signal_per_ticket_in_order(banking77_intent: Trained) -> None:
    clf, test = banking77_intent
    tickets = test.tickets[:200]
    forward = clf.score(tickets)
    backward = clf.score(tickets[::-1])
    assert len(forward) == len(tickets)
    assert backward == forward[::-1]
    assert clf.score([]) == []


def test_batch_and_single_ticket_scoring_agree(banking77_intent: Trained) -> None:
    clf, test = banking77_intent
    tickets = test.tickets[:20]
    batch = clf.score(tickets)
    for ticket, in_batch in zip(tickets, batch, strict=True):
        (alone,) = clf.score([ticket])
        assert alone.label == in_batch.label
        assert alone.confidence == pytest.approx(in_batch.confidence, abs=1e-9)
        assert [a.label for a in alone.alternatives] == [a.label for a in in_batch.alternatives]


def test_top_k_sets_the_number_of_alternatives(banking77_intent: Trained) -> None:
    clf, _ = banking77_intent
    narrow = SklearnIntentClassifier(clf.estimator, top_k=3)
    wide = SklearnIntentClassifier(clf.estimator, top_k=500)
    tickets = _tickets("my card has not arrived yet")
    assert len(narrow.score(tickets)[0].alternatives) == 3
    assert len(wide.score(tickets)[0].alternatives) == len(clf.classes_)


# --- Training and fitted state ----------------------------------------------------------


def test_scoring_before_fit_raises_our_not_fitted_error() -> None:
    clf = IntentClassifier()
    assert not clf.is_fitted
    for call in (lambda: clf.score(_tickets("hello")), lambda: clf.predict_proba(["hello"])):
        with pytest.raises(hr.NotFittedError, match=r"call fit\(texts, labels\) first") as info:
            call()
        assert not isinstance(info.value, sklearn.exceptions.NotFittedError)
        assert isinstance(info.value.__cause__, sklearn.exceptions.NotFittedError)
    with pytest.raises(hr.NotFittedError):
        _ = clf.classes_


def test_duck_typed_estimator_without_classes_is_not_fitted() -> None:
    unfitted = FixedProba([[1.0]], ["a"])
    del unfitted.classes_
    clf = SklearnIntentClassifier(unfitted)
    assert not clf.is_fitted
    with pytest.raises(hr.NotFittedError, match="call fit"):
        clf.score(_tickets("hello"))


def test_two_fits_on_the_same_data_give_identical_models() -> None:
    texts, labels = load_banking77("train", return_X_y=True)
    # The training file is sorted by intent: every 25th row covers all 77 intents.
    first = IntentClassifier().fit(texts[::25], labels[::25])
    second = IntentClassifier().fit(texts[::25], labels[::25])
    probe = load_banking77("test", return_X_y=True)[0][::10]
    np.testing.assert_array_equal(first.predict_proba(probe), second.predict_proba(probe))


def test_fit_accepts_tickets_and_turns_labels_into_strings() -> None:
    clf = IntentClassifier().fit(
        _tickets("where is my card", "card has not come", "refund me", "money back please"),
        [1, 1, 2, 2],
    )
    assert clf.classes_ == ("1", "2")
    assert clf.score(_tickets("my card did not come"))[0].label == "1"


def test_fit_rejects_mismatched_or_single_intent_data() -> None:
    with pytest.raises(hr.UsageError, match="one label per text"):
        IntentClassifier().fit(["a", "b"], ["x"])
    with pytest.raises(hr.UsageError, match="at least two intents"):
        IntentClassifier().fit(["a", "b"], ["x", "x"])


@pytest.mark.parametrize(
    "kwargs", [{"top_k": 0}, {"C": 0.0}, {"C": -1.0}, {"max_iter": 0}, {"name": ""}]
)
def test_invalid_configuration_is_a_usage_error(kwargs: dict[str, Any]) -> None:
    with pytest.raises(hr.UsageError):
        IntentClassifier(**kwargs)


# --- Wrapping any scikit-learn estimator ------------------------------------------------


def test_estimator_without_predict_proba_is_refused_with_a_fix() -> None:
    with pytest.raises(hr.UsageError, match="CalibratedClassifierCV"):
        SklearnIntentClassifier(make_pipeline(TfidfVectorizer(), LinearSVC()))


def test_wrapping_a_prefitted_pipeline_needs_no_fit() -> None:
    texts, labels = load_banking77("train", return_X_y=True)
    pipeline = make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=500))
    pipeline.fit(texts[::15], labels[::15])
    clf = SklearnIntentClassifier(pipeline, name="banking", top_k=2)
    assert clf.is_fitted
    assert clf.classes_ == tuple(pipeline.classes_)
    signals = clf.score(_tickets("I lost my card", "what is the exchange rate"))
    expected = pipeline.predict(["I lost my card", "what is the exchange rate"])
    assert [s.label for s in signals] == expected.tolist()
    assert all(len(s.alternatives) == 2 for s in signals)


def test_fit_trains_the_given_estimator_in_place() -> None:
    pipeline = make_pipeline(TfidfVectorizer(), LogisticRegression())
    clf = SklearnIntentClassifier(pipeline)
    assert clf.fit(["card late", "card lost", "refund", "money back"], list("aabb")) is clf
    assert clf.estimator is pipeline and hasattr(pipeline, "classes_")


def test_nan_probabilities_raise_classifier_error_naming_the_tickets() -> None:
    broken = FixedProba([[0.5, 0.5], [np.nan, 0.5], [0.2, 0.8]], ["a", "b"])
    clf = SklearnIntentClassifier(broken)
    with pytest.raises(hr.ClassifierError, match="'T-1'") as info:
        clf.score(_tickets("one", "two", "three"))
    assert "'T-0'" not in str(info.value) and "'T-2'" not in str(info.value)


def test_out_of_range_probabilities_are_clipped_and_renormalised() -> None:
    sloppy = FixedProba([[1.2, -0.1, 0.3], [0.2, 0.2, 0.2]], [3, 1, 2])
    clf = SklearnIntentClassifier(sloppy)
    proba = clf.predict_proba(["x", "y"])
    np.testing.assert_allclose(proba, [[1 / 1.3, 0.0, 0.3 / 1.3], [1 / 3, 1 / 3, 1 / 3]])
    signals = clf.score(_tickets("x", "y"))
    assert signals[0].label == "3" and signals[0].confidence == pytest.approx(1 / 1.3)
    # Ties break by class order, so the same input always gives the same label.
    assert signals[1].label == "3" and signals[1].margin == 0.0


def test_an_estimator_that_raises_becomes_a_classifier_error() -> None:
    class Crashing(FixedProba):
        def predict_proba(self, X: Sequence[str]) -> np.ndarray:
            raise RuntimeError("model server gone")

    clf = SklearnIntentClassifier(Crashing([[1.0]], ["a"]))
    with pytest.raises(hr.ClassifierError, match="model server gone") as info:
        clf.score(_tickets("hello"))
    assert isinstance(info.value.__cause__, RuntimeError)


def test_svm_model_gives_distributions_and_learns_banking77() -> None:
    texts, labels = load_banking77("train", return_X_y=True)
    clf = IntentClassifier(model="svm").fit(texts[::8], labels[::8])
    assert clf.C == 1.0 and "model='svm'" in repr(clf)
    test_x, test_y = load_banking77("test", return_X_y=True)
    proba = clf.predict_proba(test_x[::10])
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-6)
    predicted = np.asarray(clf.classes_)[proba.argmax(axis=1)]
    assert np.mean(predicted == np.asarray(test_y[::10])) > 0.75


def test_unknown_model_is_a_usage_error() -> None:
    with pytest.raises(hr.UsageError, match="'logistic' or 'svm'"):
        IntentClassifier(model="forest")  # type: ignore[arg-type]
