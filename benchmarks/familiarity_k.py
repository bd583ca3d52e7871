"""How many nearest neighbours should familiarity average? Chosen on CLINC150 val only.

``FamiliarityWeightedIntentClassifier`` scales the ensemble's probabilities by the
mean cosine similarity of a ticket to its ``k`` nearest in-scope training texts.
This script picks ``k`` without touching CLINC150 test: the ensemble and the
reference texts come from CLINC150 train, and each ``k`` is scored on CLINC150 val
(3,000 in-scope + 100 out-of-scope queries) by the oracle automation at which the
error among automated tickets stays at most 1.5% *and* at most 2% of out-of-scope
tickets are automated (laxest confidence threshold meeting both, chosen with the
answers: a ceiling for comparing scores, not a certified number). ``k = 0`` is the
ensemble without familiarity.

Run:  nice .venv/bin/python benchmarks/familiarity_k.py
Writes benchmarks/results/familiarity_k.json.
"""

from __future__ import annotations

import time

import numpy as np
from _common import EMBEDDINGS, OOS, machine, model_probabilities, pct, write_json

from hybridroute.classifiers.embedding import EmbeddingCache, SentenceEmbedder
from hybridroute.datasets import load_clinc150

KS = (0, 1, 5, 10, 20)
MAX_ERROR, MAX_LEAK = 0.015, 0.02


def oracle_automation(score: np.ndarray, predicted: np.ndarray, labels: np.ndarray) -> float:
    """Largest share automated by one threshold with error and out-of-scope leak in bounds."""
    oos = labels == OOS
    wrong = (predicted != labels) | oos | (predicted == OOS)
    s = np.where(predicted == OOS, -np.inf, score)
    order = np.argsort(-s, kind="stable")
    n = np.arange(1, len(s) + 1)
    ok = (np.cumsum(wrong[order]) / n <= MAX_ERROR) & np.isfinite(s[order])
    ok &= np.cumsum(oos[order]) / max(oos.sum(), 1) <= MAX_LEAK
    hits = np.flatnonzero(ok)
    return float((hits.max() + 1) / len(s)) if hits.size else 0.0


def main() -> None:
    started = time.perf_counter()
    train_x, train_y = load_clinc150("train", return_X_y=True)
    val_x, val_y = load_clinc150("val", return_X_y=True)
    p = model_probabilities("ensemble", train_x, train_y, val_x)
    predicted = np.asarray(p.classes)[p.proba.argmax(axis=1)]
    labels = np.asarray(val_y)
    embedder = SentenceEmbedder(cache=EmbeddingCache(EMBEDDINGS))

    def unit(texts: list[str]) -> np.ndarray:
        v = embedder.encode(texts)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

    reference = unit([t for t, y in zip(train_x, train_y, strict=True) if y != OOS])
    nearest = np.sort(unit(list(val_x)) @ reference.T, axis=1)
    results = {}
    for k in KS:
        familiarity = np.clip(nearest[:, -k:].mean(axis=1), 0, 1) if k else 1.0
        results[str(k)] = oracle_automation(p.proba.max(axis=1) * familiarity, predicted, labels)
        print(f"k = {k:>2}: oracle automation {pct(results[str(k)])}", flush=True)
    write_json(
        "familiarity_k.json",
        {
            "max_error": MAX_ERROR,
            "max_oos_leak": MAX_LEAK,
            "oracle_automation_by_k": results,
            "seconds": time.perf_counter() - started,
            "machine": machine(),
        },
    )


if __name__ == "__main__":
    main()
