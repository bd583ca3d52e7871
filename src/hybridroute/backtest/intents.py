"""The per-intent table: for each true intent, how much was automated and how much went wrong."""

from __future__ import annotations

import numpy as np

from hybridroute.backtest.records import ReplayRecords
from hybridroute.models._base import FrozenModel

__all__ = ["IntentRow", "intent_table"]


class IntentRow(FrozenModel):
    """One intent's line in a backtest.

    Attributes
    ----------
    intent : str
        The true intent.
    n : int
        Tickets of this intent.
    n_automated : int
        Of those, answered automatically.
    automated_share : float
        ``n_automated / n``.
    errors : int
        Tickets of this intent answered automatically but wrongly (as another intent,
        or at all if out of scope).
    wrongly_predicted_as : int
        Wrong automated answers *given as* this intent to tickets of another intent:
        where this intent's template is sent to the wrong customers.
    correct : int
        Tickets of this intent whose predicted intent was right (automated or not).
    """

    intent: str
    n: int
    n_automated: int
    automated_share: float
    errors: int
    wrongly_predicted_as: int
    correct: int


def intent_table(records: ReplayRecords) -> tuple[IntentRow, ...]:
    """One row per intent seen in the true labels, sorted by name."""
    m = len(records.intents)
    n = np.bincount(records.label, minlength=m)
    automated = np.bincount(records.label[records.automated], minlength=m)
    wrong = records.wrong
    errors = np.bincount(records.label[wrong], minlength=m)
    given = records.predicted[wrong]
    wrongly_as = np.bincount(given[given >= 0], minlength=m)
    correct = np.bincount(records.label[records.correct], minlength=m)
    return tuple(
        IntentRow(
            intent=name,
            n=int(n[i]),
            n_automated=int(automated[i]),
            automated_share=float(automated[i] / n[i]),
            errors=int(errors[i]),
            wrongly_predicted_as=int(wrongly_as[i]),
            correct=int(correct[i]),
        )
        for i, name in enumerate(records.intents)
        if n[i] > 0
    )
