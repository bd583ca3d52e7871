"""The backtest result: the numbers a team needs before it lets a router answer customers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hybridroute.backtest.costs import CostModel, CostSummary
from hybridroute.backtest.curve import risk_coverage
from hybridroute.backtest.intents import IntentRow, intent_table
from hybridroute.backtest.records import ReplayRecords
from hybridroute.calibration.bounds import clopper_pearson_interval
from hybridroute.calibration.result import RiskCoveragePoint
from hybridroute.exceptions import UsageError
from hybridroute.policy.scores import ConfidenceScore, ScoreFunction

__all__ = ["BacktestResult", "summarise"]


@dataclass(frozen=True)
class BacktestResult:
    """What replaying a labelled history through a router measured.

    Attributes
    ----------
    n_tickets, n_automated, n_wrong : int
        Tickets replayed, answered automatically, and answered wrongly.
    automation_rate : float
        ``n_automated / n_tickets``.
    error_rate_automated : float
        ``n_wrong / n_automated`` (0 when nothing was automated).
    error_interval : (float, float)
        Exact two-sided Clopper-Pearson interval for the error rate among
        automated tickets, at ``confidence_level``.
    confidence_level : float
        Of ``error_interval``.
    accuracy : float or None
        Top-1 intent accuracy on in-scope tickets, automated or not.
    n_out_of_scope : int
        Out-of-scope tickets in the history.
    oos_to_human_rate : float or None
        Share of out-of-scope tickets a human got (None without any).
    automated_by_rule, handoffs_by_rule, handoffs_by_queue : dict of str to int
        Where tickets went and which rule sent them; failures show as rule
        ``"failure"``.
    per_intent : tuple of IntentRow
        The per-intent table.
    cost : CostSummary or None
        Expected cost, when a :class:`CostModel` was given.
    curve : tuple of RiskCoveragePoint
        Risk-coverage curve of ``score`` alone over every replayed ticket (what a
        single threshold on it would give, whatever the policy's other rules).
    score : ScoreFunction
        The score the curve thresholds.
    seconds : float
        Wall time of the replay.
    n_jobs : int
        Workers used.
    backend : str
        joblib backend used.
    records : ReplayRecords
        The per-ticket columns behind every number (not part of :meth:`to_dict`).
    """

    n_tickets: int
    n_automated: int
    n_wrong: int
    automation_rate: float
    error_rate_automated: float
    error_interval: tuple[float, float]
    confidence_level: float
    accuracy: float | None
    n_out_of_scope: int
    oos_to_human_rate: float | None
    automated_by_rule: dict[str, int]
    handoffs_by_rule: dict[str, int]
    handoffs_by_queue: dict[str, int]
    per_intent: tuple[IntentRow, ...]
    cost: CostSummary | None
    curve: tuple[RiskCoveragePoint, ...]
    score: ScoreFunction
    seconds: float
    n_jobs: int
    backend: str
    records: ReplayRecords = field(repr=False)

    @property
    def tickets_per_second(self) -> float:
        """Replay throughput."""
        return self.n_tickets / self.seconds if self.seconds > 0 else float("inf")

    def to_dict(self, *, per_intent: bool = True, curve: bool = True) -> dict[str, Any]:
        """The numbers, JSON-ready (rates unrounded)."""
        out: dict[str, Any] = {
            "n_tickets": self.n_tickets,
            "n_automated": self.n_automated,
            "n_wrong": self.n_wrong,
            "automation_rate": self.automation_rate,
            "error_rate_automated": self.error_rate_automated,
            "error_interval": list(self.error_interval),
            "confidence_level": self.confidence_level,
            "accuracy": self.accuracy,
            "n_out_of_scope": self.n_out_of_scope,
            "oos_to_human_rate": self.oos_to_human_rate,
            "automated_by_rule": self.automated_by_rule,
            "handoffs_by_rule": self.handoffs_by_rule,
            "handoffs_by_queue": self.handoffs_by_queue,
            "cost": None if self.cost is None else self.cost.model_dump(mode="json"),
            "score": self.score.model_dump(mode="json"),
            "seconds": self.seconds,
            "tickets_per_second": self.tickets_per_second,
            "n_jobs": self.n_jobs,
            "backend": self.backend,
        }
        if per_intent:
            out["per_intent"] = [row.model_dump(mode="json") for row in self.per_intent]
        if curve:
            out["curve"] = [point.model_dump(mode="json") for point in self.curve]
        return out

    def summary(self) -> str:
        """A few lines for people."""
        low, high = self.error_interval
        lines = [
            f"{self.n_tickets:,} tickets: automated {self.n_automated:,} "
            f"({self.automation_rate:.1%}), wrong among them {self.n_wrong:,} "
            f"({self.error_rate_automated:.2%}; {self.confidence_level:.0%} CI "
            f"{low:.2%}-{high:.2%})",
        ]
        if self.accuracy is not None:
            lines.append(f"intent accuracy on in-scope tickets: {self.accuracy:.1%}")
        if self.oos_to_human_rate is not None:
            lines.append(
                f"out-of-scope tickets handed to a human: {self.oos_to_human_rate:.1%} "
                f"of {self.n_out_of_scope:,}"
            )
        if self.handoffs_by_queue:
            queues = ", ".join(f"{q} {n:,}" for q, n in self.handoffs_by_queue.items())
            lines.append(f"handoffs by queue: {queues}")
        if self.cost is not None:
            lines.append(
                f"cost {self.cost.total:,.2f} ({self.cost.per_ticket:.3f} per ticket), "
                f"saving {self.cost.savings_share:.1%} over all-human handling"
            )
        return "\n".join(lines)


def _counts(codes: np.ndarray[Any, Any], names: tuple[str, ...]) -> dict[str, int]:
    counter = Counter(codes.tolist())
    return {names[c]: n for c, n in counter.most_common() if c >= 0}


def summarise(
    records: ReplayRecords,
    *,
    score: ScoreFunction | None = None,
    costs: CostModel | None = None,
    delta: float = 0.1,
    confidence_level: float = 0.95,
    seconds: float = 0.0,
    n_jobs: int = 1,
    backend: str = "sequential",
) -> BacktestResult:
    """Every backtest number from the per-ticket records.

    Parameters
    ----------
    records : ReplayRecords
        What happened to each ticket.
    score : ScoreFunction, optional
        The score the risk-coverage curve thresholds (default: intent confidence);
        pass a certificate's ``score`` to see the curve calibration worked on.
    costs : CostModel, optional
        Adds the expected cost.
    delta : float
        Level of the curve's one-sided error bounds.
    confidence_level : float
        Of the two-sided interval on the error rate among automated tickets.
    seconds, n_jobs, backend
        How the replay ran, recorded as given.
    """
    n = len(records)
    if n == 0:
        raise UsageError("nothing was replayed: pass at least one labelled ticket")
    score = score or ConfidenceScore()
    n_auto = int(records.automated.sum())
    wrong = records.wrong
    n_wrong = int(wrong.sum())
    oos = records.out_of_scope_mask
    in_scope = ~oos
    human = ~records.automated
    scores = records.scores(score)
    return BacktestResult(
        n_tickets=n,
        n_automated=n_auto,
        n_wrong=n_wrong,
        automation_rate=n_auto / n,
        error_rate_automated=n_wrong / n_auto if n_auto else 0.0,
        error_interval=clopper_pearson_interval(n_wrong, n_auto, confidence_level),
        confidence_level=confidence_level,
        accuracy=float(records.correct[in_scope].mean()) if in_scope.any() else None,
        n_out_of_scope=int(oos.sum()),
        oos_to_human_rate=float(human[oos].mean()) if oos.any() else None,
        automated_by_rule=_counts(records.rule[records.automated], records.rules),
        handoffs_by_rule=_counts(records.rule[human], records.rules),
        handoffs_by_queue=_counts(records.queue[human], records.queues),
        per_intent=intent_table(records),
        cost=None
        if costs is None
        else costs.summarise(n_human=int(human.sum()), n_correct=n_auto - n_wrong, n_wrong=n_wrong),
        curve=risk_coverage(scores, records.wrong_if_automated, delta=delta),
        score=score,
        seconds=seconds,
        n_jobs=n_jobs,
        backend=backend,
        records=records,
    )
