"""Scale an intent classifier's confidence by how familiar each ticket looks.

A softmax classifier spreads probability only over the intents it knows, so a
question about something else entirely can still get a confident answer. The
*familiarity* of a ticket is the mean cosine similarity between its sentence
embedding and its ``k`` nearest in-scope training texts (clipped to [0, 1]); a
ticket unlike anything seen in training has low familiarity. Multiplying the
intent probabilities by it pushes out-of-scope tickets down the confidence
ranking, so a certified threshold hands them to a human.

Measured (``docs/benchmarks.md``), around the TF-IDF + MiniLM ensemble: on CLINC150
(12.8% out of scope, 100 re-splits) the error certificate alone then hands 97.7%
of out-of-scope tickets to a human instead of 95.7%, and with the joint
certificate of at least 97% (``calibrate(..., min_oos_to_human=0.97)``) certified
automation rises from 63.7% to 70.9%. On BANKING77, which has no out-of-scope
traffic, it costs 3.8 points of certified automation (81.8% against 85.6%): use
it where out-of-scope tickets arrive. ``k`` was chosen on CLINC150 val
(``benchmarks/familiarity_k.py``: 1, 5, 10 and 20 within two points of each other,
all about 17 points above no familiarity; 5 is in the middle).

Part of the ``embeddings`` extra when used with :class:`SentenceEmbedder`, but any
object with ``encode(texts) -> array`` works as the embedder.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from numbers import Integral
from typing import Any, Protocol

import numpy as np
from numpy.typing import NDArray

from hybridroute.classifiers._signals import intent_signals
from hybridroute.classifiers.base import TextsOrTickets, as_texts
from hybridroute.datasets import OUT_OF_SCOPE
from hybridroute.exceptions import ClassifierError, NotFittedError, UsageError
from hybridroute.models import IntentSignal, Ticket

__all__ = ["FamiliarityWeightedIntentClassifier", "TextEncoder"]

_CHUNK = 1024
"""Tickets compared with the training texts at once (bounds the similarity matrix)."""


class TextEncoder(Protocol):
    """Turns texts into vectors (a :class:`SentenceEmbedder` qualifies)."""

    def encode(self, texts: Iterable[str]) -> NDArray[np.float32]:
        """One row per text."""
        ...


class FamiliarityWeightedIntentClassifier:
    """An intent classifier whose probabilities shrink for unfamiliar tickets.

    ``predict_proba`` returns the wrapped classifier's probabilities times each
    ticket's familiarity (see the module docstring), so a row sums to the
    familiarity; the rest, ``1 - familiarity``, goes to the out-of-scope class
    (added to ``classes_`` if the training data had none), so each row is still a
    distribution. The signal's ``confidence`` and ``margin`` shrink with the
    familiarity, which is what a certified threshold acts on, and a ticket
    unlike every training text is predicted out of scope outright.

    Parameters
    ----------
    classifier : intent classifier
        Anything with ``fit``, ``predict_proba`` and ``classes_`` (every built-in
        intent classifier, and the ensemble).
    embedder : TextEncoder, optional
        Encodes texts for the nearest-neighbour search. Default: the packaged
        MiniLM :class:`SentenceEmbedder` (the ``embeddings`` extra). Share the
        embedder of an :class:`EmbeddingIntentClassifier` to encode each text once.
    k : int
        Number of nearest training texts averaged.
    out_of_scope : str
        Label of out-of-scope training rows: they are not reference texts (being
        close to one is no sign of being in scope).
    name : str
        Name of the signal this classifier produces.
    top_k : int
        How many of the most probable intents each signal lists in ``alternatives``.

    Examples
    --------
    >>> from hybridroute.classifiers.embedding import EnsembleIntentClassifier  # doctest: +SKIP
    >>> clf = FamiliarityWeightedIntentClassifier(EnsembleIntentClassifier())  # doctest: +SKIP
    >>> clf.fit(texts, labels).familiarity(["what's the weather on mars"])  # doctest: +SKIP
    array([0.31], dtype=float32)
    """

    classifier: Any
    embedder: TextEncoder
    k: int
    out_of_scope: str
    name: str
    top_k: int

    def __init__(
        self,
        classifier: Any,
        *,
        embedder: TextEncoder | None = None,
        k: int = 5,
        out_of_scope: str = OUT_OF_SCOPE,
        name: str = "intent",
        top_k: int = 5,
    ) -> None:
        if not all(callable(getattr(classifier, m, None)) for m in ("fit", "predict_proba")):
            raise UsageError(
                f"{type(classifier).__name__} needs fit and predict_proba (and classes_) to be "
                "weighted by familiarity; any SklearnIntentClassifier has them"
            )
        if isinstance(k, bool) or not isinstance(k, Integral) or k < 1:
            raise UsageError(f"k must be a positive integer; got {k!r}")
        if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
            raise UsageError(f"top_k must be a positive integer; got {top_k!r}")
        if not isinstance(name, str) or not name:
            raise UsageError(f"name must be a non-empty string; got {name!r}")
        if embedder is None:
            from hybridroute.classifiers.embedding import SentenceEmbedder

            embedder = SentenceEmbedder()
        if not callable(getattr(embedder, "encode", None)):
            raise UsageError(f"embedder {type(embedder).__name__} needs an encode(texts) method")
        self.classifier = classifier
        self.embedder = embedder
        self.k = int(k)
        self.out_of_scope = out_of_scope
        self.name = name
        self.top_k = top_k
        self._reference: NDArray[np.float32] | None = None

    def __repr__(self) -> str:
        return (
            f"FamiliarityWeightedIntentClassifier({self.classifier!r}, k={self.k}, "
            f"name={self.name!r}, top_k={self.top_k})"
        )

    @property
    def is_fitted(self) -> bool:
        """Whether :meth:`fit` has run (and the wrapped classifier is fitted)."""
        return self._reference is not None and bool(getattr(self.classifier, "is_fitted", True))

    def _require_fitted(self) -> NDArray[np.float32]:
        if self._reference is None or not self.is_fitted:
            raise NotFittedError(
                f"FamiliarityWeightedIntentClassifier {self.name!r} is not fitted: call "
                "fit(texts, labels) first"
            )
        return self._reference

    @property
    def classes_(self) -> tuple[str, ...]:
        """The wrapped classifier's intents, then the out-of-scope class if it lacks one."""
        self._require_fitted()
        classes = tuple(str(c) for c in self.classifier.classes_)
        return classes if self.out_of_scope in classes else (*classes, self.out_of_scope)

    def _unit_vectors(self, texts: Sequence[str]) -> NDArray[np.float32]:
        vectors = np.asarray(self.embedder.encode(list(texts)), dtype=np.float32)
        if vectors.ndim != 2 or vectors.shape[0] != len(texts):
            raise ClassifierError(
                f"embedder {type(self.embedder).__name__}.encode returned shape "
                f"{vectors.shape} for {len(texts)} texts; expected one row per text"
            )
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        unit: NDArray[np.float32] = vectors / np.maximum(norms, 1e-12)
        return unit

    def fit(self, X: TextsOrTickets, y: Iterable[Any]) -> FamiliarityWeightedIntentClassifier:
        """Fit the wrapped classifier and keep the in-scope training texts' embeddings.

        Raises
        ------
        UsageError
            If fewer than ``k`` training rows are in scope.
        """
        texts = as_texts(X)
        labels = [str(label) for label in y]
        if len(labels) != len(texts):
            raise UsageError(f"got {len(texts)} texts but {len(labels)} labels")
        in_scope = [t for t, label in zip(texts, labels, strict=True) if label != self.out_of_scope]
        if len(in_scope) < self.k:
            raise UsageError(
                f"familiarity compares tickets with their {self.k} nearest in-scope training "
                f"texts, but only {len(in_scope)} training rows are in scope; lower k or add data"
            )
        self.classifier.fit(texts, labels)
        self._reference = self._unit_vectors(in_scope)
        return self

    def familiarity(self, X: Sequence[str] | Sequence[Ticket]) -> NDArray[np.float32]:
        """Mean cosine similarity to the ``k`` nearest in-scope training texts, in [0, 1]."""
        reference = self._require_fitted()
        texts = as_texts(X)
        out = np.zeros(len(texts), dtype=np.float32)
        if not texts:
            return out
        queries = self._unit_vectors(texts)
        k = min(self.k, reference.shape[0])
        for start in range(0, len(texts), _CHUNK):
            sims = queries[start : start + _CHUNK] @ reference.T
            nearest = np.partition(sims, sims.shape[1] - k, axis=1)[:, -k:]
            out[start : start + _CHUNK] = nearest.mean(axis=1)
        clipped: NDArray[np.float32] = np.clip(out, 0.0, 1.0)
        return clipped

    def predict_proba(self, X: Sequence[str] | Sequence[Ticket]) -> NDArray[np.float64]:
        """The wrapped probabilities times familiarity; the rest to the out-of-scope class.

        Columns in the order of :attr:`classes_`.
        """
        classes = self.classes_
        texts = as_texts(X)
        proba = np.asarray(self.classifier.predict_proba(texts), dtype=np.float64)
        known = len(classes) - (self.out_of_scope not in self.classifier.classes_)
        if proba.shape != (len(texts), known):
            raise ClassifierError(
                f"{type(self.classifier).__name__}.predict_proba returned shape {proba.shape} "
                f"for {len(texts)} texts and {known} classes"
            )
        familiarity = self.familiarity(texts).astype(np.float64)
        weighted = np.zeros((len(texts), len(classes)), dtype=np.float64)
        weighted[:, :known] = proba * familiarity[:, None]
        weighted[:, classes.index(self.out_of_scope)] += 1.0 - familiarity
        return weighted

    def score(self, tickets: Sequence[Ticket]) -> list[IntentSignal]:
        """One intent signal per ticket, from the familiarity-weighted probabilities."""
        return intent_signals(self.predict_proba(tickets), self.classes_, self.top_k)
