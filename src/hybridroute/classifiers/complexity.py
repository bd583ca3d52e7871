"""How complex a ticket looks, from a handful of interpretable features."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from types import MappingProxyType

from hybridroute.classifiers._weights import checked_weights
from hybridroute.classifiers.base import as_tickets
from hybridroute.exceptions import UsageError
from hybridroute.models import IntentSignal, ScoreSignal, Signal, Ticket

__all__ = [
    "COMPLEXITY_FEATURES",
    "DEFAULT_COMPLEXITY_INTERCEPT",
    "DEFAULT_COMPLEXITY_WEIGHTS",
    "ComplexityScorer",
    "complexity_features",
]

COMPLEXITY_FEATURES = (
    "length",
    "questions",
    "issues",
    "ambiguity",
    "turns",
    "repeat_contact",
    "negative_sentiment",
)
"""The keys of :func:`complexity_features`, in order; each value lies in [0, 1]."""

DEFAULT_COMPLEXITY_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "length": 1.5,
        "questions": 1.5,
        "issues": 2.0,
        "ambiguity": 1.5,
        "turns": 2.0,
        "repeat_contact": 2.0,
        "negative_sentiment": 1.5,
    }
)
"""Default weight of each feature in :class:`ComplexityScorer`'s weighted sum."""

DEFAULT_COMPLEXITY_INTERCEPT = -3.5
"""Default intercept: a short, single, clear question scores about 0.1."""

#: Word count at which the length feature reaches 1 (a long email).
LENGTH_SATURATION_WORDS = 400

_SENTENCE = re.compile(r"[^.!?\n\u3002\uff01\uff1f]+[.!?\u3002\uff01\uff1f]*")
_QUESTION_MARKS = re.compile(r"[?\uff1f]+")
_QUESTION_START = re.compile(
    r"\s*(?:how|what|why|when|where|who|whom|whose|which|can|could|would|will|is|are|am|was"
    r"|were|do|does|did|should|shall|may|might|have|has)(?!\w)",
    re.IGNORECASE,
)
_ADDITIVE = re.compile(
    r"(?<!\w)(?:also|and another thing|another (?:issue|problem|question|thing|matter|point)"
    r"|in addition|additionally|on top of that|besides that|furthermore|moreover|one more thing"
    r"|secondly|thirdly|finally|lastly)(?!\w)",
    re.IGNORECASE,
)
_ENUMERATION = re.compile(r"^\s*(?:\d{1,2}[.)]|\(\d{1,2}\)|[-*\u2022]|[a-h][.)])\s+\S", re.M)
_MIN_SENTENCE_WORDS = 3
_MAX_EVIDENCE = 5


def _saturating(count: float, half: float = 1.0) -> float:
    """Map a count >= 0 to [0, 1): 0 -> 0, ``half`` -> 0.5, growing ever more slowly."""
    return count / (count + half) if count > 0 else 0.0


def _text_counts(text: str) -> tuple[int, int, float, list[str]]:
    """Words, questions, extra issues, and the words that marked extra issues."""
    words = len(text.split())
    sentences = [s.strip() for s in _SENTENCE.findall(text)]
    sentences = [s for s in sentences if len(s.split()) >= _MIN_SENTENCE_WORDS]
    unmarked = sum(
        1 for s in sentences if not s.endswith(("?", "\uff1f")) and _QUESTION_START.match(s)
    )
    questions = len(_QUESTION_MARKS.findall(text)) + unmarked
    markers = [m.group() for m in _ADDITIVE.finditer(text)]
    items = len(_ENUMERATION.findall(text))
    extra = len(markers) + max(0, items - 1) + max(0, len(sentences) - 2) / 2
    return words, questions, extra, markers


def _extract(
    ticket: Ticket,
    upstream: Mapping[str, Signal] | None,
    intent_signal: str,
    sentiment_signal: str,
) -> tuple[dict[str, float], list[str]]:
    words, questions, extra, markers = _text_counts(ticket.text)
    up = upstream or {}
    intent = up.get(intent_signal)
    ambiguity = 1.0 - intent.margin if isinstance(intent, IntentSignal) else 0.0
    mood = up.get(sentiment_signal)
    frustration = min(1.0, max(0.0, float(mood.value))) if mood is not None else 0.0
    turns, previous = ticket.turns, ticket.customer.previous_contacts
    features = {
        "length": min(1.0, math.log1p(words) / math.log1p(LENGTH_SATURATION_WORDS)),
        "questions": _saturating(questions),
        "issues": _saturating(extra),
        "ambiguity": ambiguity,
        "turns": _saturating(turns - 1, half=2.0),
        "repeat_contact": _saturating(previous),
        "negative_sentiment": frustration,
    }
    evidence = [f"{questions} questions"] if questions > 1 else []
    evidence.extend(dict.fromkeys(m.lower() for m in markers))
    if turns > 1:
        evidence.append(f"{turns} customer messages")
    if previous > 0:
        evidence.append(f"{previous} previous contacts")
    if isinstance(intent, IntentSignal) and ambiguity >= 0.5:
        evidence.append(f"intent margin {intent.margin:.2f}")
    return features, evidence[:_MAX_EVIDENCE]


def complexity_features(
    ticket: Ticket,
    upstream: Mapping[str, Signal] | None = None,
    *,
    intent_signal: str = "intent",
    sentiment_signal: str = "sentiment",
) -> dict[str, float]:
    """The interpretable features :class:`ComplexityScorer` weighs, each in [0, 1].

    A pure function of the ticket and of the signals earlier classifiers gave it;
    see :class:`ComplexityScorer` for what each feature measures.

    Parameters
    ----------
    ticket : Ticket
        The ticket to describe.
    upstream : mapping of str to Signal, optional
        Signals of earlier classifiers, by name. A missing intent or sentiment
        signal leaves its feature at 0.
    intent_signal, sentiment_signal : str
        Names of the upstream signals to read.

    Returns
    -------
    dict of str to float
        One value per name in :data:`COMPLEXITY_FEATURES`, in that order.

    Examples
    --------
    >>> from hybridroute.models import Customer, Ticket
    >>> t = Ticket(id="1", body="Where is my card? Also, why was I charged twice?",
    ...            customer=Customer(previous_contacts=1))
    >>> f = complexity_features(t)
    >>> f["questions"], f["issues"], f["repeat_contact"], f["ambiguity"]
    (0.6666666666666666, 0.5, 0.5, 0.0)
    """
    features, _ = _extract(ticket, upstream, intent_signal, sentiment_signal)
    return features


def _logistic(z: float) -> float:
    # Written to avoid overflow for large |z|.
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


class ComplexityScorer:
    """Score how complex a ticket is, in [0, 1], from interpretable features.

    Works untrained with documented default weights; :meth:`fit` learns the
    weights from past tickets and whether a human had to take them over. The
    features (computed by :func:`complexity_features`, each scaled to [0, 1]) are

    ======================  ===========================================  ======
    feature                 measures                                     weight
    ======================  ===========================================  ======
    ``length``              words in :attr:`Ticket.text`, log-scaled:    1.5
                            ``log(1 + words) / log(1 + 400)``, at most 1
    ``questions``           "?" runs plus sentences that start with a    1.5
                            question word but lack "?"; ``n / (n + 1)``
    ``issues``              extra issues: additive markers ("also",      2.0
                            "and another thing", "secondly"), list items
                            beyond the first, and half a point for every
                            sentence beyond the second; ``n / (n + 1)``
    ``ambiguity``           ``1 - margin`` of the upstream intent        1.5
                            signal; 0 when there is none
    ``turns``               customer messages beyond the first           2.0
                            (:attr:`Ticket.turns` - 1); ``n / (n + 2)``
    ``repeat_contact``      ``customer.previous_contacts``;              2.0
                            ``n / (n + 1)``
    ``negative_sentiment``  value of the upstream sentiment signal       1.5
                            (see :class:`SentimentScorer`); 0 if none
    ======================  ===========================================  ======

    The score is the logistic function of the weighted sum,
    ``value = 1 / (1 + exp(-(intercept + sum(weight[f] * feature[f]))))``, with
    the default intercept -3.5: a short single question scores about 0.1, a
    long message with several questions from a repeat customer well above 0.7.
    After :meth:`fit`, the same formula uses the learned weights, so ``value`` is
    the predicted probability of escalation.

    The scorer reads the signals named in :attr:`uses` (by default ``"intent"``
    and ``"sentiment"``), which the router passes as ``upstream``; a missing
    signal leaves its feature at 0. Its signal's ``features`` are the feature
    values, and ``evidence`` names what raised them ("3 questions", "also",
    "2 previous contacts").

    Parameters
    ----------
    name : str
        Name of the signal this scorer produces.
    weights : mapping of str to float, optional
        Weights for some features (the others keep :data:`DEFAULT_COMPLEXITY_WEIGHTS`).
    intercept : float
        Constant term of the weighted sum; lower it to make every score smaller.
    intent_signal, sentiment_signal : str
        Names of the upstream signals to read.

    Attributes
    ----------
    uses : tuple of str
        ``(intent_signal, sentiment_signal)``.
    weights_ : dict of str to float or None
        Weights learned by :meth:`fit`; None until then.
    intercept_ : float or None
        Intercept learned by :meth:`fit`; None until then.

    Examples
    --------
    >>> from hybridroute.models import Customer, Message, Ticket
    >>> scorer = ComplexityScorer()
    >>> simple, tangled = scorer.score([
    ...     Ticket(id="1", body="How do I change my PIN?"),
    ...     Ticket(id="2", body="Where is my card? Why was I charged twice? Also, "
    ...            "can I raise my limit?", messages=[Message(text="Any news??")],
    ...            customer=Customer(previous_contacts=2)),
    ... ])
    >>> round(simple.value, 2), round(tangled.value, 2)
    (0.09, 0.84)
    >>> tangled.evidence
    ('4 questions', 'also', '2 customer messages', '2 previous contacts')
    """

    #: Scores with the documented default weights until fitted (the test kit's tag).
    requires_fit = False

    def __init__(
        self,
        name: str = "complexity",
        *,
        weights: Mapping[str, float] | None = None,
        intercept: float = DEFAULT_COMPLEXITY_INTERCEPT,
        intent_signal: str = "intent",
        sentiment_signal: str = "sentiment",
    ) -> None:
        if not math.isfinite(intercept):
            raise UsageError(f"intercept must be a finite number; got {intercept!r}")
        self.name = name
        self.weights = checked_weights(weights, DEFAULT_COMPLEXITY_WEIGHTS, kind="complexity")
        self.intercept = float(intercept)
        self.intent_signal = intent_signal
        self.sentiment_signal = sentiment_signal
        self.uses: tuple[str, ...] = (intent_signal, sentiment_signal)
        self.weights_: dict[str, float] | None = None
        self.intercept_: float | None = None

    def __repr__(self) -> str:
        args = [f"name={self.name!r}"]
        changed = {k: v for k, v in self.weights.items() if DEFAULT_COMPLEXITY_WEIGHTS[k] != v}
        if changed:
            args.append(f"weights={changed!r}")
        if self.intercept != DEFAULT_COMPLEXITY_INTERCEPT:
            args.append(f"intercept={self.intercept!r}")
        if self.uses != ("intent", "sentiment"):
            args.append(f"intent_signal={self.intent_signal!r}")
            args.append(f"sentiment_signal={self.sentiment_signal!r}")
        return f"{type(self).__name__}({', '.join(args)})"

    def _upstream(
        self, upstream: Sequence[Mapping[str, Signal]] | None, n: int
    ) -> Sequence[Mapping[str, Signal] | None]:
        if upstream is None:
            return [None] * n
        if len(upstream) != n:
            raise UsageError(
                f"upstream has {len(upstream)} entries for {n} tickets; pass one mapping of "
                "signals per ticket, in the same order"
            )
        return upstream

    def _features(
        self, ticket: Ticket, upstream: Mapping[str, Signal] | None
    ) -> tuple[dict[str, float], list[str]]:
        return _extract(ticket, upstream, self.intent_signal, self.sentiment_signal)

    def score(
        self,
        tickets: Sequence[Ticket],
        upstream: Sequence[Mapping[str, Signal]] | None = None,
    ) -> list[ScoreSignal]:
        """Score each ticket's complexity.

        Parameters
        ----------
        tickets : sequence of Ticket
            The tickets to score.
        upstream : sequence of mapping of str to Signal, optional
            For each ticket, the signals earlier classifiers produced.

        Returns
        -------
        list of ScoreSignal
            One signal per ticket, in order.

        Raises
        ------
        UsageError
            If ``upstream`` does not have one entry per ticket.
        """
        ups = self._upstream(upstream, len(tickets))
        weights = self.weights if self.weights_ is None else self.weights_
        intercept = self.intercept if self.intercept_ is None else self.intercept_
        signals: list[ScoreSignal] = []
        for ticket, up in zip(tickets, ups, strict=True):
            features, evidence = self._features(ticket, up)
            z = intercept + sum(weights[k] * features[k] for k in COMPLEXITY_FEATURES)
            signals.append(
                ScoreSignal(value=_logistic(z), features=features, evidence=tuple(evidence))
            )
        return signals

    def fit(
        self,
        tickets: Iterable[Ticket | str],
        escalated: Iterable[bool],
        upstream: Sequence[Mapping[str, Signal]] | None = None,
    ) -> ComplexityScorer:
        """Learn the feature weights from past tickets and whether they were escalated.

        Fits a scikit-learn ``LogisticRegression`` (L2, ``C=1``) on the features of
        :func:`complexity_features`; afterwards ``value`` is its predicted
        probability that a ticket gets escalated to a human.

        Parameters
        ----------
        tickets : iterable of Ticket or str
            Past tickets (texts become single-message tickets).
        escalated : iterable of bool
            For each ticket, whether a human had to take it over.
        upstream : sequence of mapping of str to Signal, optional
            For each ticket, the intent and sentiment signals it got, so that
            their weights can be learned too.

        Returns
        -------
        ComplexityScorer
            This scorer, fitted.

        Raises
        ------
        UsageError
            If the lengths differ or the labels are all the same.
        """
        from sklearn.linear_model import LogisticRegression

        items = as_tickets(tickets)
        labels = [bool(flag) for flag in escalated]
        if len(labels) != len(items):
            raise UsageError(
                f"fit() got {len(items)} tickets but {len(labels)} escalation labels; "
                "give one label per ticket"
            )
        if len(set(labels)) < 2:
            raise UsageError(
                "fit() needs both escalated and non-escalated tickets to learn from; "
                "all labels are the same"
            )
        ups = self._upstream(upstream, len(items))
        rows = [
            [self._features(t, up)[0][k] for k in COMPLEXITY_FEATURES]
            for t, up in zip(items, ups, strict=True)
        ]
        model = LogisticRegression(C=1.0, max_iter=1000).fit(rows, labels)
        learned = zip(COMPLEXITY_FEATURES, model.coef_[0], strict=True)
        self.weights_ = {k: float(w) for k, w in learned}
        self.intercept_ = float(model.intercept_[0])
        return self
