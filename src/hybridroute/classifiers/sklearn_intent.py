"""Any scikit-learn text classifier as a hybridroute intent classifier.

:class:`SklearnIntentClassifier` adapts an estimator (or a Pipeline) that takes raw
texts and has ``predict_proba`` to the classifier contract of
:mod:`hybridroute.classifiers.base`: one :class:`~hybridroute.models.IntentSignal`
per ticket, computed from a single vectorised ``predict_proba`` call per batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

import numpy as np
from numpy.typing import NDArray

from hybridroute.classifiers._signals import intent_signals
from hybridroute.classifiers.base import TextsOrTickets, as_texts
from hybridroute.exceptions import ClassifierError, NotFittedError, UsageError
from hybridroute.models import IntentSignal, Ticket

__all__ = ["SklearnIntentClassifier"]

_MAX_IDS_SHOWN = 10
_Self = TypeVar("_Self", bound="SklearnIntentClassifier")


def _ids_of(items: Sequence[Any]) -> list[str]:
    """Ticket ids, or ``text-<i>`` for raw texts (the ids ``as_tickets`` would give)."""
    return [item.id if isinstance(item, Ticket) else f"text-{i}" for i, item in enumerate(items)]


def _shown(ids: Sequence[str]) -> str:
    head = ", ".join(repr(i) for i in ids[:_MAX_IDS_SHOWN])
    more = len(ids) - _MAX_IDS_SHOWN
    return head + (f" and {more} more" if more > 0 else "")


class SklearnIntentClassifier:
    """Intent classifier backed by a scikit-learn estimator on raw text.

    The estimator (often a :class:`~sklearn.pipeline.Pipeline` of a vectoriser and a
    probabilistic classifier) must accept a list of strings as ``X`` and have
    ``predict_proba`` and, once fitted, ``classes_``. An estimator that is already
    fitted can be wrapped and used at once, without calling :meth:`fit`.

    Parameters
    ----------
    estimator : scikit-learn estimator
        Used as given, not cloned: :meth:`fit` trains this very object in place.
    name : str
        Name of the signal this classifier produces.
    top_k : int
        How many of the most probable intents each signal lists in ``alternatives``.

    Raises
    ------
    UsageError
        If ``estimator`` has no ``predict_proba``, or ``top_k`` or ``name`` is invalid.

    See Also
    --------
    hybridroute.classifiers.intent.IntentClassifier : the default TF-IDF baseline.

    Examples
    --------
    >>> from sklearn.feature_extraction.text import TfidfVectorizer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from hybridroute import Ticket
    >>> clf = SklearnIntentClassifier(make_pipeline(TfidfVectorizer(), LogisticRegression()))
    >>> clf = clf.fit(["where is my card", "card not arrived", "refund please",
    ...                "I want my money back"], ["card", "card", "refund", "refund"])
    >>> clf.classes_
    ('card', 'refund')
    >>> signal = clf.score([Ticket(id="T-1", body="my card has not arrived")])[0]
    >>> signal.label, len(signal.alternatives)
    ('card', 2)
    """

    def __init__(self, estimator: Any, *, name: str = "intent", top_k: int = 5) -> None:
        if not hasattr(estimator, "predict_proba"):
            raise UsageError(
                f"{type(estimator).__name__} has no predict_proba, so it cannot give "
                "intent probabilities; use a probabilistic classifier (LogisticRegression, "
                "MultinomialNB, ...) or wrap it in sklearn.calibration.CalibratedClassifierCV "
                "(for SVC, pass probability=True)"
            )
        if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
            raise UsageError(f"top_k must be a positive integer; got {top_k!r}")
        if not isinstance(name, str) or not name:
            raise UsageError(f"name must be a non-empty string; got {name!r}")
        self.estimator = estimator
        self.name = name
        self.top_k = top_k

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.estimator!r}, name={self.name!r}, top_k={self.top_k})"

    @property
    def is_fitted(self) -> bool:
        """Whether the estimator is fitted, so :meth:`score` can be called."""
        return self._fitted_check() is None

    def _fitted_check(self) -> Exception | None:
        """None if the estimator is fitted, else the exception explaining why not."""
        # lazy: scikit-learn costs about a second at import (see docs/architecture.md)
        from sklearn.exceptions import NotFittedError as SklearnNotFittedError
        from sklearn.utils.validation import check_is_fitted

        try:
            check_is_fitted(self.estimator)
        except SklearnNotFittedError as exc:
            reason: Exception = exc
            return reason
        except (AttributeError, TypeError):
            # Duck-typed estimators that do not derive from BaseEstimator lack the
            # tags check_is_fitted reads; for them, a fitted classifier has classes_.
            if hasattr(self.estimator, "classes_"):
                return None
            return AttributeError(f"{type(self.estimator).__name__} has no classes_")
        return None

    def _require_fitted(self) -> None:
        reason = self._fitted_check()
        if reason is not None:
            raise NotFittedError(
                f"{type(self).__name__} {self.name!r} is not fitted: call fit(texts, labels) "
                "first, or wrap an estimator that is already fitted"
            ) from reason

    @property
    def classes_(self) -> tuple[str, ...]:
        """Every intent the classifier knows, in the column order of :meth:`predict_proba`."""
        self._require_fitted()
        return tuple(str(label) for label in self.estimator.classes_)

    def fit(
        self: _Self,
        X: TextsOrTickets,
        y: Iterable[Any],
    ) -> _Self:
        """Train the wrapped estimator, in place, on texts and their intents.

        Parameters
        ----------
        X : iterable of str or iterable of Ticket
            Training texts; for tickets, their ``text`` is used.
        y : iterable
            The intent of each text; converted to ``str``.

        Returns
        -------
        SklearnIntentClassifier
            This classifier, now fitted.

        Raises
        ------
        UsageError
            If ``X`` and ``y`` differ in length, hold fewer than two intents, or the
            estimator rejects them.
        """
        texts = as_texts(X)
        labels = [str(label) for label in y]
        if len(texts) != len(labels):
            raise UsageError(
                f"got {len(texts)} texts but {len(labels)} labels; pass one label per text"
            )
        if len(set(labels)) < 2:
            raise UsageError(
                "an intent classifier needs examples of at least two intents; "
                f"got {len(set(labels))}"
            )
        try:
            self.estimator.fit(texts, labels)
        except (ValueError, TypeError) as exc:
            raise UsageError(
                f"{type(self.estimator).__name__}.fit rejected the training data: {exc}"
            ) from exc
        return self

    def predict_proba(
        self,
        X: Sequence[str] | Sequence[Ticket],
    ) -> NDArray[np.float64]:
        """Probability of every intent for each text or ticket.

        Parameters
        ----------
        X : sequence of str or sequence of Ticket
            What to classify; for tickets, their ``text`` is used.

        Returns
        -------
        numpy.ndarray of shape (len(X), len(classes_))
            Rows in the order of ``X``, columns in the order of :attr:`classes_`;
            each row lies in [0, 1] and sums to 1.

        Raises
        ------
        NotFittedError
            If the classifier has not been fitted.
        ClassifierError
            If the estimator raises, or returns rows that are not probabilities
            (NaN, infinite or all zero); the message names the tickets concerned.
        """
        self._require_fitted()
        return self._probabilities(X)

    def _probabilities(self, items: Sequence[str] | Sequence[Ticket]) -> NDArray[np.float64]:
        n_classes = len(self.estimator.classes_)
        if len(items) == 0:
            return np.zeros((0, n_classes), dtype=np.float64)
        try:
            raw = self.estimator.predict_proba(as_texts(items))
        except Exception as exc:
            raise ClassifierError(
                f"{type(self.estimator).__name__}.predict_proba failed in classifier "
                f"{self.name!r}: {type(exc).__name__}: {exc}"
            ) from exc
        proba = np.asarray(raw, dtype=np.float64)
        if proba.shape != (len(items), n_classes):
            raise ClassifierError(
                f"{type(self.estimator).__name__}.predict_proba returned shape {proba.shape} "
                f"for {len(items)} texts and {n_classes} classes; expected "
                f"({len(items)}, {n_classes})"
            )
        return self._sanitised(proba, items)

    def _sanitised(
        self, proba: NDArray[np.float64], items: Sequence[str] | Sequence[Ticket]
    ) -> NDArray[np.float64]:
        """Clip to [0, 1] and renormalise rows, refusing rows that are not probabilities."""
        bad = ~np.isfinite(proba).all(axis=1)
        proba = np.clip(proba, 0.0, 1.0)
        totals = proba.sum(axis=1, keepdims=True)
        bad |= totals[:, 0] <= 0.0
        if bad.any():
            all_ids = _ids_of(items)
            ids = [all_ids[i] for i in np.flatnonzero(bad)]
            raise ClassifierError(
                f"{type(self.estimator).__name__}.predict_proba in classifier {self.name!r} "
                f"returned NaN, infinite or all-zero probabilities for {len(ids)} ticket(s): "
                f"{_shown(ids)}; check the estimator and its training"
            )
        normalised: NDArray[np.float64] = np.clip(proba / totals, 0.0, 1.0)
        return normalised

    def score(self, tickets: Sequence[Ticket]) -> list[IntentSignal]:
        """One intent signal per ticket, in order, from one ``predict_proba`` call.

        Parameters
        ----------
        tickets : sequence of Ticket
            The batch to classify.

        Returns
        -------
        list of IntentSignal
            For each ticket: the most probable intent as ``label``, its probability
            as ``confidence``, the gap to the runner-up as ``margin``, and the
            ``top_k`` most probable intents, best first, as ``alternatives``.

        Raises
        ------
        NotFittedError
            If the classifier has not been fitted.
        ClassifierError
            If the estimator fails or returns invalid probabilities.
        """
        self._require_fitted()
        proba = self._probabilities(tickets)
        return intent_signals(proba, self.classes_, self.top_k)
