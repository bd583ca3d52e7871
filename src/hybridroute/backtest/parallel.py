"""Run batches in parallel with joblib, on this machine or on a Dask cluster.

The same code serves both: joblib's ``loky`` (processes), ``threading`` and
``sequential`` backends here, and joblib's ``dask`` backend for histories that
outgrow one machine. Dask is imported only when ``backend="dask"`` is asked for,
so it stays an optional extra (``pip install 'hybridroute[dask]'``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Literal, TypeVar

from hybridroute.exceptions import UsageError

__all__ = ["Backend", "map_batches"]

Backend = Literal["loky", "threading", "sequential", "dask"]
"""Where batches run: joblib's local backends, or a Dask cluster."""

_BACKENDS = ("loky", "threading", "sequential", "dask")
_DASK_HINT = "install the extra with: pip install 'hybridroute[dask]'"

S = TypeVar("S")
B = TypeVar("B")
R = TypeVar("R")


@contextlib.contextmanager
def _dask_client(client: Any, n_jobs: int) -> Iterator[Any]:
    """The client to run on: the one given, or a local cluster for this run only."""
    try:
        import distributed as _distributed
    except ImportError as exc:
        raise UsageError(f"backend='dask' needs dask.distributed; {_DASK_HINT}") from exc
    if client is not None:
        yield client
        return
    distributed: Any = _distributed  # untyped package
    workers = n_jobs if n_jobs > 0 else None
    local = distributed.LocalCluster(
        n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
    )
    try:
        with distributed.Client(local) as own:
            yield own
    finally:
        local.close()


def map_batches(
    fn: Callable[[S, B], R],
    shared: S,
    batches: Sequence[B],
    *,
    n_jobs: int = 1,
    backend: Backend = "loky",
    dask_client: Any = None,
    on_result: Callable[[R], None] | None = None,
) -> list[R]:
    """``[fn(shared, batch) for batch in batches]``, in parallel, results in order.

    Parameters
    ----------
    fn : callable
        A module-level function (it is pickled to the workers).
    shared : object
        Passed to every call; on Dask it is scattered to the workers once
        instead of being sent with every batch.
    batches : sequence
        One call per batch.
    n_jobs : int
        Workers (joblib's convention: -1 for all cores). On Dask, -1 uses every
        worker of the cluster; a positive number sizes the local cluster made
        when no ``dask_client`` is given.
    backend : {"loky", "threading", "sequential", "dask"}
        joblib backend.
    dask_client : distributed.Client, optional
        The cluster to run on with ``backend="dask"``; default: a local cluster
        with ``n_jobs`` single-threaded worker processes, closed afterwards.
    on_result : callable, optional
        Called with each result as it arrives (for progress).

    Returns
    -------
    list
        One result per batch, in the order of ``batches``.
    """
    from joblib import Parallel, delayed, parallel_config

    if backend not in _BACKENDS:
        raise UsageError(f"backend must be one of {', '.join(_BACKENDS)}; got {backend!r}")
    if n_jobs == 0:
        raise UsageError("n_jobs must be a positive number of workers, or -1 for all")
    results: list[R] = []

    def collect(outputs: Any) -> None:
        for out in outputs:
            results.append(out)
            if on_result is not None:
                on_result(out)

    tasks = (delayed(fn)(shared, batch) for batch in batches)
    if backend == "dask":
        with (
            _dask_client(dask_client, n_jobs) as client,
            parallel_config(backend="dask", client=client, scatter=[shared]),
        ):
            collect(Parallel(n_jobs=-1, return_as="generator")(tasks))
        return results
    if backend == "sequential" or n_jobs == 1:
        collect(fn(shared, batch) for batch in batches)
        return results
    with parallel_config(backend=backend, n_jobs=n_jobs):
        collect(Parallel(return_as="generator")(tasks))
    return results
