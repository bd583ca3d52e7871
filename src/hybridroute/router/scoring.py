"""Run classifiers over a batch, isolating the tickets a classifier fails on."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from hybridroute.classifiers.base import Classifier
from hybridroute.exceptions import ClassifierError
from hybridroute.models import DetectionSignal, Failure, IntentSignal, ScoreSignal, Signal, Ticket

__all__ = ["BatchScores", "score_batch"]

_SIGNAL_TYPES = (IntentSignal, ScoreSignal, DetectionSignal)


@dataclass
class BatchScores:
    """Signals and failures for each ticket of a batch, by position."""

    signals: list[dict[str, Signal]]
    failures: list[list[Failure]] = field(default_factory=list)


def _call(
    clf: Classifier, tickets: Sequence[Ticket], upstream: Sequence[Mapping[str, Signal]]
) -> list[Signal]:
    uses = getattr(clf, "uses", ())
    out = clf.score(tickets, upstream=upstream) if uses else clf.score(tickets)  # type: ignore[call-arg]
    result = list(out)
    if len(result) != len(tickets):
        raise ClassifierError(
            f"classifier {clf.name!r} returned {len(result)} signals for {len(tickets)} "
            "tickets; score() must return exactly one signal per ticket, in order"
        )
    for sig in result:
        if not isinstance(sig, _SIGNAL_TYPES):
            raise ClassifierError(
                f"classifier {clf.name!r} returned {type(sig).__name__}; score() must return "
                "IntentSignal, ScoreSignal or DetectionSignal objects"
            )
    return result


def _failure(clf: Classifier, exc: BaseException) -> Failure:
    return Failure(
        component=f"classifier:{clf.name}", error=type(exc).__name__, message=str(exc)[:500]
    )


def score_batch(classifiers: Sequence[Classifier], tickets: Sequence[Ticket]) -> BatchScores:
    """Score every ticket with every classifier, one vectorised call per classifier.

    If a classifier raises on the batch, it is retried ticket by ticket so that
    only the tickets it really fails on are marked failed; every other ticket
    keeps its signal. A failed ticket is never dropped: it carries a
    :class:`~hybridroute.models.Failure` and the router hands it to a human.
    """
    n = len(tickets)
    scores = BatchScores(signals=[{} for _ in range(n)], failures=[[] for _ in range(n)])
    for clf in classifiers:
        live = [i for i in range(n) if not scores.failures[i]]
        if not live:
            break
        batch = [tickets[i] for i in live]
        upstream = [scores.signals[i] for i in live]
        try:
            results: list[Signal | BaseException] = list(_call(clf, batch, upstream))
        except Exception as exc:
            results = [exc] if len(live) == 1 else _one_by_one(clf, batch, upstream)
        for i, res in zip(live, results, strict=False):
            if isinstance(res, BaseException):
                scores.failures[i].append(_failure(clf, res))
            else:
                scores.signals[i][clf.name] = res
    return scores


def _one_by_one(
    clf: Classifier, batch: Sequence[Ticket], upstream: Sequence[Mapping[str, Signal]]
) -> list[Signal | BaseException]:
    results: list[Signal | BaseException] = []
    for ticket, up in zip(batch, upstream, strict=False):
        try:
            results.append(_call(clf, [ticket], [up])[0])
        except Exception as exc:
            results.append(exc)
    return results
