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
from pathlib import Path
from typing import Any

from hybridroute.backtest import BacktestResult, PrecomputedSignals, backtest, policy_router
from hybridroute.calibration import CalibrationResult, IntentOutcomes, calibrate_outcomes
from hybridroute.evaluation.config import METHODS, EvaluationConfig
from hybridroute.evaluation.intent_models import BuiltModel, build_intent_model
from hybridroute.evaluation.labelled_csv import LabelledData
from hybridroute.evaluation.metrics import evaluation_metrics, with_policy_curve
from hybridroute.evaluation.policies import certified_policy, fallback_policy
from hybridroute.evaluation.result import Evaluation
from hybridroute.evaluation.splits import split_calibration, training_rows
from hybridroute.models import IntentSignal, Ticket
from hybridroute.policy import Policy
from hybridroute.progress import Progress

__all__ = ["run_evaluation"]

_SCORE_CHUNK = 2048
_ENCODE_CHUNK = 512


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


def _calibrate_every_method(
    signals: Sequence[IntentSignal], labels: Sequence[str], config: EvaluationConfig
) -> dict[str, CalibrationResult]:
    outcomes = _outcomes(signals, labels, config.out_of_scope)
    return {
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


def _backtest_every_policy(
    calibrations: dict[str, CalibrationResult],
    tickets: list[Ticket],
    signals: list[IntentSignal],
    labels: Sequence[str],
    config: EvaluationConfig,
    knows_oos: bool,
) -> tuple[dict[str, BacktestResult], BacktestResult]:
    """Each method's certified policy, and the hand-set fallback, on the test tickets."""
    oos = config.out_of_scope
    precomputed = PrecomputedSignals({t.id: s for t, s in zip(tickets, signals, strict=True)})

    def run(policy: Policy, score: Any) -> BacktestResult:
        router = policy_router([precomputed], policy)
        return backtest(
            router,
            tickets,
            labels,
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
        m: with_policy_curve(b, knows_oos, oos, config.delta) for m, b in backtests.items()
    }
    return backtests, run(fallback_policy(knows_oos=knows_oos, oos=oos), None)


def run_evaluation(
    train: LabelledData,
    test: LabelledData,
    calibration: LabelledData | None,
    config: EvaluationConfig,
) -> Evaluation:
    """Train, calibrate, backtest and compare; see the module docstring."""
    started = time.perf_counter()
    skipped = _skipped_rows(train, calibration, test)
    if calibration is None:
        train, calibration = split_calibration(train, config.calibration_fraction, config.seed)
    oos = config.out_of_scope
    x_train, y_train = training_rows(train, config)
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
    calibrations = _calibrate_every_method(cal_signals, calibration.labels, config)
    seconds["calibrate"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    backtests, fallback = _backtest_every_policy(
        calibrations, test_tickets, test_signals, test.labels, config, knows_oos
    )
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
    evaluation.metrics = evaluation_metrics(evaluation, train, calibration, test, knows_oos)
    evaluation.metrics["skipped_rows"] = skipped
    return evaluation


def _skipped_rows(
    train: LabelledData, calibration: LabelledData | None, test: LabelledData
) -> dict[str, dict[str, Any]]:
    """Per file read (``train``, ``calibration`` when given, ``test``): the rows left out.

    Each entry has the file, the ``count`` of rows skipped for an empty text and
    their ``lines`` in that file, for ``metrics.json``.
    """
    files = {"train": train, "calibration": calibration, "test": test}
    return {
        name: {
            "file": data.source,
            "count": len(data.skipped_lines),
            "lines": list(data.skipped_lines),
        }
        for name, data in files.items()
        if data is not None
    }
