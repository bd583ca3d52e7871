"""Shared helpers of the calibration benchmarks: cached model probabilities and scoring.

Model probabilities are cached under ``benchmarks/.cache/`` (git-ignored), keyed by
the model, the training data and the texts scored, so re-runs cost seconds;
sentence embeddings are cached in ``benchmarks/.cache/embeddings.sqlite``.

The ensemble's probabilities are the equal-weight average of the cached TF-IDF and
MiniLM probabilities, column-aligned by label: exactly what
``EnsembleIntentClassifier`` computes, without refitting its members. The
``ensemble-oos`` probabilities come from the library's
``FamiliarityWeightedIntentClassifier`` wrapped around those cached ensemble
probabilities, with the cached MiniLM embeddings.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from hybridroute.calibration import IntentOutcomes
from hybridroute.evaluation import build_intent_model

HERE = Path(__file__).parent
CACHE = HERE / ".cache"
RESULTS = HERE / "results"
EMBEDDINGS = CACHE / "embeddings.sqlite"
OOS = "oos"


def _digest(*parts: Sequence[str]) -> str:
    h = hashlib.sha256()
    for part in parts:
        for item in part:
            h.update(item.encode())
            h.update(b"\x1f")
        h.update(b"\x1e")
    return h.hexdigest()[:16]


@dataclass(frozen=True)
class Probabilities:
    """A model's intent probabilities for some texts."""

    classes: tuple[str, ...]
    proba: np.ndarray

    def take(self, index: np.ndarray) -> Probabilities:
        return Probabilities(self.classes, self.proba[index])


def model_probabilities(
    model: str,
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    texts: Sequence[str],
    *,
    verbose: bool = True,
) -> Probabilities:
    """Probabilities of ``model`` (tfidf, minilm, ensemble) trained on the training data."""
    if model == "ensemble":
        a = model_probabilities("tfidf", train_texts, train_labels, texts, verbose=verbose)
        b = model_probabilities("minilm", train_texts, train_labels, texts, verbose=verbose)
        column = {c: i for i, c in enumerate(b.classes)}
        aligned = b.proba[:, [column[c] for c in a.classes]]
        return Probabilities(a.classes, (a.proba + aligned) / 2)
    if model == "ensemble-oos":
        return _familiarity_weighted(train_texts, train_labels, texts, verbose=verbose)
    key = _digest([model], list(train_texts), list(train_labels), list(texts))
    path = CACHE / f"proba-{model}-{key}.npz"
    if path.exists():
        data = np.load(path, allow_pickle=False)
        return Probabilities(tuple(str(c) for c in data["classes"]), data["proba"])
    CACHE.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    built = build_intent_model(model, embedding_cache=EMBEDDINGS)
    if built.embedder is not None:
        built.embedder.encode(list(dict.fromkeys([*train_texts, *texts])))
    built.classifier.fit(list(train_texts), list(train_labels))
    proba = np.asarray(built.classifier.predict_proba(list(texts)), dtype=np.float64)
    classes = tuple(str(c) for c in built.classifier.classes_)
    np.savez_compressed(path, classes=np.array(classes), proba=proba.astype(np.float32))
    if verbose:
        print(f"  [{model}] trained and scored in {time.perf_counter() - started:.1f}s", flush=True)
    return Probabilities(classes, proba.astype(np.float32))


class _Precomputed:
    """A fitted intent classifier that looks its probabilities up by text."""

    def __init__(self, p: Probabilities, texts: Sequence[str]) -> None:
        self.classes_ = p.classes
        self._row = {t: i for i, t in enumerate(texts)}
        self._proba = np.asarray(p.proba, dtype=np.float64)

    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> _Precomputed:
        return self

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self._proba[[self._row[t] for t in texts]]


def _familiarity_weighted(
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    texts: Sequence[str],
    *,
    verbose: bool,
) -> Probabilities:
    from hybridroute.classifiers.embedding import EmbeddingCache, SentenceEmbedder
    from hybridroute.classifiers.familiarity import FamiliarityWeightedIntentClassifier

    ensemble = model_probabilities("ensemble", train_texts, train_labels, texts, verbose=verbose)
    embedder = SentenceEmbedder(cache=EmbeddingCache(EMBEDDINGS))
    clf = FamiliarityWeightedIntentClassifier(_Precomputed(ensemble, texts), embedder=embedder)
    clf.fit(list(train_texts), list(train_labels))
    return Probabilities(clf.classes_, clf.predict_proba(list(texts)).astype(np.float32))


def outcomes_from(p: Probabilities, labels: Sequence[str]) -> IntentOutcomes:
    """Calibration outcomes; a predicted ``oos`` is an abstention (never automated)."""
    proba = np.asarray(p.proba, dtype=np.float64)
    top2 = np.argsort(-proba, axis=1, kind="stable")[:, :2]
    conf = proba[np.arange(len(proba)), top2[:, 0]]
    runner = proba[np.arange(len(proba)), top2[:, 1]] if proba.shape[1] > 1 else 0.0
    names = np.asarray(p.classes, dtype=object)[top2[:, 0]]
    predicted = [None if n == OOS else str(n) for n in names]
    return IntentOutcomes(conf, np.clip(conf - runner, 0, 1), predicted, list(labels))


@dataclass(frozen=True)
class Operating:
    """Where a rule operates on some tickets."""

    automation_rate: float
    error_rate: float
    n_automated: int
    oos_to_human: float | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "automation_rate": self.automation_rate,
            "error_rate_automated": self.error_rate,
            "n_automated": self.n_automated,
            "oos_to_human_rate": self.oos_to_human,
        }


def operating(automated: np.ndarray, outcomes: IntentOutcomes) -> Operating:
    """Automation, realised error among automated, and out-of-scope recall of a decision mask."""
    n_auto = int(automated.sum())
    wrong = int((automated & outcomes.errors).sum())
    oos = np.array([y == OOS for y in outcomes.labels])
    return Operating(
        automation_rate=n_auto / len(outcomes),
        error_rate=wrong / n_auto if n_auto else 0.0,
        n_automated=n_auto,
        oos_to_human=float((~automated[oos]).mean()) if oos.any() else None,
    )


def at_threshold(result: Any, outcomes: IntentOutcomes) -> Operating:
    """A calibration result's certified threshold applied to other tickets."""
    if result.threshold is None:
        return operating(np.zeros(len(outcomes), dtype=bool), outcomes)
    scores = outcomes.scores(result.certificate.score)
    return operating(scores >= result.threshold, outcomes)


def fallback(outcomes: IntentOutcomes, confidence: float = 0.3, margin: float = 0.1) -> Operating:
    """The hand-set fallback rule; predicted out of scope is still handed off."""
    made = np.array([p is not None for p in outcomes.predicted])
    automated = made & (outcomes.confidence >= confidence) & (outcomes.margin >= margin)
    return operating(automated, outcomes)


def oracle(outcomes: IntentOutcomes, alpha: float) -> Operating:
    """The laxest confidence threshold whose realised error on these tickets is <= alpha."""
    from hybridroute.backtest import oracle_operating_point

    scores = np.where([p is None for p in outcomes.predicted], -np.inf, outcomes.confidence)
    point = oracle_operating_point(scores, outcomes.errors, alpha)
    cut = np.inf if point.threshold is None else point.threshold
    return operating(scores >= cut, outcomes)


def machine() -> dict[str, Any]:
    """What the numbers were measured on."""
    try:
        load = os.getloadavg()[0]
    except OSError:
        load = float("nan")
    return {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_1min_at_start": round(load, 2),
        "platform": platform.platform(),
    }


def write_json(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / name
    path.write_text(json.dumps(payload, indent=2, default=float) + "\n", encoding="utf-8")
    return path


def pct(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None else f"{100 * x:.{digits}f}%"
