"""How an adapter talks HTTP: the timeout, the retry policy, the transport, the sleep.

Kept apart from :mod:`hybridroute.adapters.http` so that the options can be built (and
``import hybridroute`` stays light) without httpx installed; only building an adapter
needs the ``helpdesk`` extra.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from hybridroute.exceptions import UsageError

if TYPE_CHECKING:
    import httpx

__all__ = ["HttpOptions", "RetryPolicy"]


@dataclass(frozen=True)
class RetryPolicy:
    """How transient failures are retried.

    Parameters
    ----------
    max_attempts : int
        Attempts in all, the first included (1 disables retries).
    initial_wait : float
        Seconds before the first retry; doubled for each further retry.
    max_wait : float
        Longest backoff between two attempts, in seconds (before jitter).
    jitter : float
        Up to this many seconds, drawn uniformly, are added to each backoff, so
        workers that failed together do not retry together.
    max_retry_after : float
        Longest ``Retry-After`` the adapter waits for in-process. A longer one fails
        the call at once with ``HelpdeskRateLimited(retry_after=...)``.
    """

    max_attempts: int = 4
    initial_wait: float = 0.5
    max_wait: float = 8.0
    jitter: float = 0.5
    max_retry_after: float = 60.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise UsageError(f"max_attempts counts the first attempt, so it is >= 1; got {self}")
        if min(self.initial_wait, self.max_wait, self.jitter, self.max_retry_after) < 0:
            raise UsageError(f"waits are seconds and cannot be negative; got {self}")


@dataclass(frozen=True)
class HttpOptions:
    """How an adapter talks HTTP: the same four settings for every adapter.

    Parameters
    ----------
    timeout : float
        Seconds for each call (connect, read, write and pool), 10 by default.
    retry : RetryPolicy
        Attempts and waits for transient failures (429, 5xx, timeouts).
    transport : httpx.BaseTransport, optional
        What the client sends through; tests pass ``httpx.MockTransport(handler)``.
        None for httpx's own. It is closed with the adapter.
    sleep : callable
        Called with the seconds to wait between attempts (``time.sleep``); tests pass
        a recorder so they never wait.

    Examples
    --------
    >>> HttpOptions(timeout=5.0, retry=RetryPolicy(max_attempts=2)).timeout
    5.0
    """

    timeout: float = 10.0
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    transport: httpx.BaseTransport | None = None
    sleep: Callable[[float], None] = time.sleep

    def __post_init__(self) -> None:
        if isinstance(self.timeout, bool) or not self.timeout > 0:
            raise UsageError(f"timeout is in seconds and must be > 0; got {self.timeout!r}")
