"""Every built-in classifier passes every check of the classifier contract."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

import hybridroute as hr
from hybridroute.classifiers.base import Classifier
from hybridroute.testing import check_classifier, parametrize_with_checks
from hybridroute.testing.checks import CLASSIFIER_CHECKS

BUILT_INS: list[Classifier] = [
    hr.IntentClassifier(),
    hr.SklearnIntentClassifier(make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=500))),
    hr.SentimentScorer(),
    hr.ComplexityScorer(),
    hr.HumanRequestDetector(),
    hr.RiskTopicDetector(),
]


@parametrize_with_checks(BUILT_INS)
def test_built_in_classifier_meets_the_contract(
    classifier: Classifier, check: Callable[[Classifier], None]
) -> None:
    check(classifier)


def test_every_built_in_is_covered_by_every_check() -> None:
    # One test per (classifier, check): a new check or classifier is never silently left out.
    marker = test_built_in_classifier_meets_the_contract.pytestmark[0]  # type: ignore[attr-defined]
    ids = [param.id for param in marker.args[1]]
    assert len(ids) == len(BUILT_INS) * len(CLASSIFIER_CHECKS) == len(set(ids))
    assert "IntentClassifier(intent)-check_emoji_text" in ids


def test_checks_leave_the_callers_classifier_untouched() -> None:
    clf = hr.SklearnIntentClassifier(make_pipeline(TfidfVectorizer(), LogisticRegression()))
    results = check_classifier(
        clf, checks=["check_deterministic", "check_unfitted_raises_not_fitted"]
    )
    assert results == {
        "check_deterministic": "passed",
        "check_unfitted_raises_not_fitted": "passed",
    }
    assert not clf.is_fitted  # the kit fitted its own copy


def test_check_classifier_reports_skipped_checks_with_their_reason() -> None:
    results = check_classifier(hr.ComplexityScorer())
    assert results["check_unfitted_raises_not_fitted"].startswith("skipped:")
    assert "requires_fit = False" in results["check_unfitted_raises_not_fitted"]
    assert results["check_probabilities_sum_to_one"] == (
        "skipped: ComplexityScorer('complexity') has no predict_proba"
    )
    assert sum(v == "passed" for v in results.values()) == len(CLASSIFIER_CHECKS) - 3


def test_svm_intent_model_meets_the_contract_given_two_examples_per_intent() -> None:
    from hybridroute.datasets import load_banking77

    texts, labels = load_banking77("train", return_X_y=True)
    # the training file is sorted by intent: every 10th row gives at least 2 per intent
    data = (texts[::10], labels[::10])
    results = check_classifier(hr.IntentClassifier(model="svm"), fit_data=data)
    assert all(v == "passed" or v.startswith("skipped") for v in results.values())
    with pytest.raises(hr.UsageError, match="at least 2 training examples"):
        hr.IntentClassifier(model="svm").fit(["a", "b", "c"], ["x", "x", "y"])
