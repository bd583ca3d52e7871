"""A small custom intent classifier: naive Bayes over words, in plain Python.

It follows hybridroute's classifier contract without subclassing anything: a
``name``, a ``score(tickets)`` returning one IntentSignal per ticket, and, because
it is trainable, ``fit``, ``classes_``, ``predict_proba`` and a NotFittedError
before ``fit``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

import hybridroute as hr

_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _texts(items: Iterable[Any]) -> list[str]:
    return [item.text if isinstance(item, hr.Ticket) else str(item) for item in items]


class KeywordIntentClassifier:
    """Multinomial naive Bayes over lower-cased words, with add-``alpha`` smoothing.

    Parameters
    ----------
    name : str
        The signal name policies read.
    alpha : float
        Smoothing added to every word count.
    """

    def __init__(self, *, name: str = "intent", alpha: float = 1.0) -> None:
        self.name = name
        self.alpha = alpha

    def fit(self, X: Iterable[Any], y: Iterable[Any]) -> KeywordIntentClassifier:
        """Count the words of each intent's examples; return self."""
        texts, labels = _texts(X), [str(label) for label in y]
        self.classes_ = tuple(sorted(set(labels)))
        counts = {c: Counter[str]() for c in self.classes_}
        for text, label in zip(texts, labels, strict=True):
            counts[label].update(_words(text))
        self.vocabulary_ = frozenset(w for c in counts.values() for w in c)
        size = len(self.vocabulary_)
        self.log_prior_ = {c: math.log(labels.count(c) / len(labels)) for c in self.classes_}
        self.log_likelihood_ = {
            c: {
                w: math.log((counts[c][w] + self.alpha) / (counts[c].total() + self.alpha * size))
                for w in self.vocabulary_
            }
            for c in self.classes_
        }
        return self

    def predict_proba(self, X: Sequence[Any]) -> list[list[float]]:
        """Probability of each intent (columns in the order of ``classes_``) for each text."""
        if not hasattr(self, "classes_"):
            raise hr.NotFittedError(
                f"KeywordIntentClassifier {self.name!r} is not fitted; call fit(texts, labels)"
            )
        rows = []
        for text in _texts(X):
            known = [w for w in _words(text) if w in self.vocabulary_]
            logs = [
                self.log_prior_[c] + sum(self.log_likelihood_[c][w] for w in known)
                for c in self.classes_
            ]
            top = max(logs)
            weights = [math.exp(v - top) for v in logs]  # a stable softmax
            rows.append([w / sum(weights) for w in weights])
        return rows

    def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.IntentSignal]:
        """One intent signal per ticket: the best intent, its probability and margin."""
        signals = []
        for row in self.predict_proba(tickets):
            ranked = sorted(zip(self.classes_, row, strict=True), key=lambda pair: -pair[1])
            (label, best), (_, second) = ranked[0], ranked[1]
            signals.append(
                hr.IntentSignal(
                    label=label,
                    confidence=min(1.0, best),
                    margin=max(0.0, min(1.0, best - second)),
                    alternatives=tuple(
                        hr.LabelScore(label=lb, probability=min(1.0, p)) for lb, p in ranked[:3]
                    ),
                )
            )
        return signals
