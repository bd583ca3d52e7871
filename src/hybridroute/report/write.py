"""``write_report``: metrics.json, the HTML page and its plots, in one folder."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from hybridroute._version import __version__
from hybridroute.backtest import BacktestResult
from hybridroute.calibration import CalibrationResult
from hybridroute.calibration.result import EXCHANGEABILITY
from hybridroute.exceptions import UsageError
from hybridroute.report.confusion import top_confusions
from hybridroute.report.figures import (
    OperatingPoint,
    plot_confusion,
    plot_per_intent,
    plot_reliability,
    plot_risk_coverage,
)
from hybridroute.report.page import PageContent, render_page
from hybridroute.report.reliability import expected_calibration_error, reliability_bins

__all__ = ["ReportFiles", "report_metrics", "write_report"]

RISK_COVERAGE_PNG = "risk_coverage.png"
PER_INTENT_PNG = "per_intent_automation.png"
RELIABILITY_PNG = "reliability.png"
CONFUSION_PNG = "confusion.png"


@dataclass(frozen=True)
class ReportFiles:
    """Where the report's files were written."""

    directory: Path
    metrics: Path
    html: Path
    figures: dict[str, Path]


def report_metrics(
    result: BacktestResult,
    *,
    alpha: float,
    delta: float,
    calibration: CalibrationResult | None = None,
) -> dict[str, Any]:
    """The headline numbers of a backtest (and its certificate), JSON-ready."""
    metrics: dict[str, Any] = {
        "automation_rate": result.automation_rate,
        "error_rate_automated": result.error_rate_automated,
        "error_rate_interval_95": list(result.error_interval),
        "certified": bool(calibration is not None and calibration.certified),
        "alpha": alpha,
        "delta": delta,
        "n_test": result.n_tickets,
        "n_calibration": None if calibration is None else calibration.certificate.n_calibration,
        "accuracy": result.accuracy,
    }
    if result.n_out_of_scope:
        metrics["oos_to_human_rate"] = result.oos_to_human_rate
    if calibration is not None:
        metrics["certificate"] = calibration.certificate.model_dump(mode="json")
    metrics["backtest"] = result.to_dict(curve=False)
    return metrics


def write_report(
    out_dir: str | os.PathLike[str],
    result: BacktestResult,
    *,
    alpha: float,
    delta: float,
    calibration: CalibrationResult | None = None,
    alternatives: Mapping[str, BacktestResult] | None = None,
    baselines: Mapping[str, BacktestResult] | None = None,
    oracle: OperatingPoint | None = None,
    metrics: Mapping[str, Any] | None = None,
    notes: tuple[str, ...] = (),
    title: str = "hybridroute evaluation",
    headline: str | None = None,
) -> ReportFiles:
    """Write ``metrics.json``, ``report.html`` and four PNG plots into ``out_dir``.

    Parameters
    ----------
    out_dir : path
        Created if missing; files in it with the same names are replaced.
    result : BacktestResult
        The backtest of the policy being reported (usually the certified one).
    alpha, delta : float
        The error target and the failure probability it was certified at.
    calibration : CalibrationResult, optional
        The calibration behind ``result``: its certificate heads the page and its
        curve (with upper bounds) is drawn next to the test curve.
    alternatives : mapping of str to BacktestResult, optional
        Other policies to list in the table (e.g. other calibration methods).
    baselines : mapping of str to BacktestResult, optional
        Policies to list *and* mark on the risk-coverage plot (e.g. a hand-set
        threshold).
    oracle : (float, float), optional
        The test-set oracle point (automation, error) to show as a ceiling.
    metrics : mapping, optional
        Written into ``metrics.json`` over the defaults of :func:`report_metrics`.
    notes : tuple of str
        Shown on the page.
    title : str
        The page title.
    headline : str, optional
        Name of ``result`` in the table (default: "certified policy", or "policy"
        without a calibration).

    Returns
    -------
    ReportFiles
        The paths written.
    """
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the report folder {out}: {exc}") from exc
    baselines = dict(baselines or {})
    figures = _draw(out, result, alpha, calibration, baselines, oracle)
    merged = report_metrics(result, alpha=alpha, delta=delta, calibration=calibration)
    merged.update(metrics or {})
    metrics_path = out / "metrics.json"
    metrics_path.write_text(json.dumps(merged, indent=2, default=str) + "\n", encoding="utf-8")
    if calibration is None:
        statement = "No calibration: this policy carries no error guarantee."
    else:
        statement = calibration.certificate.statement()
    headline_name = headline or ("certified policy" if calibration is not None else "policy")
    rows = {headline_name: result, **(alternatives or {}), **baselines}
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    content = PageContent(
        title=title,
        statement=statement,
        certified=calibration is not None and calibration.certified,
        alpha=alpha,
        delta=delta,
        rows=rows,
        oracle=oracle,
        figures={caption: path.name for caption, path in figures.items()},
        notes=(*(calibration.notes if calibration is not None else ()), *notes),
        assumption=EXCHANGEABILITY,
        footer=f"hybridroute {__version__}, {stamp}; {result.n_tickets:,} tickets evaluated.",
    )
    html_path = out / "report.html"
    html_path.write_text(render_page(content), encoding="utf-8")
    return ReportFiles(out, metrics_path, html_path, figures)


def _draw(
    out: Path,
    result: BacktestResult,
    alpha: float,
    calibration: CalibrationResult | None,
    baselines: Mapping[str, BacktestResult],
    oracle: OperatingPoint | None,
) -> dict[str, Path]:
    records = result.records
    certified = None
    if calibration is None or calibration.certified:
        certified = (result.automation_rate, result.error_rate_automated)
    figures = {
        "Risk-coverage curve": out / RISK_COVERAGE_PNG,
        "Automation by intent": out / PER_INTENT_PNG,
        "Reliability of the intent confidence": out / RELIABILITY_PNG,
        "Most confused intents": out / CONFUSION_PNG,
    }
    plot_risk_coverage(
        figures["Risk-coverage curve"],
        result.curve,
        alpha=alpha,
        certified=certified,
        calibration_curve=calibration.curve if calibration is not None else (),
        others={k: (b.automation_rate, b.error_rate_automated) for k, b in baselines.items()},
        oracle=oracle,
    )
    plot_per_intent(figures["Automation by intent"], result.per_intent)
    bins = reliability_bins(records.confidence, records.correct)
    plot_reliability(
        figures["Reliability of the intent confidence"], bins, ece=expected_calibration_error(bins)
    )
    table = top_confusions(records.label_names(), records.predicted_names())
    plot_confusion(figures["Most confused intents"], table)
    return figures
