"""Variants of the default TF-IDF intent model, compared by *certified* automation.

On BANKING77 (the 8,002 / 2,001 train/calibration split of ``bench_banking77.py``,
seed 0, and the 3,080 test tickets) each variant is fitted, then reported: fit
seconds, test accuracy, certified automation and realised test error with the
global and margin methods (alpha = 0.02, delta = 0.1), the test-set oracle, and,
because one calibration split is noisy, the means over ``--resplits`` re-splits of
the pooled 5,081 calibration + test tickets (as ``validity`` in bench_banking77.py)
with the share of re-splits whose realised error exceeds alpha.

Variants: ``default`` (what ``IntentClassifier()`` builds: word 1-2-gram + char_wb
2-5-gram TF-IDF, logistic regression C=20), ``C100``, ``C300``, ``word-C50`` (word
features only), ``plain`` (scikit-learn defaults: ``TfidfVectorizer()`` + logistic
regression), ``balanced`` (class weights), ``svm`` (what
``IntentClassifier(model="svm")`` builds: Platt-scaled linear SVMs, 5-fold).

Run:  nice .venv/bin/python benchmarks/intent_variants.py [--variants default,svm] [--resplits 30]
Writes benchmarks/results/intent_variants.json.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
from _common import (
    CACHE,
    Probabilities,
    _digest,
    at_threshold,
    machine,
    oracle,
    outcomes_from,
    pct,
    write_json,
)
from bench_banking77 import split_train
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline

from hybridroute.calibration import calibrate_outcomes
from hybridroute.classifiers.intent import IntentClassifier
from hybridroute.datasets import load_banking77

ALPHA, DELTA = 0.02, 0.1
METHODS = ("global", "margin")


def _union_with(head: LogisticRegression) -> Pipeline:
    """The default features (taken from IntentClassifier) with another model on top."""
    features = IntentClassifier().estimator.named_steps["features"]
    return Pipeline([("features", features), ("model", head)])


def _lr(c: float, **kw: object) -> LogisticRegression:
    return LogisticRegression(C=c, max_iter=2000, random_state=0, **kw)


VARIANTS: dict[str, Callable[[], object]] = {
    "default": lambda: IntentClassifier().estimator,
    "C100": lambda: _union_with(_lr(100)),
    "C300": lambda: _union_with(_lr(300)),
    "word-C50": lambda: Pipeline(
        [
            ("features", TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True)),
            ("model", _lr(50)),
        ]
    ),
    "plain": lambda: Pipeline(
        [("features", TfidfVectorizer()), ("model", LogisticRegression(max_iter=2000))]
    ),
    "balanced": lambda: _union_with(_lr(20, class_weight="balanced")),
    "svm": lambda: IntentClassifier(model="svm").estimator,
}


def probabilities(name: str, train: tuple[list, list], texts: list[str]) -> tuple:
    """The variant's probabilities for ``texts`` (cached) and its fit seconds."""
    key = _digest([name], train[0], train[1], texts)
    path = CACHE / f"variant-{name}-{key}.npz"
    if path.exists():
        data = np.load(path, allow_pickle=False)
        return Probabilities(tuple(map(str, data["classes"])), data["proba"]), float(data["fit"])
    model = VARIANTS[name]()
    started = time.perf_counter()
    model.fit(train[0], train[1])  # type: ignore[attr-defined]
    fit = time.perf_counter() - started
    proba = model.predict_proba(texts)  # type: ignore[attr-defined]
    classes = tuple(str(c) for c in model.classes_)  # type: ignore[attr-defined]
    CACHE.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, classes=np.array(classes), proba=proba, fit=fit)
    return Probabilities(classes, proba), fit


def resplits(pool, n_cal: int, method: str, count: int) -> dict[str, float]:
    automation, errors = [], []
    for s in range(count):
        order = np.random.default_rng(10_000 + s).permutation(len(pool))
        cal, test = pool.subset(order[:n_cal]), pool.subset(order[n_cal:])
        result = calibrate_outcomes(cal, alpha=ALPHA, delta=DELTA, method=method, random_state=s)
        op = at_threshold(result, test)
        automation.append(op.automation_rate)
        errors.append(op.error_rate)
    err = np.array(errors)
    return {
        "mean_automation": float(np.mean(automation)),
        "mean_error": float(err.mean()),
        "share_above_alpha": float((err > ALPHA).mean()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--resplits", type=int, default=30)
    args = parser.parse_args()
    started = time.perf_counter()
    info = machine()
    texts, labels = load_banking77("train", return_X_y=True)
    test_x, test_y = load_banking77("test", return_X_y=True)
    train, (cal_x, cal_y) = split_train(texts, labels)
    n_cal = len(cal_x)
    results: dict[str, dict] = {}
    for name in args.variants.split(","):
        p, fit = probabilities(name, train, cal_x + test_x)
        cal = outcomes_from(p.take(np.arange(n_cal)), cal_y)
        test = outcomes_from(p.take(np.arange(n_cal, n_cal + len(test_x))), test_y)
        pool = outcomes_from(p, cal_y + test_y)
        row: dict = {"fit_seconds": fit, "accuracy_test": float(1 - test.errors.mean())}
        for method in METHODS:
            result = calibrate_outcomes(cal, alpha=ALPHA, delta=DELTA, method=method)
            row[method] = at_threshold(result, test).as_dict()
            row[f"{method}_resplits"] = resplits(pool, n_cal, method, args.resplits)
        row["oracle"] = oracle(test, ALPHA).as_dict()
        results[name] = row
        print(f"  {name}: done [{time.perf_counter() - started:.0f}s]", flush=True)

    print(
        f"\n{'variant':<10}{'fit s':>7}{'acc':>8}{'global':>16}{'margin':>16}{'oracle':>8}"
        f"{f'{args.resplits}x global':>22}{f'{args.resplits}x margin':>22}"
    )
    for name, r in results.items():
        cells = [
            f"{pct(r[m]['automation_rate'])} / {pct(r[m]['error_rate_automated'], 2)}"
            for m in METHODS
        ]
        splits = [
            f"{pct(r[f'{m}_resplits']['mean_automation'])} / "
            f"{pct(r[f'{m}_resplits']['mean_error'], 2)} / "
            f"{pct(r[f'{m}_resplits']['share_above_alpha'], 0)}"
            for m in METHODS
        ]
        print(
            f"{name:<10}{r['fit_seconds']:>7.1f}{pct(r['accuracy_test']):>8}{cells[0]:>16}"
            f"{cells[1]:>16}{pct(r['oracle']['automation_rate']):>8}{splits[0]:>22}{splits[1]:>22}"
        )
    payload = {
        "alpha": ALPHA,
        "delta": DELTA,
        "resplits": args.resplits,
        "variants": results,
        "seconds": time.perf_counter() - started,
        "machine": info,
    }
    print(f"\nwrote {write_json('intent_variants.json', payload)}")


if __name__ == "__main__":
    main()
