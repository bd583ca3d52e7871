"""Intent probabilities to intent signals: the step every intent classifier shares."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from pydantic import TypeAdapter

from hybridroute.models import IntentSignal

__all__ = ["intent_signals"]

_BATCH: TypeAdapter[list[IntentSignal]] = TypeAdapter(list[IntentSignal])


def intent_signals(
    proba: NDArray[np.float64], classes: Sequence[str], top_k: int
) -> list[IntentSignal]:
    """One intent signal per row of a probability matrix.

    Parameters
    ----------
    proba : numpy.ndarray of shape (n_rows, len(classes))
        Valid probabilities: each row in [0, 1], summing to 1.
    classes : sequence of str
        The intent of each column.
    top_k : int
        How many of the most probable intents each signal lists in ``alternatives``.

    Returns
    -------
    list of IntentSignal
        For each row: the most probable intent as ``label``, its probability as
        ``confidence``, the gap to the runner-up as ``margin``, and the ``top_k``
        most probable intents, best first, as ``alternatives``. Ties go to the
        earlier column.
    """
    n_rows, n_classes = proba.shape
    if n_rows == 0:
        return []
    # Rank at least two columns even for top_k=1: the margin needs the runner-up.
    k = min(max(top_k, 2), n_classes)
    if k < n_classes:
        # Partition first so big label sets cost O(classes) per row, not a full sort;
        # sorting the kept columns by index first makes ties break by class order.
        top = np.sort(np.argpartition(-proba, k - 1, axis=1)[:, :k], axis=1)
    else:
        top = np.broadcast_to(np.arange(n_classes), (n_rows, n_classes))
    order = np.argsort(-np.take_along_axis(proba, top, axis=1), axis=1, kind="stable")
    top = np.take_along_axis(top, order, axis=1)
    top_proba = np.take_along_axis(proba, top, axis=1)
    runner_up = top_proba[:, 1] if n_classes > 1 else np.zeros(n_rows)
    margins = np.clip(top_proba[:, 0] - runner_up, 0.0, 1.0)
    top, top_proba = top[:, :top_k], np.clip(top_proba[:, :top_k], 0.0, 1.0)
    labels = np.asarray([str(c) for c in classes], dtype=object)
    # One validation call for the whole batch (pydantic's core builds every nested
    # model), several times faster than constructing the models one by one.
    return _BATCH.validate_python(
        [
            {
                "label": row_labels[0],
                "confidence": row_proba[0],
                "margin": margin,
                "alternatives": [
                    {"label": label, "probability": p}
                    for label, p in zip(row_labels, row_proba, strict=True)
                ],
            }
            for row_labels, row_proba, margin in zip(
                labels[top].tolist(), top_proba.tolist(), margins.tolist(), strict=True
            )
        ]
    )
