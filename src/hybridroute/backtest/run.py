"""``backtest``: replay a labelled history through a router and measure it."""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from hybridroute.backtest.costs import CostModel
from hybridroute.backtest.parallel import Backend
from hybridroute.backtest.replay import replay
from hybridroute.backtest.result import BacktestResult, summarise
from hybridroute.datasets import OUT_OF_SCOPE
from hybridroute.models import Ticket
from hybridroute.policy.scores import ScoreFunction
from hybridroute.router import Router

__all__ = ["backtest"]


def backtest(
    router: Router,
    tickets: Iterable[Ticket | str],
    labels: Iterable[Any],
    *,
    costs: CostModel | None = None,
    score: ScoreFunction | None = None,
    delta: float = 0.1,
    batch_size: int = 4096,
    n_jobs: int = 1,
    backend: Backend = "loky",
    dask_client: Any = None,
    progress: bool = False,
    intent_signal: str = "intent",
    out_of_scope: str = OUT_OF_SCOPE,
) -> BacktestResult:
    """Replay a labelled history through a router; report what it would have done.

    A ticket counts as *wrong* when it was answered automatically and its true
    intent is out of scope, or differs from the predicted one.

    Parameters
    ----------
    router : Router
        The router to measure; for an intent classifier and a policy without
        answers yet, build one with :func:`policy_router`.
    tickets : iterable of Ticket or str
        The history, in order.
    labels : iterable
        Each ticket's true intent; ``out_of_scope`` (``"oos"``) marks tickets that
        must never be automated.
    costs : CostModel, optional
        Adds the expected cost of the decisions.
    score : ScoreFunction, optional
        Score of the risk-coverage curve (default: intent confidence). Pass
        ``calibration_result.certificate.score`` to see the curve it certified on.
    delta : float
        Level of the curve's one-sided error bounds.
    batch_size : int
        Tickets per ``route_batch`` call and per parallel task.
    n_jobs : int
        Parallel workers (-1: all cores, or every worker of a Dask cluster).
    backend : {"loky", "threading", "sequential", "dask"}
        joblib backend. ``"dask"`` runs on ``dask_client`` (default: a local
        cluster with ``n_jobs`` workers) and needs the ``dask`` extra.
    dask_client : distributed.Client, optional
        The Dask cluster for ``backend="dask"``.
    progress : bool
        Show a progress bar on standard error.
    intent_signal : str
        Name of the intent signal whose predictions are judged.
    out_of_scope : str
        Label of out-of-scope tickets.

    Returns
    -------
    BacktestResult
        Use ``result.to_dict()`` for JSON, ``result.summary()`` for people.

    Examples
    --------
    >>> import hybridroute as hr
    >>> from hybridroute.backtest import backtest, policy_router
    >>> policy = hr.Policy([hr.rule(hr.signal("intent").confidence >= 0.9, hr.auto_reply())],
    ...                    default=hr.handoff("general"))
    >>> result = backtest(policy_router([clf], policy), texts, labels, n_jobs=2)  # doctest: +SKIP
    >>> print(result.summary())  # doctest: +SKIP
    """
    started = time.perf_counter()
    records = replay(
        router,
        tickets,
        labels,
        batch_size=batch_size,
        n_jobs=n_jobs,
        backend=backend,
        dask_client=dask_client,
        progress=progress,
        intent_signal=intent_signal,
        out_of_scope=out_of_scope,
    )
    seconds = time.perf_counter() - started
    return summarise(
        records,
        score=score,
        costs=costs,
        delta=delta,
        seconds=seconds,
        n_jobs=n_jobs,
        backend="sequential" if n_jobs == 1 and backend != "dask" else backend,
    )
