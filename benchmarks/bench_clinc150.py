"""CLINC150 with out-of-scope traffic, calibrated on data with the test's out-of-scope share.

The models train on CLINC150 train (15,000 in-scope queries; with ``oos`` training
the 100 out-of-scope training queries too, as an explicit class that is always
handed off, as Larson et al. 2019 did; with ``drop`` they are left out). The
val and test parts (7,500 in-scope + 1,100 out-of-scope = 8,600) are pooled and
re-split at random, half for calibration and half for test, ``--draws`` times, so
calibration and test share the same out-of-scope share (12.8%), as the guarantee
needs. Each draw is calibrated with every method at alpha = 0.02, delta = 0.1:
``global``, ``margin`` and ``per_intent`` certify the error among automated tickets
only; ``global+oos97`` and ``per_intent+oos97`` certify, jointly, that at least 97%
of out-of-scope tickets go to a human (``calibrate(..., min_oos_to_human=0.97)``).
Models: tfidf, minilm, ensemble, and ensemble-oos (the ensemble with its confidence
scaled by familiarity with the training texts).

Reported per model, out-of-scope training and method, over the draws: automation
of all test tickets, realised error among automated tickets (an automated
out-of-scope ticket is an error), share of out-of-scope tickets handed to a
human; the validity numbers (share of draws whose realised error exceeds alpha,
mean and worst); and the in-scope accuracy / out-of-scope recall table next to
Larson et al.'s published threshold baselines.

Run:  nice python benchmarks/bench_clinc150.py [--draws 100]
Writes benchmarks/results/clinc150.json.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import (
    OOS,
    at_threshold,
    fallback,
    machine,
    model_probabilities,
    outcomes_from,
    pct,
    write_json,
)

from hybridroute.calibration import calibrate_outcomes
from hybridroute.datasets import load_clinc150
from hybridroute.evaluation import MODELS

ALPHA, DELTA = 0.02, 0.1
MIN_OOS_TO_HUMAN = 0.97
"""The out-of-scope target of the issue, certified jointly by the "+oos97" methods."""
METHODS = ("global", "margin", "per_intent", "global+oos97", "per_intent+oos97")
FALLBACK = "fallback_0.3_0.1"


#: Larson et al. 2019, Table 2, "Full" setting: in-scope accuracy / out-of-scope recall.
LARSON = {
    "threshold SVM": (0.882, 0.180),
    "threshold MLP": (0.934, 0.491),
    "threshold BERT": (0.962, 0.523),
    "oos-train BERT": (0.969, 0.403),
}


def summarise(rows: list[dict]) -> dict:
    auto = np.array([r["automation_rate"] for r in rows])
    err = np.array([r["error_rate_automated"] for r in rows])
    oos = np.array([r["oos_to_human_rate"] for r in rows])
    out = {
        "draws": len(rows),
        "automation_mean": float(auto.mean()),
        "automation_min": float(auto.min()),
        "automation_max": float(auto.max()),
        "error_mean": float(err.mean()),
        "error_worst": float(err.max()),
        "share_error_above_alpha": float((err > ALPHA).mean()),
        "oos_to_human_mean": float(oos.mean()),
        "oos_to_human_min": float(oos.min()),
    }
    if "in_scope_automated_correct" in rows[0]:
        out["in_scope_automated_correct_mean"] = float(
            np.mean([r["in_scope_automated_correct"] for r in rows])
        )
        out["share_certified"] = float(np.mean([r["certified"] for r in rows]))
    return out


def run_config(p, labels: list[str], draws: int, methods: tuple[str, ...]) -> dict:
    pool = outcomes_from(p, labels)
    in_scope = np.array([y != OOS for y in labels])
    half = len(pool) // 2
    per_method: dict[str, list[dict]] = {m: [] for m in (*methods, FALLBACK)}
    for draw in range(draws):
        order = np.random.default_rng(draw).permutation(len(pool))
        cal_idx, test_idx = order[:half], order[half:]
        cal, test = pool.subset(cal_idx), pool.subset(test_idx)
        for method in methods:
            base, _, joint = method.partition("+")
            result = calibrate_outcomes(
                cal,
                alpha=ALPHA,
                delta=DELTA,
                method=base,  # type: ignore[arg-type]
                random_state=draw,
                min_oos_to_human=MIN_OOS_TO_HUMAN if joint else None,
            )
            op = at_threshold(result, test)
            row = op.as_dict()
            if result.threshold is not None:
                auto = test.scores(result.certificate.score) >= result.threshold
            else:
                auto = np.zeros(len(test), dtype=bool)
            keep = in_scope[test_idx]
            row["in_scope_automated_correct"] = float((auto & ~test.errors)[keep].mean())
            row["certified"] = result.certified
            per_method[method].append(row)
        per_method[FALLBACK].append(fallback(test).as_dict())
    return {name: summarise(rows) for name, rows in per_method.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--draws", type=int, default=100)
    parser.add_argument("--models", default="tfidf,tfidf-svm,minilm,ensemble,ensemble-oos")
    args = parser.parse_args()
    started = time.perf_counter()
    info = machine()

    train_x, train_y = load_clinc150("train", return_X_y=True)
    val_x, val_y = load_clinc150("val", return_X_y=True)
    test_x, test_y = load_clinc150("test", return_X_y=True)
    pool_x, pool_y = val_x + test_x, val_y + test_y
    official_in_scope = np.array([y != OOS for y in test_y])
    print(
        f"CLINC150: train {len(train_x):,} ({sum(y == OOS for y in train_y)} oos); pool "
        f"{len(pool_x):,} ({sum(y == OOS for y in pool_y)} oos), split 50/50, {args.draws} draws"
    )

    models = [m for m in args.models.split(",") if MODELS[m].available()]
    results: dict[str, dict] = {}
    for model in models:
        for oos_training in ("class", "drop"):
            # without the oos class, only the headline method (the comparison)
            methods = METHODS if oos_training == "class" else ("global",)
            keep = [i for i, y in enumerate(train_y) if oos_training == "class" or y != OOS]
            tx, ty = [train_x[i] for i in keep], [train_y[i] for i in keep]
            p = model_probabilities(model, tx, ty, pool_x)
            name = f"{model}/oos-{oos_training}"
            config = run_config(p, pool_y, args.draws, methods)
            # in-scope top-1 accuracy on the official test split (Larson et al.'s metric)
            official = outcomes_from(p.take(np.arange(len(val_x), len(pool_x))), test_y)
            config["in_scope_accuracy_official_test"] = float(
                (~official.errors)[official_in_scope].mean()
            )
            results[name] = config
            print(
                f"\n{name}: in-scope top-1 accuracy (official test) "
                f"{pct(config['in_scope_accuracy_official_test'])}"
            )
            print(
                f"  {'policy':<18}{'automated (min-max)':>26}{'error':>8}{'worst':>8}"
                f"{'>alpha':>8}{'oos->human (min)':>20}"
            )
            for method in (*methods, FALLBACK):
                s = config[method]
                print(
                    f"  {method:<18}{pct(s['automation_mean']):>8} "
                    f"({pct(s['automation_min'])}-{pct(s['automation_max'])})"
                    f"{pct(s['error_mean'], 2):>8}{pct(s['error_worst'], 2):>8}"
                    f"{pct(s['share_error_above_alpha']):>8}"
                    f"{pct(s['oos_to_human_mean']):>11} ({pct(s['oos_to_human_min'])})"
                )
    print("\nIn-scope accuracy / out-of-scope recall (Larson et al. 2019, Full, Table 2):")
    for name, (acc, rec) in LARSON.items():
        print(f"  {name:<34}{pct(acc):>8} / {pct(rec)}")
    for name, config in results.items():
        if "global+oos97" not in config:
            continue
        g = config["global+oos97"]
        accuracy = pct(config["in_scope_accuracy_official_test"])
        print(
            f"  {name + ' (certified, global+oos97)':<34}{accuracy:>8}"
            f" / {pct(g['oos_to_human_mean'])}   (in-scope answered correctly "
            f"{pct(g['in_scope_automated_correct_mean'])})"
        )
    payload = {
        "alpha": ALPHA,
        "delta": DELTA,
        "min_oos_to_human": MIN_OOS_TO_HUMAN,
        "n_train": len(train_x),
        "n_pool": len(pool_x),
        "draws": args.draws,
        "configs": results,
        "larson_2019_full": {
            k: {"in_scope_accuracy": a, "oos_recall": r} for k, (a, r) in LARSON.items()
        },
        "seconds": time.perf_counter() - started,
        "machine": info,
    }
    print(f"\nwrote {write_json('clinc150.json', payload)}")


if __name__ == "__main__":
    main()
