"""Does one noisy label at the top zero the certificate? Naive start versus ours.

BANKING77: the default TF-IDF intent model is trained on 80% of train (seeded);
the other 20% (2,000 tickets) is the calibration set; test is BANKING77 test.
For clean labels and with two labels flipped among the 228 most confident
calibration tickets, it reports the test automation and error at alpha = 0.02,
delta = 0.1 of:

* the naive fixed sequence: strict to lax from the 114 most confident tickets
  (the fewest that could pass), in steps of 10 tickets, on all 2,000;
* hybridroute's calibrate (global confidence, and per-intent), over 20
  tuning/test splits of the calibration set.

Run:  python benchmarks/calibration_robustness.py
Writes benchmarks/results/calibration_robustness.json.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import hybridroute as hr
from hybridroute.calibration import IntentOutcomes, calibrate_outcomes
from hybridroute.calibration.sequence import run_fixed_sequence
from hybridroute.datasets import load_banking77
from hybridroute.policy.scores import ConfidenceScore

ALPHA, DELTA, SPLITS = 0.02, 0.1, 20


def outcomes_of(clf: hr.IntentClassifier, texts: list[str], labels: list[str]) -> IntentOutcomes:
    proba = clf.predict_proba(texts)
    top = np.sort(proba, axis=1)
    predicted = [clf.classes_[i] for i in proba.argmax(axis=1)]
    return IntentOutcomes(top[:, -1], top[:, -1] - top[:, -2], predicted, labels)


def main() -> None:
    x, y = load_banking77("train", return_X_y=True)
    order = np.random.default_rng(0).permutation(len(x))
    fit, cal = order[:8003], order[8003:]
    clf = hr.IntentClassifier().fit([x[i] for i in fit], [y[i] for i in fit])
    calibration = outcomes_of(clf, [x[i] for i in cal], [y[i] for i in cal])
    tx, ty = load_banking77("test", return_X_y=True)
    test = outcomes_of(clf, tx, ty)

    def on_test(score_fn: object, threshold: float | None) -> tuple[float, float]:
        if threshold is None:
            return 0.0, 0.0
        s = test.scores(score_fn)  # type: ignore[arg-type]
        chosen = s >= threshold
        return float(chosen.mean()), float(test.errors[chosen].mean()) if chosen.any() else 0.0

    results: dict[str, dict[str, object]] = {}
    noisy_labels = list(calibration.labels)
    top = np.argsort(-calibration.confidence)[:228]
    for i in np.random.default_rng(5).choice(top, size=2, replace=False):
        noisy_labels[i] = "flipped_label"
    cases = {
        "clean": calibration,
        "two flipped labels in the top 228": IntentOutcomes(
            calibration.confidence, calibration.margin, calibration.predicted, noisy_labels
        ),
    }
    for case, data in cases.items():
        grid = np.sort(data.confidence)[::-1][113::10]
        naive = run_fixed_sequence(data.confidence, data.errors, grid, ALPHA, DELTA)
        last = naive.certified_thresholds[-1] if naive.rejected else None
        row: dict[str, object] = {"naive strict-to-lax": on_test(ConfidenceScore(), last)}
        for method in ("global", "per_intent"):
            runs = [
                calibrate_outcomes(data, alpha=ALPHA, delta=DELTA, method=method, random_state=r)
                for r in range(SPLITS)
            ]
            measured = np.array([on_test(r.certificate.score, r.threshold) for r in runs])
            row[f"hybridroute {method}"] = {
                "mean_automation": round(float(measured[:, 0].mean()), 4),
                "min_automation": round(float(measured[:, 0].min()), 4),
                "mean_error": round(float(measured[:, 1].mean()), 4),
                "max_error": round(float(measured[:, 1].max()), 4),
            }
        results[case] = row
        print(case)
        for name, value in row.items():
            print(f"  {name:<26} {value}")
    out = Path(__file__).parent / "results" / "calibration_robustness.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
