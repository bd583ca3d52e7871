"""BANKING77: certified automation at alpha = 0.02, delta = 0.1, and its validity.

As a new user would: train on BANKING77 train minus a random 20% calibration split
(seed 0, as ``hybridroute evaluate`` does), calibrate on that split, evaluate on the
3,080 test tickets. For each model (tfidf = the default, minilm, ensemble = the
best) and each calibration method (global confidence, margin, per-intent
correctness score), next to the hand-set fallback (confidence >= 0.3 and margin
>= 0.1) and the test-set oracle (the laxest confidence threshold whose realised
test error is <= alpha: chosen with the answers, a ceiling only).

Validity: the calibration and test tickets are pooled (5,081) and re-split at
random (2,001 calibration / 3,080 test) ``--splits`` times; each split is
calibrated and its realised test error recorded. The share of splits with
realised error above alpha must be at most delta.

Run:  nice python benchmarks/bench_banking77.py [--splits 200]
Writes benchmarks/results/banking77.json (``--out NAME`` for another file name).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from _common import (
    at_threshold,
    fallback,
    machine,
    model_probabilities,
    oracle,
    outcomes_from,
    pct,
    write_json,
)

from hybridroute.calibration import calibrate_outcomes
from hybridroute.datasets import load_banking77
from hybridroute.evaluation import MODELS

ALPHA, DELTA = 0.02, 0.1
METHODS = ("global", "margin", "per_intent")


def split_train(texts: list[str], labels: list[str], fraction: float = 0.2, seed: int = 0):
    order = np.random.default_rng(seed).permutation(len(texts))
    n_cal = round(fraction * len(texts))
    cal, train = order[:n_cal], order[n_cal:]
    pick = lambda idx: ([texts[i] for i in idx], [labels[i] for i in idx])  # noqa: E731
    return pick(train), pick(cal)


def validity(outcomes, n_cal: int, method: str, splits: int) -> dict[str, float]:
    errors, pool_errors, automation, certified = [], [], [], 0
    for seed in range(splits):
        order = np.random.default_rng(10_000 + seed).permutation(len(outcomes))
        cal, test = outcomes.subset(order[:n_cal]), outcomes.subset(order[n_cal:])
        result = calibrate_outcomes(cal, alpha=ALPHA, delta=DELTA, method=method, random_state=seed)
        op = at_threshold(result, test)
        certified += result.certified
        errors.append(op.error_rate)
        automation.append(op.automation_rate)
        # the pool is the population both parts are drawn from: its error at the
        # certified threshold is the true risk the guarantee is about
        pool_errors.append(at_threshold(result, outcomes).error_rate)
    errors_arr = np.array(errors)
    return {
        "splits": splits,
        "share_above_alpha": float((errors_arr > ALPHA).mean()),
        "share_population_risk_above_alpha": float((np.array(pool_errors) > ALPHA).mean()),
        "mean_error": float(errors_arr.mean()),
        "worst_error": float(errors_arr.max()),
        "mean_automation": float(np.mean(automation)),
        "min_automation": float(np.min(automation)),
        "share_certified": certified / splits,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--splits", type=int, default=200)
    parser.add_argument("--models", default="tfidf,tfidf-svm,minilm,ensemble")
    parser.add_argument("--out", default="banking77.json", help="file name under results/")
    args = parser.parse_args()
    started = time.perf_counter()
    info = machine()

    texts, labels = load_banking77("train", return_X_y=True)
    test_x, test_y = load_banking77("test", return_X_y=True)
    (train_x, train_y), (cal_x, cal_y) = split_train(texts, labels)
    print(f"BANKING77: train {len(train_x):,}, calibration {len(cal_x):,}, test {len(test_x):,}")

    models = [m for m in args.models.split(",") if MODELS[m].available()]
    results: dict[str, dict] = {}
    for model in models:
        p = model_probabilities(model, train_x, train_y, cal_x + test_x)
        cal = outcomes_from(p.take(np.arange(len(cal_x))), cal_y)
        test = outcomes_from(p.take(np.arange(len(cal_x), len(cal_x) + len(test_x))), test_y)
        row: dict = {"accuracy_test": float(1 - test.errors.mean())}
        for method in METHODS:
            result = calibrate_outcomes(cal, alpha=ALPHA, delta=DELTA, method=method)
            row[method] = {
                **at_threshold(result, test).as_dict(),
                "threshold": result.threshold,
                "certified": result.certified,
                "calibration_automation_rate": result.automation_rate,
            }
        row["fallback_0.3_0.1"] = fallback(test).as_dict()
        row["oracle"] = oracle(test, ALPHA).as_dict()
        pool = outcomes_from(p, cal_y + test_y)
        row["validity"] = {
            method: validity(pool, len(cal_x), method, args.splits) for method in METHODS
        }
        results[model] = row
        print(f"\n{model}: test accuracy {pct(row['accuracy_test'])}")
        print(f"  {'policy':<28}{'automated':>10}{'error':>9}")
        for name in (*METHODS, "fallback_0.3_0.1", "oracle"):
            r = row[name]
            print(
                f"  {name:<28}{pct(r['automation_rate']):>10}{pct(r['error_rate_automated'], 2):>9}"
            )
        for method, v in row["validity"].items():
            print(
                f"  validity {method:<11} {v['splits']} splits: share > alpha "
                f"{pct(v['share_above_alpha'])} (population risk > alpha "
                f"{pct(v['share_population_risk_above_alpha'])}), mean error "
                f"{pct(v['mean_error'], 2)}, worst {pct(v['worst_error'], 2)}, "
                f"mean automation {pct(v['mean_automation'])}"
            )
    payload = {
        "alpha": ALPHA,
        "delta": DELTA,
        "n_train": len(train_x),
        "n_calibration": len(cal_x),
        "n_test": len(test_x),
        "models": results,
        "seconds": time.perf_counter() - started,
        "machine": info,
    }
    print(f"\nwrote {write_json(args.out, payload)}")


if __name__ == "__main__":
    main()
