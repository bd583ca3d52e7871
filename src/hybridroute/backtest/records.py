"""What happened to each replayed ticket, kept as compact columns.

A backtest of a million tickets cannot keep a million :class:`~hybridroute.Decision`
objects around, nor ship them between worker processes. :class:`ReplayRecords`
keeps only what the metrics need, one array entry per ticket, with intents,
rules and queues stored as integer codes into small name tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from hybridroute.datasets import OUT_OF_SCOPE
from hybridroute.exceptions import UsageError
from hybridroute.models import Decision, IntentSignal
from hybridroute.policy.scores import ScoreFunction

__all__ = ["ReplayRecords"]

_NONE = -1
"""Code of a missing value: no predicted intent, or no queue (automated)."""


def _encode(values: Sequence[str | None], names: tuple[str, ...]) -> NDArray[np.int32]:
    index = {name: i for i, name in enumerate(names)}
    return np.fromiter(
        (_NONE if v is None else index[v] for v in values), dtype=np.int32, count=len(values)
    )


def _names(*columns: Sequence[str | None]) -> tuple[str, ...]:
    return tuple(sorted({v for column in columns for v in column if v is not None}))


def _recode(
    codes: NDArray[np.int32], old: tuple[str, ...], new: tuple[str, ...]
) -> NDArray[np.int32]:
    """Codes into ``old`` as codes into ``new`` (a superset), keeping -1 as -1."""
    index = {name: i for i, name in enumerate(new)}
    table = np.array([index[name] for name in old] + [_NONE], dtype=np.int32)
    return table[codes]  # code -1 picks the last entry, which is -1


@dataclass(frozen=True)
class ReplayRecords:
    """One entry per replayed ticket: its truth, the prediction and the decision.

    Attributes
    ----------
    intents : tuple of str
        Every intent seen, as true label or prediction; ``label`` and
        ``predicted`` index into it.
    label : ndarray of int32
        The true intent of each ticket.
    predicted : ndarray of int32
        The predicted intent, or -1 when there was none (abstention, failure).
    confidence, margin : ndarray of float64
        From the ticket's intent signal (0 when there was none).
    automated : ndarray of bool
        Whether the customer got an automated answer.
    rules : tuple of str
        Names of the rules that decided; ``rule`` indexes into it.
    rule : ndarray of int32
        The rule that decided each ticket (``"default"``, ``"failure"``, ...).
    queues : tuple of str
        Names of the queues; ``queue`` indexes into it.
    queue : ndarray of int32
        The queue a handed-off ticket went to; -1 for automated tickets.
    failed : ndarray of bool
        Whether a component failed on the ticket.
    out_of_scope : str
        Label of out-of-scope tickets, which are wrong whenever automated.
    """

    intents: tuple[str, ...]
    label: NDArray[np.int32]
    predicted: NDArray[np.int32]
    confidence: NDArray[np.float64]
    margin: NDArray[np.float64]
    automated: NDArray[np.bool_]
    rules: tuple[str, ...]
    rule: NDArray[np.int32]
    queues: tuple[str, ...]
    queue: NDArray[np.int32]
    failed: NDArray[np.bool_]
    out_of_scope: str = OUT_OF_SCOPE

    def __len__(self) -> int:
        return int(self.label.size)

    # -- building --------------------------------------------------------------------

    @classmethod
    def from_decisions(
        cls,
        decisions: Sequence[Decision],
        labels: Sequence[str],
        *,
        intent_signal: str = "intent",
        out_of_scope: str = OUT_OF_SCOPE,
    ) -> ReplayRecords:
        """Records of routed tickets, given each ticket's true intent.

        Parameters
        ----------
        decisions : sequence of Decision
            The router's decisions, in the order of ``labels``.
        labels : sequence of str
            The true intent of each ticket (``out_of_scope`` for out of scope).
        intent_signal : str
            Name of the intent signal whose prediction is judged.
        out_of_scope : str
            Label of out-of-scope tickets.
        """
        if len(decisions) != len(labels):
            raise UsageError(f"got {len(decisions)} decisions but {len(labels)} labels")
        signals = [d.signals.get(intent_signal) for d in decisions]
        intent = [s if isinstance(s, IntentSignal) else None for s in signals]
        truth = [str(y) for y in labels]
        predicted = [s.label if s is not None else None for s in intent]
        rule = [d.rule for d in decisions]
        queue = [d.handoff.queue if d.handoff is not None else None for d in decisions]
        intents, rules, queues = _names(truth, predicted), _names(rule), _names(queue)
        return cls(
            intents=intents,
            label=_encode(truth, intents),
            predicted=_encode(predicted, intents),
            confidence=np.array([s.confidence if s else 0.0 for s in intent], dtype=np.float64),
            margin=np.array([s.margin if s else 0.0 for s in intent], dtype=np.float64),
            automated=np.array([d.automated for d in decisions], dtype=bool),
            rules=rules,
            rule=_encode(rule, rules),
            queues=queues,
            queue=_encode(queue, queues),
            failed=np.array([bool(d.failures) for d in decisions], dtype=bool),
            out_of_scope=out_of_scope,
        )

    @classmethod
    def concat(cls, parts: Sequence[ReplayRecords]) -> ReplayRecords:
        """The records of several batches, in order, with merged name tables."""
        if not parts:
            raise UsageError("nothing to concatenate: pass at least one batch of records")
        intents = _names(*(p.intents for p in parts))
        rules = _names(*(p.rules for p in parts))
        queues = _names(*(p.queues for p in parts))
        return cls(
            intents=intents,
            label=np.concatenate([_recode(p.label, p.intents, intents) for p in parts]),
            predicted=np.concatenate([_recode(p.predicted, p.intents, intents) for p in parts]),
            confidence=np.concatenate([p.confidence for p in parts]),
            margin=np.concatenate([p.margin for p in parts]),
            automated=np.concatenate([p.automated for p in parts]),
            rules=rules,
            rule=np.concatenate([_recode(p.rule, p.rules, rules) for p in parts]),
            queues=queues,
            queue=np.concatenate([_recode(p.queue, p.queues, queues) for p in parts]),
            failed=np.concatenate([p.failed for p in parts]),
            out_of_scope=parts[0].out_of_scope,
        )

    def take(self, index: NDArray[np.intp]) -> ReplayRecords:
        """The records at ``index`` (a subset, or a resample with repeats)."""
        return ReplayRecords(
            intents=self.intents,
            label=self.label[index],
            predicted=self.predicted[index],
            confidence=self.confidence[index],
            margin=self.margin[index],
            automated=self.automated[index],
            rules=self.rules,
            rule=self.rule[index],
            queues=self.queues,
            queue=self.queue[index],
            failed=self.failed[index],
            out_of_scope=self.out_of_scope,
        )

    # -- derived columns -------------------------------------------------------------

    @property
    def out_of_scope_mask(self) -> NDArray[np.bool_]:
        """True for out-of-scope tickets."""
        if self.out_of_scope not in self.intents:
            return np.zeros(len(self), dtype=bool)
        result: NDArray[np.bool_] = self.label == self.intents.index(self.out_of_scope)
        return result

    @property
    def correct(self) -> NDArray[np.bool_]:
        """True where the predicted intent is the true one (never for out of scope)."""
        result: NDArray[np.bool_] = (self.predicted == self.label) & ~self.out_of_scope_mask
        return result

    @property
    def wrong_if_automated(self) -> NDArray[np.bool_]:
        """True where an automated answer would be wrong: wrong intent, none, or out of scope."""
        return ~self.correct

    @property
    def wrong(self) -> NDArray[np.bool_]:
        """True for automated tickets whose answer was wrong."""
        result: NDArray[np.bool_] = self.automated & self.wrong_if_automated
        return result

    def label_names(self) -> list[str]:
        """The true intent of each ticket, as strings."""
        names = np.asarray(self.intents, dtype=object)
        out: list[str] = names[self.label].tolist()
        return out

    def predicted_names(self) -> list[str | None]:
        """The predicted intent of each ticket, as strings (None when there was none)."""
        names = np.asarray((*self.intents, None), dtype=object)
        out: list[str | None] = names[self.predicted].tolist()
        return out

    def scores(self, fn: ScoreFunction) -> NDArray[np.float64]:
        """Each ticket's score under ``fn``; -inf where there was no prediction."""
        names = np.asarray((*self.intents, ""), dtype=object)[self.predicted].tolist()
        out = np.asarray(fn.batch(self.confidence, self.margin, names), dtype=np.float64)
        result: NDArray[np.float64] = np.where(self.predicted < 0, -np.inf, out)
        return result
