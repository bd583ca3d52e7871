"""Sentence embeddings kept on disk (SQLite), so each text is encoded once."""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from hybridroute.exceptions import UsageError

__all__ = ["EmbeddingCache"]


def _text_key(namespace: str, text: str) -> str:
    return hashlib.sha256(f"{namespace}\x00{text}".encode()).hexdigest()


class EmbeddingCache:
    """Sentence embeddings kept on disk, keyed by model and text.

    Each vector is stored under the SHA-256 of the embedder's namespace (model
    and normalisation) and the text, in one SQLite file; a different model never
    reads another's vectors. Safe to share between threads of one process.
    Pickling keeps only the path.

    Parameters
    ----------
    path : str or os.PathLike
        The cache file; created (with its folder) on first use.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> cache = EmbeddingCache(os.path.join(tempfile.mkdtemp(), "emb.sqlite"))
    >>> cache.put("my-model", ["hello"], np.ones((1, 3), dtype=np.float32))
    >>> cache.get("my-model", ["hello", "bye"])[1] is None
    True
    """

    _BATCH = 500  # SQLite caps the number of parameters in one statement

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None

    def __repr__(self) -> str:
        return f"EmbeddingCache({str(self.path)!r})"

    def _connection(self) -> sqlite3.Connection:
        if self._conn is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
            conn.execute(
                "CREATE TABLE IF NOT EXISTS embeddings (key TEXT PRIMARY KEY, vector BLOB)"
            )
            conn.commit()
            self._conn = conn
        return self._conn

    def get(self, namespace: str, texts: Sequence[str]) -> list[NDArray[np.float32] | None]:
        """The cached vector of each text, or None where there is none.

        Parameters
        ----------
        namespace : str
            Which model made the vectors (:attr:`SentenceEmbedder.namespace`).
        texts : sequence of str
            The texts to look up.

        Returns
        -------
        list of (numpy.ndarray or None)
            One float32 vector or None per text, in order.
        """
        keys = [_text_key(namespace, text) for text in texts]
        found: dict[str, bytes] = {}
        with self._lock:
            conn = self._connection()
            for start in range(0, len(keys), self._BATCH):
                chunk = keys[start : start + self._BATCH]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT key, vector FROM embeddings WHERE key IN ({marks})", chunk
                )
                found.update(rows.fetchall())
        return [
            np.frombuffer(found[key], dtype=np.float32).copy() if key in found else None
            for key in keys
        ]

    def put(self, namespace: str, texts: Sequence[str], vectors: NDArray[np.float32]) -> None:
        """Store one vector per text (row ``i`` of ``vectors`` for ``texts[i]``).

        Parameters
        ----------
        namespace : str
            The model that encoded them; :meth:`get` finds them under it.
        texts : sequence of str
            The texts that were encoded.
        vectors : numpy.ndarray of shape (len(texts), dim)
            Their embeddings; stored as float32.
        """
        if len(texts) != len(vectors):
            raise UsageError(f"got {len(texts)} texts but {len(vectors)} vectors; pass one each")
        rows = [
            (_text_key(namespace, text), np.asarray(vec, dtype=np.float32).tobytes())
            for text, vec in zip(texts, vectors, strict=True)
        ]
        with self._lock:
            conn = self._connection()
            conn.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?)", rows)
            conn.commit()

    def __len__(self) -> int:
        with self._lock:
            row = self._connection().execute("SELECT COUNT(*) FROM embeddings").fetchone()
        return int(row[0])

    def clear(self) -> None:
        """Forget every stored vector."""
        with self._lock:
            conn = self._connection()
            conn.execute("DELETE FROM embeddings")
            conn.commit()

    def close(self) -> None:
        """Close the file; the cache reopens it if used again."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"])  # type: ignore[misc]
