"""Shared fixtures: trained classifiers are expensive, so each is trained once per session."""

from __future__ import annotations

import pytest

from hybridroute.classifiers.intent import IntentClassifier
from hybridroute.datasets import Dataset, load_banking77


@pytest.fixture(scope="session")
def banking77_intent() -> tuple[IntentClassifier, Dataset]:
    """The default IntentClassifier trained on BANKING77 train, and the test set.

    Training takes about 15 to 20 seconds, once per session. Do not refit or mutate
    the classifier in a test: other tests share it.
    """
    train = load_banking77("train")
    clf = IntentClassifier().fit(train.tickets, train.labels)
    return clf, load_banking77("test")
