"""Replay labelled tickets through a router, batch by batch, in parallel."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from hybridroute.backtest.parallel import Backend, map_batches
from hybridroute.backtest.records import ReplayRecords
from hybridroute.classifiers.base import as_tickets
from hybridroute.datasets import OUT_OF_SCOPE
from hybridroute.exceptions import UsageError
from hybridroute.models import Ticket
from hybridroute.progress import Progress
from hybridroute.router import Router

__all__ = ["replay"]


@dataclass(frozen=True)
class _Job:
    """What every worker needs besides its batch; pickled (or scattered) once per batch."""

    router: Router
    intent_signal: str
    out_of_scope: str


def _replay_batch(job: _Job, batch: tuple[list[Ticket], list[str]]) -> ReplayRecords:
    tickets, labels = batch
    decisions = job.router.route_batch(tickets)
    return ReplayRecords.from_decisions(
        decisions, labels, intent_signal=job.intent_signal, out_of_scope=job.out_of_scope
    )


def replay(
    router: Router,
    tickets: Iterable[Ticket | str],
    labels: Iterable[Any],
    *,
    batch_size: int = 4096,
    n_jobs: int = 1,
    backend: Backend = "loky",
    dask_client: Any = None,
    progress: bool = False,
    intent_signal: str = "intent",
    out_of_scope: str = OUT_OF_SCOPE,
) -> ReplayRecords:
    """Route every ticket and record what happened, next to its true intent.

    Parameters
    ----------
    router : Router
        Routes the tickets exactly as in production (its classifiers, policy,
        safeguards and responder), one ``route_batch`` call per batch.
    tickets : iterable of Ticket or str
        The history, in order; texts become tickets ``history-0``, ``history-1`` ...
    labels : iterable
        The true intent of each ticket; ``out_of_scope`` marks tickets that must
        never be answered automatically.
    batch_size : int
        Tickets per ``route_batch`` call and per parallel task.
    n_jobs, backend, dask_client
        Parallelism; see :func:`hybridroute.backtest.parallel.map_batches`.
    progress : bool
        Show a progress bar on standard error.
    intent_signal : str
        Name of the intent signal whose predictions are judged.
    out_of_scope : str
        Label of out-of-scope tickets.

    Returns
    -------
    ReplayRecords
        One entry per ticket, in order.
    """
    if not isinstance(router, Router):
        raise UsageError(
            f"replay needs an hr.Router, got {type(router).__name__}; to replay an intent "
            "classifier and a policy, build one with hybridroute.backtest.policy_router"
        )
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise UsageError(f"batch_size must be a positive integer; got {batch_size!r}")
    items = as_tickets(tickets, prefix="history")
    truth = [str(label) for label in labels]
    if len(items) != len(truth):
        raise UsageError(f"got {len(items)} tickets but {len(truth)} labels; pass one each")
    if not items:
        raise UsageError("nothing to replay: pass at least one labelled ticket")
    batches: Sequence[tuple[list[Ticket], list[str]]] = [
        (items[i : i + batch_size], truth[i : i + batch_size])
        for i in range(0, len(items), batch_size)
    ]
    job = _Job(router, intent_signal, out_of_scope)
    with Progress(len(items), "replaying tickets", enabled=progress) as bar:
        parts = map_batches(
            _replay_batch,
            job,
            batches,
            n_jobs=n_jobs,
            backend=backend,
            dask_client=dask_client,
            on_result=lambda part: bar.advance(len(part)),
        )
    return ReplayRecords.concat(parts)
