"""Score functions that turn an intent signal into one number to threshold, and the
condition that applies a certified threshold to it.

Calibration (:mod:`hybridroute.calibration`) chooses a score function and certifies a
threshold on it; :class:`CertifiedThreshold` is how that threshold enters a policy, so
the threshold in production is exactly the certified one, and the policy's
fingerprint changes when the certificate does.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, TypeAdapter

from hybridroute.exceptions import PolicyDefinitionError
from hybridroute.models import IntentSignal, Signal
from hybridroute.models._base import FrozenModel
from hybridroute.policy.conditions import Condition
from hybridroute.policy.context import Context

__all__ = [
    "CertifiedThreshold",
    "ConfidenceScore",
    "CorrectnessScore",
    "MarginScore",
    "ScoreFunction",
]

_EPS = 1e-6


class ConfidenceScore(FrozenModel):
    """The intent's top probability."""

    kind: Literal["confidence"] = "confidence"
    signal: str = "intent"

    def batch(
        self, confidence: NDArray[np.float64], margin: NDArray[np.float64], labels: Sequence[str]
    ) -> NDArray[np.float64]:
        """Scores for many tickets at once."""
        return np.asarray(confidence, dtype=float)


class MarginScore(FrozenModel):
    """The intent's lead over the runner-up."""

    kind: Literal["margin"] = "margin"
    signal: str = "intent"

    def batch(
        self, confidence: NDArray[np.float64], margin: NDArray[np.float64], labels: Sequence[str]
    ) -> NDArray[np.float64]:
        """Scores for many tickets at once."""
        return np.asarray(margin, dtype=float)


class CorrectnessScore(FrozenModel):
    """Estimated probability that the predicted intent is right.

    ``sigmoid(intercept + w_confidence * logit(confidence) + w_margin * margin +
    intent_offsets[label])``: a logistic model learned on held-out tickets, whose
    per-intent offsets let intents the classifier is reliably right (or wrong) about
    move up (or down) the ranking.
    """

    kind: Literal["correctness"] = "correctness"
    signal: str = "intent"
    intercept: float
    w_confidence: float
    w_margin: float
    intent_offsets: dict[str, float] = Field(default_factory=dict)

    def batch(
        self, confidence: NDArray[np.float64], margin: NDArray[np.float64], labels: Sequence[str]
    ) -> NDArray[np.float64]:
        """Scores for many tickets at once."""
        conf = np.clip(np.asarray(confidence, dtype=float), _EPS, 1 - _EPS)
        offsets = np.array([self.intent_offsets.get(label, 0.0) for label in labels])
        z = (
            self.intercept
            + self.w_confidence * np.log(conf / (1 - conf))
            + self.w_margin * np.asarray(margin, dtype=float)
            + offsets
        )
        out: NDArray[np.float64] = 1.0 / (1.0 + np.exp(-z))
        return out


ScoreFunction = Annotated[
    ConfidenceScore | MarginScore | CorrectnessScore, Field(discriminator="kind")
]
"""Any score function, told apart by ``kind``."""

_SCORE_FUNCTION: TypeAdapter[ScoreFunction] = TypeAdapter(ScoreFunction)


def score_of(fn: ScoreFunction, signals: Mapping[str, Signal]) -> float | None:
    """The score of one ticket, or None when its intent signal is missing or abstains."""
    sig = signals.get(fn.signal)
    if not isinstance(sig, IntentSignal) or sig.label is None:
        return None
    value = fn.batch(np.array([sig.confidence]), np.array([sig.margin]), [sig.label])[0]
    return float(value)


class CertifiedThreshold(Condition):
    """``score >= threshold`` with a threshold from a calibration certificate.

    A threshold of None means calibration certified nothing: the condition never
    holds, so nothing is automated on its account.
    """

    __slots__ = ("certificate", "score", "threshold")

    def __init__(self, score: ScoreFunction, threshold: float | None, certificate: str) -> None:
        if threshold is not None and not math.isfinite(threshold):
            raise PolicyDefinitionError(f"certified threshold must be finite, got {threshold}")
        self.score = score
        self.threshold = threshold
        self.certificate = certificate

    def matches(self, ctx: Context) -> bool:
        if self.threshold is None:
            return False
        value = score_of(self.score, ctx.signals)
        return value is not None and value >= self.threshold

    def explain(self, ctx: Context) -> tuple[bool, tuple[str, ...]]:
        ok = self.matches(ctx)
        name = f"{self.score.signal}.{self.score.kind}"
        if self.threshold is None:
            return ok, (f"certificate {self.certificate} certified no threshold",)
        value = score_of(self.score, ctx.signals)
        if value is None:
            return ok, (f"{name} is missing",)
        sign = ">=" if ok else "<"
        return ok, (
            f"{name} = {value:.3g} {sign} certified {self.threshold:.3g} "
            f"(certificate {self.certificate})",
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "certified": {
                "score": self.score.model_dump(mode="json"),
                "threshold": self.threshold,
                "certificate": self.certificate,
            }
        }

    def _own_signals(self) -> frozenset[str]:
        return frozenset({self.score.signal})

    def _own_certificates(self) -> frozenset[str]:
        return frozenset({self.certificate})

    def __repr__(self) -> str:
        shown = "none" if self.threshold is None else f"{self.threshold:.4g}"
        return f"certified({self.score.signal}.{self.score.kind} >= {shown}, {self.certificate})"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CertifiedThreshold:
        """Rebuild from :meth:`to_dict` output."""
        body = data["certified"]
        return cls(
            _SCORE_FUNCTION.validate_python(body["score"]), body["threshold"], body["certificate"]
        )
