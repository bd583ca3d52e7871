"""``hybridroute evaluate``: certify an auto-reply threshold on your data and report it.

::

    hybridroute evaluate --train TRAIN.csv --test TEST.csv --alpha 0.02 --delta 0.1 --out DIR
        [--calibration CAL.csv | --calibration-fraction 0.2] [--per-intent] [--model NAME]

Writes ``DIR/metrics.json``, ``DIR/report.html`` with its PNG plots, and
``DIR/calibration.json`` (load it with ``hr.CalibrationResult.load`` to put the
certified threshold into a policy).
"""

from __future__ import annotations

import argparse
from typing import Any

from hybridroute.backtest import CostModel
from hybridroute.evaluation import (
    BEST,
    DEFAULT_MODEL,
    FALLBACK_CONFIDENCE,
    FALLBACK_MARGIN,
    METHODS,
    MODELS,
    Evaluation,
    EvaluationConfig,
    read_labelled_csv,
    resolve_model,
    run_evaluation,
)
from hybridroute.exceptions import UsageError

__all__ = ["format_summary", "register"]


def _probability(name: str) -> Any:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not 0 < value < 1:
            raise argparse.ArgumentTypeError(f"{name} must be strictly between 0 and 1, got {text}")
        return value

    return parse


def _model_help() -> str:
    lines = [spec.help_line() for spec in MODELS.values()]
    lines.append(f"{BEST}: the strongest installed")
    return f"intent model (default: {DEFAULT_MODEL}). " + "; ".join(lines)


def register(commands: Any) -> None:
    """Add the ``evaluate`` sub-command."""
    parser = commands.add_parser(
        "evaluate",
        help="certify an auto-reply threshold on labelled tickets and write a report",
        description=(
            "Train an intent model on TRAIN.csv, certify an auto-reply threshold on a "
            "calibration split so that at most ALPHA of automated tickets are wrong with "
            "probability at least 1 - DELTA, evaluate it on TEST.csv next to the usual "
            f"hand-set fallback (confidence >= {FALLBACK_CONFIDENCE}, margin >= "
            f"{FALLBACK_MARGIN}), and write metrics.json and report.html. CSV files have "
            "columns text,label; label 'oos' marks out-of-scope tickets, which are never "
            "to be automated."
        ),
    )
    parser.add_argument("--train", required=True, metavar="TRAIN.csv", help="training tickets")
    parser.add_argument("--test", required=True, metavar="TEST.csv", help="evaluation tickets")
    parser.add_argument(
        "--alpha",
        type=_probability("--alpha"),
        default=0.02,
        help="largest acceptable error rate among automated tickets (default: %(default)s)",
    )
    parser.add_argument(
        "--delta",
        type=_probability("--delta"),
        default=0.1,
        help="largest acceptable probability that the guarantee fails (default: %(default)s)",
    )
    parser.add_argument("--out", required=True, metavar="DIR", help="output folder")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--calibration",
        metavar="CAL.csv",
        help="labelled calibration tickets, never used for training (must look like live "
        "traffic, including its out-of-scope share)",
    )
    source.add_argument(
        "--calibration-fraction",
        type=_probability("--calibration-fraction"),
        default=0.2,
        help="share of TRAIN.csv held out for calibration when --calibration is not given "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--per-intent",
        action="store_true",
        help="headline the per-intent method (a learned per-intent correctness score, one "
        "global certified threshold) instead of the global confidence threshold",
    )
    parser.add_argument("--model", default=DEFAULT_MODEL, metavar="NAME", help=_model_help())
    parser.add_argument(
        "--oos-training",
        choices=("class", "drop"),
        default="class",
        help="training rows labelled oos: learn them as an explicit out-of-scope class that "
        "is always handed off (default), or drop them",
    )
    parser.add_argument(
        "--min-oos-to-human",
        type=_probability("--min-oos-to-human"),
        metavar="SHARE",
        help="also certify that at least SHARE (for example 0.97) of out-of-scope tickets go "
        "to a human, jointly with --alpha at the same --delta; the calibration data need "
        "out-of-scope rows in the share live traffic has",
    )
    parser.add_argument("--human-cost", type=float, help="cost of a ticket a human handles")
    parser.add_argument("--error-cost", type=float, help="cost of a wrong automated answer")
    parser.add_argument(
        "--embedding-cache",
        metavar="FILE",
        help="SQLite file to keep sentence embeddings between runs (minilm, ensemble)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="stop at the first row with an empty text instead of skipping such rows "
        "(skipped rows are counted, with their line numbers, in the output and metrics.json)",
    )
    parser.add_argument("--seed", type=int, default=0, help="seed of the random splits")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.set_defaults(run=_run)


def _costs(args: argparse.Namespace) -> CostModel | None:
    if args.human_cost is None and args.error_cost is None:
        return None
    if args.human_cost is None or args.error_cost is None:
        raise UsageError("give both --human-cost and --error-cost, or neither")
    if args.human_cost < 0 or args.error_cost < 0:
        raise UsageError("--human-cost and --error-cost must not be negative")
    return CostModel(human_cost=args.human_cost, error_cost=args.error_cost)


def _run(args: argparse.Namespace) -> int:
    from hybridroute.report import write_report

    resolve_model(args.model)  # fail before reading data if the model is not installed
    costs = _costs(args)
    train = read_labelled_csv(args.train, strict=args.strict)
    test = read_labelled_csv(args.test, strict=args.strict)
    calibration = (
        read_labelled_csv(args.calibration, strict=args.strict) if args.calibration else None
    )
    config = EvaluationConfig(
        alpha=args.alpha,
        delta=args.delta,
        per_intent=args.per_intent,
        model=args.model,
        calibration_fraction=args.calibration_fraction,
        seed=args.seed,
        oos_training=args.oos_training,
        costs=costs,
        embedding_cache=args.embedding_cache,
        progress=not args.quiet,
        min_oos_to_human=args.min_oos_to_human,
    )
    evaluation = run_evaluation(train, test, calibration, config)
    others = {f"certified ({m})": evaluation.backtests[m] for m in METHODS if m != config.method}
    oracle = evaluation.metrics["oracle"]
    files = write_report(
        args.out,
        evaluation.result,
        alpha=config.alpha,
        delta=config.delta,
        calibration=evaluation.calibration,
        alternatives=others,
        baselines={"hand-set fallback (0.3 / 0.1)": evaluation.fallback},
        oracle=(oracle["automation_rate"], oracle["error_rate_automated"]),
        metrics=evaluation.metrics,
        notes=_notes(evaluation),
        title=f"hybridroute evaluate: {evaluation.model} model, {config.method} method",
        headline=f"certified ({config.method})",
    )
    evaluation.calibration.save(files.directory / "calibration.json")
    print(format_summary(evaluation))
    print(f"\n  report:  {files.html}\n  metrics: {files.metrics}")
    return 0


def _notes(evaluation: Evaluation) -> tuple[str, ...]:
    drift = evaluation.metrics["drift"]
    notes = []
    if drift.get("drifted"):
        notes.append("Drift: " + drift["message"])
    notes.append(f"Out-of-scope training rows: {evaluation.metrics['oos_training']}.")
    return tuple(notes)


def _pct(x: float | None, digits: int = 1) -> str:
    return "    n/a" if x is None else f"{100 * x:6.{digits}f}%"


def _skipped_lines(skipped: dict[str, dict[str, Any]], shown: int = 20) -> list[str]:
    """One line per file that had rows skipped for an empty text, with their line numbers."""
    lines = []
    for entry in skipped.values():
        if not entry["count"]:
            continue
        numbers = ", ".join(str(n) for n in entry["lines"][:shown])
        more = f" and {entry['count'] - shown} more" if entry["count"] > shown else ""
        lines.append(
            f"  skipped {entry['count']} row(s) with an empty text in {entry['file']}: "
            f"line(s) {numbers}{more} (--strict stops at them instead)"
        )
    return lines


def format_summary(evaluation: Evaluation) -> str:
    """The comparison printed on the terminal."""
    m = evaluation.metrics
    config = evaluation.config
    has_oos = "oos_to_human_rate" in m
    lines = [
        "",
        f"hybridroute evaluate: model {evaluation.model}, alpha {config.alpha:g}, "
        f"delta {config.delta:g}",
        f"  train {m['n_train']:,}  calibration {m['n_calibration']:,}  test {m['n_test']:,}"
        f"  intent accuracy (in-scope test) {_pct(m['accuracy']).strip()}",
        "",
        "  " + evaluation.calibration.certificate.statement(),
        "",
        f"  {'policy':<34}{'automated':>10}{'error':>9}  within alpha"
        + ("  oos to human" if has_oos else ""),
    ]

    def row(name: str, auto: float, err: float, oos: float | None) -> str:
        ok = "yes" if err <= config.alpha else "NO"
        tail = f"  {_pct(oos):>12}" if has_oos else ""
        return f"  {name:<34}{_pct(auto):>10}{_pct(err, 2):>9}  {ok:>12}{tail}"

    for method in METHODS:
        numbers = m["methods"][method]
        mark = " *" if method == config.method else ""
        lines.append(
            row(
                f"certified, {method}{mark}",
                numbers["automation_rate"],
                numbers["error_rate_automated"],
                numbers["oos_to_human_rate"],
            )
        )
    base = m["fallback_baseline"]
    lines.append(
        row(
            f"hand-set fallback ({FALLBACK_CONFIDENCE} / {FALLBACK_MARGIN})",
            base["automation_rate"],
            base["error_rate_automated"],
            base["oos_to_human_rate"],
        )
    )
    oracle = m["oracle"]
    lines.append(
        f"  {'test-set oracle (not deployable)':<34}{_pct(oracle['automation_rate']):>10}"
        f"{_pct(oracle['error_rate_automated'], 2):>9}"
    )
    lines.append(
        "  (* headline method; 'error' is the realised error among automated test tickets)"
    )
    if m["drift"].get("drifted"):
        lines += ["", "  WARNING: " + m["drift"]["message"]]
    lines += _skipped_lines(m.get("skipped_rows", {}))
    for note in m["calibration_notes"]:
        lines.append(f"  note: {note}")
    return "\n".join(lines)
