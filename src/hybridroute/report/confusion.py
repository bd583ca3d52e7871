"""Which intents the classifier mixes up most, as a small confusion matrix."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

__all__ = ["ConfusionTable", "top_confusions"]


@dataclass(frozen=True)
class ConfusionTable:
    """Counts of true intent (rows) against predicted intent (columns).

    Attributes
    ----------
    intents : tuple of str
        The intents involved in the most frequent confusions.
    counts : ndarray of int, shape (len(intents), len(intents))
        ``counts[i, j]``: tickets of ``intents[i]`` predicted as ``intents[j]``.
    pairs : tuple of (str, str, int)
        The most frequent (true, predicted, count) confusions, most first.
    """

    intents: tuple[str, ...]
    counts: NDArray[np.int64]
    pairs: tuple[tuple[str, str, int], ...]


def top_confusions(
    labels: Sequence[str], predicted: Sequence[str | None], *, max_intents: int = 12
) -> ConfusionTable:
    """The confusion matrix restricted to the intents of the most frequent mix-ups.

    Intents are added pair by pair, most frequent confusion first, until
    ``max_intents`` are chosen; tickets with no prediction are ignored.
    """
    mistakes = Counter(
        (y, p) for y, p in zip(labels, predicted, strict=True) if p is not None and p != y
    )
    chosen: list[str] = []
    pairs: list[tuple[str, str, int]] = []
    for (y, p), n in mistakes.most_common():
        new = [x for x in (y, p) if x not in chosen]
        if len(chosen) + len(new) > max_intents:
            continue
        chosen.extend(new)
        pairs.append((y, p, n))
        if len(chosen) >= max_intents:
            break
    index = {name: i for i, name in enumerate(chosen)}
    counts = np.zeros((len(chosen), len(chosen)), dtype=np.int64)
    for truth, guess in zip(labels, predicted, strict=True):
        if truth in index and guess is not None and guess in index:
            counts[index[truth], index[guess]] += 1
    return ConfusionTable(tuple(chosen), counts, tuple(pairs))
