"""The calibration result: certified thresholds and the certificate behind them."""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated

from pydantic import Field

from hybridroute.calibration.drift import DriftReport, check_drift
from hybridroute.calibration.objectives import Objective
from hybridroute.models._base import FrozenModel
from hybridroute.policy.scores import CertifiedThreshold, ScoreFunction

__all__ = ["EXCHANGEABILITY", "CalibrationResult", "Certificate", "RiskCoveragePoint"]

EXCHANGEABILITY = (
    "The guarantee holds only while live tickets are exchangeable with the calibration "
    "tickets (same mix of intents, out-of-scope share, channels and wording). If traffic "
    "shifts (a new product, an outage, a campaign), the realised error can exceed alpha; "
    "watch the drift check and recalibrate on recent labelled tickets."
)

METHOD = (
    "Learn-then-Test (Angelopoulos, Bates, Candes, Jordan, Lei 2021): exact binomial "
    "p-values for H_t: error(t) > alpha, fixed-sequence testing over thresholds ordered "
    "strict to lax, sequence start and grid chosen on a separate tuning split; with "
    "min_oos_to_human, each threshold's p-value is the larger of that and the binomial "
    "p-value for H_t: share of out-of-scope tickets automated > 1 - min_oos_to_human"
)

Probability = Annotated[float, Field(ge=0.0, le=1.0)]


class SequenceSummary(FrozenModel):
    """One tested sequence: where it started, its level, how far it got."""

    start_threshold: float
    level: Probability
    tested: int
    certified: int


class Certificate(FrozenModel):
    """What was certified, on what data, by which method.

    The statement: with probability at least ``1 - delta`` over the draw of the
    calibration tickets, the error rate among tickets automated at ``threshold``
    is at most ``alpha`` on tickets exchangeable with them (and, with
    ``min_oos_to_human``, at least that share of out-of-scope tickets is handed
    to a human, jointly).
    """

    id: str
    certified: bool
    alpha: Probability
    delta: Probability
    threshold: float | None
    score: ScoreFunction
    method: str = METHOD
    assumption: str = EXCHANGEABILITY
    n_calibration: int
    n_tuning: int
    n_test: int
    n_automated: int
    errors: int
    error_rate: Probability
    error_bound: Probability
    """Clopper-Pearson upper bound (1 - delta) on the error rate at ``threshold``."""
    automation_rate: Probability
    min_oos_to_human: Probability | None = None
    """The certified floor on the share of out-of-scope tickets handed to a human, if any."""
    n_out_of_scope: int = 0
    """Out-of-scope tickets in the test split."""
    out_of_scope_automated: int = 0
    """Of those, how many ``threshold`` automates."""
    oos_to_human_bound: Probability | None = None
    """Clopper-Pearson lower bound (1 - delta) on the share of out-of-scope tickets
    handed to a human at ``threshold`` (None without out-of-scope tickets)."""
    sequences: tuple[SequenceSummary, ...]
    data_sha256: str
    created_at: datetime
    hybridroute_version: str

    def statement(self) -> str:
        """The guarantee in one sentence."""
        oos = self.min_oos_to_human
        if not self.certified:
            also = "" if oos is None else f" and sends {oos:.1%} of out-of-scope tickets to a human"
            return (
                f"Nothing certified: on {self.n_test} test-split tickets no threshold keeps "
                f"the error among automated tickets at most {self.alpha:.1%}{also} with "
                f"confidence {1 - self.delta:.0%}. Automate nothing."
            )
        both = ""
        if oos is not None:
            handed = self.n_out_of_scope - self.out_of_scope_automated
            both = (
                f", and at least {oos:.1%} of out-of-scope tickets go to a human (observed "
                f"{handed}/{self.n_out_of_scope})"
            )
        return (
            f"With probability at least {1 - self.delta:.0%}, at most {self.alpha:.1%} of "
            f"tickets automated at {self.score.signal}.{self.score.kind} >= "
            f"{self.threshold:.4g} are wrong (observed {self.errors}/{self.n_automated}; "
            f"automation {self.automation_rate:.1%} on calibration){both}, provided live "
            "tickets look like the calibration tickets."
        )


class RiskCoveragePoint(FrozenModel):
    """Automation rate and error rate at one threshold, on the test split."""

    threshold: float
    automation_rate: Probability
    error_rate: Probability
    error_bound: Probability


class CalibrationResult(FrozenModel):
    """Certified thresholds: load them into a policy with :meth:`condition`.

    Save with :meth:`save` and load with :meth:`load`, so the threshold in
    production is exactly the certified one.
    """

    certificate: Certificate
    objective: Objective
    threshold: float | None
    """The threshold the objective chose among the certified ones (None: automate nothing)."""
    automation_rate: Probability
    error_rate: Probability
    certified_thresholds: tuple[float, ...]
    curve: tuple[RiskCoveragePoint, ...]
    reference_scores: tuple[float, ...] = Field(repr=False)
    notes: tuple[str, ...] = ()

    @property
    def certified(self) -> bool:
        """Whether any threshold was certified."""
        return self.certificate.certified

    def condition(self) -> CertifiedThreshold:
        """The policy condition ``score >= certified threshold``.

        Examples
        --------
        >>> rule = hr.rule(result.condition(), hr.auto_reply())  # doctest: +SKIP
        """
        return CertifiedThreshold(self.certificate.score, self.threshold, self.certificate.id)

    def check_drift(
        self, live_scores: Sequence[float], *, significance: float = 0.01, warn: bool = True
    ) -> DriftReport:
        """Compare live tickets' scores with the calibration data (see :mod:`.drift`)."""
        return check_drift(
            self.reference_scores, self.threshold, live_scores, significance=significance, warn=warn
        )

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the result as JSON."""
        Path(path).write_text(self.model_dump_json(indent=2) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> CalibrationResult:
        """Read a result written by :meth:`save`."""
        result: CalibrationResult = cls.model_validate_json(Path(path).read_text(encoding="utf-8"))
        return result

    def summary(self) -> str:
        """A few lines for people."""
        lines = [self.certificate.statement()]
        if self.threshold is not None:
            lines.append(
                f"Chosen by {self.objective.kind}: threshold {self.threshold:.4g}, automation "
                f"{self.automation_rate:.1%}, observed error {self.error_rate:.2%}."
            )
        lines.extend(self.notes)
        return "\n".join(lines)
