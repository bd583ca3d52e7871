"""What classifiers say about a ticket: typed signals, one per classifier.

Three kinds cover every built-in classifier and, so far, every custom one:

* :class:`IntentSignal`: what the customer wants, with a probability.
* :class:`ScoreSignal`: a degree in [0, 1] (complexity, frustration).
* :class:`DetectionSignal`: whether something was found (a request for a human,
  a risky topic), with the labels found and the evidence.

They form the discriminated union :data:`Signal` on the ``kind`` field, so a
decision read back from JSON restores the right type.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from pydantic import Field, field_validator

from hybridroute.models._base import FrozenModel

__all__ = ["DetectionSignal", "IntentSignal", "LabelScore", "ScoreSignal", "Signal"]

Probability = Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)]


class LabelScore(FrozenModel):
    """A label with its probability."""

    label: str
    probability: Probability


class IntentSignal(FrozenModel):
    """The customer's intent, as an intent classifier sees it.

    Parameters
    ----------
    label : str or None
        The most probable intent; None when the classifier abstains.
    confidence : float
        Probability of ``label``, in [0, 1].
    margin : float
        Confidence minus the runner-up's probability; small means ambiguous.
    alternatives : tuple of LabelScore
        The most probable intents, best first (``label`` first among them).
    """

    kind: Literal["intent"] = "intent"
    label: str | None
    confidence: Probability
    margin: Probability
    alternatives: tuple[LabelScore, ...] = ()

    @property
    def value(self) -> float:
        """The signal's headline number: its confidence."""
        return self.confidence

    @property
    def labels(self) -> tuple[str, ...]:
        """The predicted label as a tuple (empty when abstaining)."""
        return () if self.label is None else (self.label,)


class ScoreSignal(FrozenModel):
    """A degree in [0, 1], with the features behind it.

    Parameters
    ----------
    value : float
        The score; higher means more (more complex, more frustrated).
    features : dict of str to float
        Named inputs to the score, for explanations and audits.
    evidence : tuple of str
        Short quotes or facts from the ticket that moved the score.
    """

    kind: Literal["score"] = "score"
    value: Probability
    features: dict[str, float] = Field(default_factory=dict)
    evidence: tuple[str, ...] = ()

    @field_validator("features")
    @classmethod
    def _finite(cls, features: dict[str, float]) -> dict[str, float]:
        bad = [k for k, v in features.items() if not math.isfinite(v)]
        if bad:
            raise ValueError(f"feature values must be finite numbers; not finite: {bad}")
        return features

    @property
    def confidence(self) -> float:
        """Same as ``value``; lets policies treat every signal alike."""
        return self.value

    @property
    def labels(self) -> tuple[str, ...]:
        """Scores carry no labels."""
        return ()


class DetectionSignal(FrozenModel):
    """Whether something was found in the ticket.

    Parameters
    ----------
    detected : bool
        True when at least one pattern or model fired.
    labels : tuple of str
        What was found (for risky topics: ``"fraud"``, ``"legal"``, ...), sorted.
    confidence : float
        How sure the detector is, in [0, 1].
    evidence : tuple of str
        The words in the ticket that fired.
    """

    kind: Literal["detection"] = "detection"
    detected: bool
    labels: tuple[str, ...] = ()
    confidence: Probability = 1.0
    evidence: tuple[str, ...] = ()

    @field_validator("labels")
    @classmethod
    def _sorted_unique(cls, labels: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(set(labels)))

    @property
    def value(self) -> float:
        """The signal's headline number: its confidence if detected, else 0."""
        return self.confidence if self.detected else 0.0


Signal = Annotated[IntentSignal | ScoreSignal | DetectionSignal, Field(discriminator="kind")]
"""Any signal: the union of the three kinds, told apart by ``kind``."""
