"""What ``hybridroute evaluate`` does: train, certify a threshold, backtest it, compare.

1. Split a calibration set off the training data (unless one is given).
2. Train the chosen intent model; out-of-scope training rows (label ``oos``)
   become an explicit ``oos`` class, as in Larson et al. (2019): predicting it
   always means a handoff (``--oos-training drop`` leaves those rows out instead).
3. Score the calibration and test tickets once.
4. Certify a threshold on the calibration tickets with every method of
   :mod:`hybridroute.calibration` (global confidence, margin, per-intent
   correctness score); the headline is ``global``, or ``per_intent`` with
   ``--per-intent``.
5. Backtest each certified policy, and the usual hand-set fallback (confidence
   at least 0.3 with a margin of at least 0.1), on the test tickets.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import numpy as np

from hybridroute._version import __version__
from hybridroute.backtest import (
    BacktestResult,
    CostModel,
    PrecomputedSignals,
    backtest,
    oracle_operating_point,
    policy_router,
    risk_coverage,
)
from hybridroute.calibration import CalibrationResult, IntentOutcomes, calibrate_outcomes
from hybridroute.cli.intent_models import BuiltModel, build_intent_model
from hybridroute.cli.labelled_csv import LabelledData
from hybridroute.datasets import OUT_OF_SCOPE
from hybridroute.exceptions import UsageError
from hybridroute.models import IntentSignal, Ticket
from hybridroute.policy import Policy, Rule, auto_reply, handoff, rule, signal
from hybridroute.progress import Progress

__all__ = [
    "FALLBACK_CONFIDENCE",
    "FALLBACK_MARGIN",
    "METHODS",
    "Evaluation",
    "EvaluationConfig",
    "run_evaluation",
]

FALLBACK_CONFIDENCE = 0.3
"""Confidence of the usual hand-set fallback (Rasa's FallbackClassifier default)."""

FALLBACK_MARGIN = 0.1
"""Margin over the runner-up of the usual hand-set fallback (Rasa's ambiguity threshold)."""

METHODS: tuple[Literal["global", "margin", "per_intent"], ...] = ("global", "margin", "per_intent")

OosTraining = Literal["class", "drop"]

_SCORE_CHUNK = 2048
_ENCODE_CHUNK = 512


@dataclass(frozen=True)
class EvaluationConfig:
    """The options of one evaluation."""

    alpha: float = 0.02
    delta: float = 0.1
    per_intent: bool = False
    model: str = "tfidf"
    calibration_fraction: float = 0.2
    seed: int = 0
    oos_training: OosTraining = "class"
    costs: CostModel | None = None
    embedding_cache: str | None = None
    progress: bool = True
    out_of_scope: str = OUT_OF_SCOPE
    min_oos_to_human: float | None = None

    @property
    def method(self) -> Literal["global", "per_intent"]:
        """The headline calibration method."""
        return "per_intent" if self.per_intent else "global"


@dataclass
class Evaluation:
    """Everything one evaluation measured."""

    config: EvaluationConfig
    model: str
    calibrations: dict[str, CalibrationResult]
    backtests: dict[str, BacktestResult]
    fallback: BacktestResult
    metrics: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def calibration(self) -> CalibrationResult:
        """The headline method's calibration."""
        return self.calibrations[self.config.method]

    @property
    def result(self) -> BacktestResult:
        """The headline method's backtest on the test tickets."""
        return self.backtests[self.config.method]


def _split(train: LabelledData, fraction: float, seed: int) -> tuple[LabelledData, LabelledData]:
    if not 0 < fraction < 1:
        raise UsageError(f"--calibration-fraction must be strictly between 0 and 1; got {fraction}")
    order = np.random.default_rng(seed).permutation(len(train))
    n_cal = round(fraction * len(train))
    if n_cal < 2 or n_cal > len(train) - 2:
        raise UsageError(
            f"{train.source} has {len(train)} rows: too few to split {fraction:.0%} off for "
            "calibration; pass a larger file or --calibration CAL.csv"
        )

    def part(index: np.ndarray[Any, Any], name: str) -> LabelledData:
        return LabelledData([train.texts[i] for i in index], [train.labels[i] for i in index], name)

    cal_name = f"{train.source} ({fraction:.0%} held out for calibration)"
    return part(order[n_cal:], train.source), part(order[:n_cal], cal_name)


def _training_rows(train: LabelledData, config: EvaluationConfig) -> tuple[list[str], list[str]]:
    oos = config.out_of_scope
    rows = list(zip(train.texts, train.labels, strict=True))
    if config.oos_training == "drop":
        rows = [(t, y) for t, y in rows if y != oos]
    if len({y for _, y in rows}) < 2:
        raise UsageError(
            f"{train.source}: training needs at least two intents; found "
            f"{sorted({y for _, y in rows})}"
        )
    return [t for t, _ in rows], [y for _, y in rows]


def _fit(
    built: BuiltModel,
    texts: list[str],
    labels: list[str],
    everything: Sequence[str],
    progress: bool,
) -> None:
    if built.embedder is not None:
        distinct = list(dict.fromkeys(everything))
        with Progress(len(distinct), "encoding texts (MiniLM)", enabled=progress) as bar:
            for i in range(0, len(distinct), _ENCODE_CHUNK):
                chunk = distinct[i : i + _ENCODE_CHUNK]
                built.embedder.encode(chunk)
                bar.advance(len(chunk))
    with Progress(1, f"training intent model {built.spec.name!r}", enabled=progress) as bar:
        built.classifier.fit(texts, labels)
        bar.advance()


def _score(
    built: BuiltModel, tickets: list[Ticket], label: str, progress: bool
) -> list[IntentSignal]:
    signals: list[IntentSignal] = []
    with Progress(len(tickets), label, enabled=progress) as bar:
        for i in range(0, len(tickets), _SCORE_CHUNK):
            chunk = tickets[i : i + _SCORE_CHUNK]
            signals.extend(built.classifier.score(chunk))
            bar.advance(len(chunk))
    return signals


def _outcomes(signals: Sequence[IntentSignal], labels: Sequence[str], oos: str) -> IntentOutcomes:
    """Predicting out of scope is abstaining: such tickets are never automated."""
    return IntentOutcomes(
        [s.confidence for s in signals],
        [s.margin for s in signals],
        [None if s.label == oos else s.label for s in signals],
        labels,
        out_of_scope=oos,
    )


def _oos_rule(knows_oos: bool, oos: str) -> list[Rule]:
    if not knows_oos:
        return []
    return [
        rule(
            signal("intent").label == oos,
            handoff("out_of_scope", reason="the intent model says out of scope"),
            name="predicted_out_of_scope",
        )
    ]


def certified_policy(result: CalibrationResult, *, knows_oos: bool, oos: str) -> Policy:
    """Hand off predicted out-of-scope tickets; auto-reply at or above the certified threshold."""
    return Policy(
        [*_oos_rule(knows_oos, oos), rule(result.condition(), auto_reply(), name="certified")],
        default=handoff("general", reason="below the certified threshold"),
        name=f"certified-{result.certificate.id}",
    )


def fallback_policy(*, knows_oos: bool, oos: str) -> Policy:
    """The usual hand-set rule: confidence >= 0.3 and margin >= 0.1, no guarantee."""
    confident = (signal("intent").confidence >= FALLBACK_CONFIDENCE) & (
        signal("intent").margin >= FALLBACK_MARGIN
    )
    return Policy(
        [*_oos_rule(knows_oos, oos), rule(confident, auto_reply(), name="hand_set_fallback")],
        default=handoff("general", reason="below the hand-set fallback thresholds"),
        name="hand-set-fallback",
    )


def _method_numbers(cal: CalibrationResult, bt: BacktestResult) -> dict[str, Any]:
    return {
        "certified": cal.certified,
        "threshold": cal.threshold,
        "score": cal.certificate.score.model_dump(mode="json"),
        "calibration_automation_rate": cal.automation_rate,
        "calibration_error_rate": cal.error_rate,
        "calibration_error_bound": cal.certificate.error_bound,
        "automation_rate": bt.automation_rate,
        "error_rate_automated": bt.error_rate_automated,
        "error_rate_interval_95": list(bt.error_interval),
        "n_automated": bt.n_automated,
        "n_wrong": bt.n_wrong,
        "oos_to_human_rate": bt.oos_to_human_rate,
        "certificate_id": cal.certificate.id,
    }


def _baseline_numbers(bt: BacktestResult, alpha: float) -> dict[str, Any]:
    return {
        "rule": f"confidence >= {FALLBACK_CONFIDENCE} and margin >= {FALLBACK_MARGIN}",
        "automation_rate": bt.automation_rate,
        "error_rate_automated": bt.error_rate_automated,
        "error_rate_interval_95": list(bt.error_interval),
        "oos_to_human_rate": bt.oos_to_human_rate,
        "exceeds_alpha": bt.error_rate_automated > alpha,
    }


def _policy_scores(bt: BacktestResult, knows_oos: bool, oos: str) -> np.ndarray[Any, Any]:
    """The backtest's scores, -inf where the policy never automates (predicted out of scope)."""
    records = bt.records
    scores = records.scores(bt.score)
    if knows_oos and oos in records.intents:
        scores = np.where(records.predicted == records.intents.index(oos), -np.inf, scores)
    return scores


def _with_policy_curve(
    bt: BacktestResult, knows_oos: bool, oos: str, delta: float
) -> BacktestResult:
    """The curve of the score *as the policy uses it* (predicted out of scope never automated)."""
    if not knows_oos:
        return bt
    scores = _policy_scores(bt, knows_oos, oos)
    return replace(bt, curve=risk_coverage(scores, bt.records.wrong_if_automated, delta=delta))


def _oracle(bt: BacktestResult, knows_oos: bool, oos: str, alpha: float) -> dict[str, Any]:
    scores = _policy_scores(bt, knows_oos, oos)
    point = oracle_operating_point(scores, bt.records.wrong_if_automated, alpha)
    return {
        "threshold": point.threshold,
        "automation_rate": point.automation_rate,
        "error_rate_automated": point.error_rate,
        "note": "chosen on the test answers: a ceiling for comparison, not a threshold to deploy",
    }


def run_evaluation(
    train: LabelledData,
    test: LabelledData,
    calibration: LabelledData | None,
    config: EvaluationConfig,
) -> Evaluation:
    """Train, calibrate, backtest and compare; see the module docstring."""
    started = time.perf_counter()
    if calibration is None:
        train, calibration = _split(train, config.calibration_fraction, config.seed)
    oos = config.out_of_scope
    x_train, y_train = _training_rows(train, config)
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="hybridroute-") as scratch:
        cache = config.embedding_cache or str(Path(scratch) / "embeddings.sqlite")
        oos_traffic = oos in train.labels or oos in calibration.labels
        built = build_intent_model(
            config.model, embedding_cache=cache, out_of_scope_traffic=oos_traffic
        )
        t0 = time.perf_counter()
        _fit(built, x_train, y_train, [*x_train, *calibration.texts, *test.texts], config.progress)
        seconds["train"] = time.perf_counter() - t0
        cal_tickets = [Ticket(id=f"cal-{i}", body=t) for i, t in enumerate(calibration.texts)]
        test_tickets = [Ticket(id=f"test-{i}", body=t) for i, t in enumerate(test.texts)]
        t0 = time.perf_counter()
        cal_signals = _score(built, cal_tickets, "scoring calibration tickets", config.progress)
        test_signals = _score(built, test_tickets, "scoring test tickets", config.progress)
        seconds["score"] = time.perf_counter() - t0
    knows_oos = oos in built.classifier.classes_

    t0 = time.perf_counter()
    outcomes = _outcomes(cal_signals, calibration.labels, oos)
    calibrations: dict[str, CalibrationResult] = {
        method: calibrate_outcomes(
            outcomes,
            alpha=config.alpha,
            delta=config.delta,
            method=method,
            random_state=config.seed,
            min_oos_to_human=config.min_oos_to_human,
        )
        for method in METHODS
    }
    seconds["calibrate"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    by_id = {t.id: s for t, s in zip(test_tickets, test_signals, strict=True)}
    precomputed = PrecomputedSignals(by_id)

    def run(policy: Policy, score: Any) -> BacktestResult:
        router = policy_router([precomputed], policy)
        return backtest(
            router,
            test_tickets,
            test.labels,
            costs=config.costs,
            score=score,
            delta=config.delta,
            out_of_scope=oos,
        )

    backtests: dict[str, BacktestResult] = {
        m: run(certified_policy(c, knows_oos=knows_oos, oos=oos), c.certificate.score)
        for m, c in calibrations.items()
    }
    backtests = {
        m: _with_policy_curve(b, knows_oos, oos, config.delta) for m, b in backtests.items()
    }
    fallback = run(fallback_policy(knows_oos=knows_oos, oos=oos), None)
    seconds["evaluate"] = time.perf_counter() - t0
    seconds["total"] = time.perf_counter() - started

    evaluation = Evaluation(
        config=config,
        model=built.spec.name,
        calibrations=calibrations,
        backtests=backtests,
        fallback=fallback,
        metrics={},
        seconds=seconds,
    )
    evaluation.metrics = _metrics(evaluation, train, calibration, test, knows_oos)
    return evaluation


def _drift(cal: CalibrationResult, bt: BacktestResult, knows_oos: bool, oos: str) -> dict[str, Any]:
    # as calibration saw them: tickets predicted out of scope are abstentions (-inf),
    # left out of the reference scores, so they are left out here too
    scores = _policy_scores(bt, knows_oos, oos)
    finite = scores[np.isfinite(scores)]
    if finite.size == 0 or not cal.reference_scores:
        return {"checked": False}
    report = cal.check_drift(finite.tolist(), warn=False)
    return {
        "checked": True,
        "drifted": report.drifted,
        "message": report.message,
        "automation_rate_test": report.automation_rate_live,
        "automation_rate_calibration": report.automation_rate_calibration,
        "p_value_rate": report.p_value_rate,
        "ks_statistic": report.ks_statistic,
        "p_value_scores": report.p_value_scores,
    }


def _metrics(
    ev: Evaluation,
    train: LabelledData,
    calibration: LabelledData,
    test: LabelledData,
    knows_oos: bool,
) -> dict[str, Any]:
    config, cal, bt = ev.config, ev.calibration, ev.result
    oos = config.out_of_scope
    n_oos_train = sum(y == oos for y in train.labels)
    metrics: dict[str, Any] = {
        "automation_rate": bt.automation_rate,
        "error_rate_automated": bt.error_rate_automated,
        "error_rate_interval_95": list(bt.error_interval),
        "certified": cal.certified,
        "alpha": config.alpha,
        "delta": config.delta,
        "n_train": len(train),
        "n_calibration": len(calibration),
        "n_test": len(test),
        "n_automated": bt.n_automated,
        "n_wrong": bt.n_wrong,
        "accuracy": bt.accuracy,
    }
    if bt.n_out_of_scope:
        metrics["oos_to_human_rate"] = bt.oos_to_human_rate
        metrics["n_out_of_scope_test"] = bt.n_out_of_scope
    metrics["min_oos_to_human"] = config.min_oos_to_human
    metrics.update(
        {
            "model": ev.model,
            "method": config.method,
            "threshold": cal.threshold,
            "statement": cal.certificate.statement(),
            "certificate": cal.certificate.model_dump(mode="json"),
            "calibration_notes": list(cal.notes),
            "oos_training": (
                "none in training data"
                if n_oos_train == 0
                else ("explicit class" if knows_oos else "dropped")
            ),
            "methods": {m: _method_numbers(ev.calibrations[m], ev.backtests[m]) for m in METHODS},
            "fallback_baseline": _baseline_numbers(ev.fallback, config.alpha),
            "oracle": _oracle(bt, knows_oos, oos, config.alpha),
            "drift": _drift(cal, bt, knows_oos, oos),
            "handoffs_by_rule": bt.handoffs_by_rule,
            "handoffs_by_queue": bt.handoffs_by_queue,
            "cost": None if bt.cost is None else bt.cost.model_dump(mode="json"),
            "fallback_cost": None
            if ev.fallback.cost is None
            else ev.fallback.cost.model_dump(mode="json"),
            "per_intent": [row.model_dump(mode="json") for row in bt.per_intent],
            "seconds": {k: round(v, 3) for k, v in ev.seconds.items()},
            "seed": config.seed,
            "hybridroute_version": __version__,
        }
    )
    return metrics
