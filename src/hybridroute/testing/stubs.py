"""Signals without a model: stub classifiers and short constructors for each signal kind.

A policy decides from signals, so it can be tested without training anything:
give the router a :class:`StubClassifier` per signal the policy reads, or give a
bare :class:`~hybridroute.Policy` the signal values directly (see
:func:`hybridroute.testing.assert_routes`).

>>> import hybridroute as hr
>>> router = hr.Router(
...     [StubClassifier("risk_topic", detected("fraud"))],
...     hr.Policy([hr.rule(hr.signal("risk_topic").isin({"fraud"}), hr.handoff("risk"))],
...               default=hr.handoff("general")),
... )
>>> router.route(hr.Ticket(id="T-1", body="hello")).handoff.queue
'risk'
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from hybridroute.exceptions import UsageError
from hybridroute.models import (
    DetectionSignal,
    IntentSignal,
    LabelScore,
    ScoreSignal,
    Signal,
    Ticket,
)

__all__ = ["StubClassifier", "detected", "intent", "not_detected", "score"]

_SIGNAL_TYPES = (IntentSignal, ScoreSignal, DetectionSignal)

SignalSource = Signal | Mapping[str, Signal] | Callable[[Ticket], Signal]
"""What a :class:`StubClassifier` answers with: one signal, signals by ticket id, or a function."""


def intent(
    label: str | None,
    confidence: float = 1.0,
    *,
    margin: float | None = None,
    alternatives: Iterable[tuple[str, float]] = (),
) -> IntentSignal:
    """An intent signal, with a sensible margin and alternatives when not given.

    Parameters
    ----------
    label : str or None
        The intent; None for a classifier that abstains.
    confidence : float
        Probability of ``label``, in [0, 1].
    margin : float, optional
        Confidence minus the runner-up's probability. By default the runner-up
        takes all the remaining probability: ``max(0, 2 * confidence - 1)``.
    alternatives : iterable of (label, probability), optional
        Runner-up intents, best first; ``label`` is always listed first.

    Examples
    --------
    >>> signal = intent("card_arrival", 0.95)
    >>> signal.label, signal.confidence, round(signal.margin, 2)
    ('card_arrival', 0.95, 0.9)
    """
    if margin is None:
        runner_up = max((p for _, p in alternatives), default=1.0 - confidence)
        margin = max(0.0, confidence - runner_up)
    listed = [] if label is None else [LabelScore(label=label, probability=confidence)]
    listed += [LabelScore(label=name, probability=p) for name, p in alternatives]
    return IntentSignal(
        label=label, confidence=confidence, margin=margin, alternatives=tuple(listed)
    )


def score(
    value: float,
    *,
    features: Mapping[str, float] | None = None,
    evidence: Iterable[str] = (),
) -> ScoreSignal:
    """A score signal (complexity, sentiment...) of ``value`` in [0, 1].

    Examples
    --------
    >>> score(0.3).value
    0.3
    """
    return ScoreSignal(value=value, features=dict(features or {}), evidence=tuple(evidence))


def detected(
    *labels: str, confidence: float = 1.0, evidence: Iterable[str] = ()
) -> DetectionSignal:
    """A detection signal that fired, with the labels found.

    Examples
    --------
    >>> detected("fraud", "legal").labels
    ('fraud', 'legal')
    """
    return DetectionSignal(
        detected=True, labels=labels, confidence=confidence, evidence=tuple(evidence)
    )


def not_detected() -> DetectionSignal:
    """A detection signal that found nothing (confidence 0, as the built-in detectors give)."""
    return DetectionSignal(detected=False, confidence=0.0)


class StubClassifier:
    """A classifier that returns signals you choose, so a policy can be tested alone.

    Parameters
    ----------
    name : str
        The signal name it produces (what the policy reads).
    signals : Signal, mapping of str to Signal, or callable
        One signal for every ticket; or signals by ticket id; or a function from a
        ticket to its signal.
    default : Signal, optional
        For a mapping: the signal of tickets whose id is not in it. Without a
        default, an unknown id raises :class:`~hybridroute.UsageError` (which the
        router records as a classifier failure and hands the ticket to a human).

    Examples
    --------
    >>> import hybridroute as hr
    >>> stub = StubClassifier("intent", {"T-1": intent("card_arrival", 0.95)},
    ...                       default=intent(None, 0.0))
    >>> [s.label for s in stub.score([hr.Ticket(id="T-1", body="a"),
    ...                               hr.Ticket(id="T-2", body="b")])]
    ['card_arrival', None]
    """

    def __init__(self, name: str, signals: SignalSource, *, default: Signal | None = None) -> None:
        if not isinstance(name, str) or not name:
            raise UsageError(f"name must be a non-empty string; got {name!r}")
        if not (isinstance(signals, (*_SIGNAL_TYPES, Mapping)) or callable(signals)):
            raise UsageError(
                f"StubClassifier {name!r} needs a signal, a mapping of ticket id to signal, "
                f"or a function of the ticket; got {type(signals).__name__}. Build signals "
                "with hybridroute.testing.intent(...), score(...) or detected(...)"
            )
        self.name = name
        self.signals = signals
        self.default = default

    def __repr__(self) -> str:
        return f"StubClassifier({self.name!r}, {self.signals!r})"

    def _signal(self, ticket: Ticket) -> Signal:
        source = self.signals
        if isinstance(source, _SIGNAL_TYPES):
            return source
        if isinstance(source, Mapping):
            found = source.get(ticket.id, self.default)
            if found is None:
                raise UsageError(
                    f"StubClassifier {self.name!r} has no signal for ticket {ticket.id!r} "
                    f"(it knows {sorted(source)[:10]}); add it or pass default=..."
                )
            return found
        made = source(ticket)
        if not isinstance(made, _SIGNAL_TYPES):
            raise UsageError(
                f"the function of StubClassifier {self.name!r} returned "
                f"{type(made).__name__} for ticket {ticket.id!r}; return a signal"
            )
        return made

    def score(self, tickets: Sequence[Ticket]) -> list[Signal]:
        """The chosen signal of each ticket, in order."""
        return [self._signal(ticket) for ticket in tickets]
