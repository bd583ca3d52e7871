"""Classifiers score tickets; each produces one typed signal per ticket.

The contract is duck-typed (:mod:`hybridroute.classifiers.base`): any object with a
``name`` and a ``score(tickets)`` method is a classifier.
"""

from hybridroute.classifiers.base import (
    Classifier,
    ContextualClassifier,
    TrainableClassifier,
    as_texts,
    as_tickets,
)
from hybridroute.classifiers.complexity import ComplexityScorer, complexity_features
from hybridroute.classifiers.human_request import HumanRequestDetector
from hybridroute.classifiers.intent import IntentClassifier
from hybridroute.classifiers.risk import RiskTopic, RiskTopicDetector
from hybridroute.classifiers.sentiment import SentimentScorer
from hybridroute.classifiers.sklearn_intent import SklearnIntentClassifier

__all__ = [
    "Classifier",
    "ComplexityScorer",
    "ContextualClassifier",
    "HumanRequestDetector",
    "IntentClassifier",
    "RiskTopic",
    "RiskTopicDetector",
    "SentimentScorer",
    "SklearnIntentClassifier",
    "TrainableClassifier",
    "as_texts",
    "as_tickets",
    "complexity_features",
]
