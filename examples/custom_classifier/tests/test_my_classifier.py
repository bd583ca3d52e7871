"""The shop's intent classifier meets hybridroute's classifier contract, check by check."""

from collections.abc import Callable

import pytest
from keyword_classifier import KeywordIntentClassifier
from shop_routing import TRAINING_EXAMPLES

import hybridroute as hr
from hybridroute.testing import check_classifier, parametrize_with_checks

TEXTS, LABELS = zip(*TRAINING_EXAMPLES, strict=True)


# One test per contract check, with readable ids such as
# "KeywordIntentClassifier(intent)-check_emoji_text". Pass the classifier unfitted:
# the kit fits its own copy on fit_data (by default, a sample of BANKING77).
@parametrize_with_checks([KeywordIntentClassifier()], fit_data=(TEXTS, LABELS))
def test_meets_the_classifier_contract(
    classifier: hr.Classifier, check: Callable[[hr.Classifier], None]
) -> None:
    check(classifier)


def test_also_meets_it_with_the_default_training_sample() -> None:
    results = check_classifier(KeywordIntentClassifier(alpha=0.5))
    assert set(results.values()) == {"passed"}


def test_learns_the_shop_intents() -> None:
    clf = KeywordIntentClassifier().fit(TEXTS, LABELS)
    signals = clf.score([hr.Ticket(id="1", body="Where is my parcel?")])
    assert signals[0].label == "where_is_my_order"
    assert signals[0].confidence > 0.8


def test_says_how_to_fix_use_before_fit() -> None:
    with pytest.raises(hr.NotFittedError, match="call fit"):
        KeywordIntentClassifier().score([hr.Ticket(id="1", body="hi")])
