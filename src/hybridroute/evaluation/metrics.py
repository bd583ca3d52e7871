"""The numbers an evaluation writes to ``metrics.json``, and the scores they are read from."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import numpy as np

from hybridroute._version import __version__
from hybridroute.backtest import BacktestResult, oracle_operating_point, risk_coverage
from hybridroute.calibration import CalibrationResult
from hybridroute.evaluation.config import METHODS
from hybridroute.evaluation.labelled_csv import LabelledData
from hybridroute.evaluation.policies import FALLBACK_CONFIDENCE, FALLBACK_MARGIN
from hybridroute.evaluation.result import Evaluation

__all__ = ["evaluation_metrics", "policy_scores", "with_policy_curve"]


def policy_scores(bt: BacktestResult, knows_oos: bool, oos: str) -> np.ndarray[Any, Any]:
    """The backtest's scores, -inf where the policy never automates (predicted out of scope)."""
    records = bt.records
    scores = records.scores(bt.score)
    if knows_oos and oos in records.intents:
        scores = np.where(records.predicted == records.intents.index(oos), -np.inf, scores)
    return scores


def with_policy_curve(
    bt: BacktestResult, knows_oos: bool, oos: str, delta: float
) -> BacktestResult:
    """The curve of the score *as the policy uses it* (predicted out of scope never automated)."""
    if not knows_oos:
        return bt
    scores = policy_scores(bt, knows_oos, oos)
    return replace(bt, curve=risk_coverage(scores, bt.records.wrong_if_automated, delta=delta))


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


def _oracle(bt: BacktestResult, knows_oos: bool, oos: str, alpha: float) -> dict[str, Any]:
    scores = policy_scores(bt, knows_oos, oos)
    point = oracle_operating_point(scores, bt.records.wrong_if_automated, alpha)
    return {
        "threshold": point.threshold,
        "automation_rate": point.automation_rate,
        "error_rate_automated": point.error_rate,
        "note": "chosen on the test answers: a ceiling for comparison, not a threshold to deploy",
    }


def _drift(cal: CalibrationResult, bt: BacktestResult, knows_oos: bool, oos: str) -> dict[str, Any]:
    # as calibration saw them: tickets predicted out of scope are abstentions (-inf),
    # left out of the reference scores, so they are left out here too
    scores = policy_scores(bt, knows_oos, oos)
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


def evaluation_metrics(
    ev: Evaluation,
    train: LabelledData,
    calibration: LabelledData,
    test: LabelledData,
    knows_oos: bool,
) -> dict[str, Any]:
    """The contents of ``metrics.json``: the headline, every method, baselines and drift."""
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
