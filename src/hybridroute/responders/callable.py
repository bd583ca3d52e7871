"""Wrap any function (an LLM call, a knowledge-base search) as a responder."""

from __future__ import annotations

import concurrent.futures
from collections.abc import Callable, Mapping

import tenacity

from hybridroute.exceptions import ResponderError, UsageError
from hybridroute.models import Signal, Ticket

__all__ = ["CallableResponder"]

AnswerFunction = Callable[[Ticket, Mapping[str, Signal]], "str | None"]

#: Exceptions worth another attempt: the network and the clock, not bugs.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    TimeoutError,
    ConnectionError,
    concurrent.futures.TimeoutError,
)


class CallableResponder:
    """A responder that calls your function, with a timeout and retries.

    Parameters
    ----------
    fn : callable
        ``fn(ticket, signals) -> str | None``. Return None (or blank text) when
        there is no answer; the router then hands the ticket off.
    timeout : float
        Seconds one attempt may take. The call runs in a worker thread; a call
        that overruns is abandoned (Python cannot kill a thread, so make ``fn``
        honour its own timeout too if it holds resources).
    attempts : int
        Total attempts for transient failures (timeouts, connection errors, or
        the types in ``retry_on``), with exponential backoff and jitter.
    retry_on : tuple of exception types
        What counts as transient. Anything else fails at once.
    backoff : float
        Initial backoff in seconds (doubles each attempt, capped at 10 s).
    max_workers : int
        Threads available for concurrent calls (a router shared between threads).
    name : str
        Shown as the reply's source.

    Raises
    ------
    ResponderError
        From :meth:`respond`, after the last attempt, chained to the original error.

    Examples
    --------
    >>> import hybridroute as hr
    >>> def ask_llm(ticket, signals):
    ...     return f"About {signals['intent'].label}: ..."
    >>> responder = hr.CallableResponder(ask_llm, timeout=5, attempts=2, name="llm")
    """

    def __init__(
        self,
        fn: AnswerFunction,
        *,
        timeout: float = 10.0,
        attempts: int = 3,
        retry_on: tuple[type[BaseException], ...] = TRANSIENT_ERRORS,
        backoff: float = 0.5,
        max_workers: int = 4,
        name: str = "callable",
    ) -> None:
        if not callable(fn):
            raise UsageError(f"CallableResponder needs a function, got {fn!r}")
        if timeout <= 0 or attempts < 1 or backoff < 0:
            raise UsageError("timeout must be > 0, attempts >= 1 and backoff >= 0")
        self.fn = fn
        self.timeout = timeout
        self.attempts = attempts
        self.retry_on = tuple(retry_on)
        self.backoff = backoff
        self.max_workers = max_workers
        self.name = name
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=max_workers, thread_name_prefix=f"hybridroute-{name}"
        )

    def _attempt(self, ticket: Ticket, signals: Mapping[str, Signal]) -> str | None:
        future = self._pool.submit(self.fn, ticket, signals)
        try:
            return future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError as exc:
            future.cancel()
            raise TimeoutError(f"{self.name} took longer than {self.timeout} s") from exc

    def respond(self, ticket: Ticket, signals: Mapping[str, Signal]) -> str | None:
        """Call the function, retrying transient failures; blank answers become None."""
        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.attempts),
            wait=tenacity.wait_exponential(multiplier=self.backoff, max=10.0)
            + tenacity.wait_random(0, self.backoff),
            retry=tenacity.retry_if_exception_type(self.retry_on),
            reraise=True,
        )
        try:
            answer = retrying(self._attempt, ticket, signals)
        except Exception as exc:
            raise ResponderError(
                f"{self.name} failed on ticket {ticket.id!r}: {type(exc).__name__}: {exc}"
            ) from exc
        if answer is not None and not isinstance(answer, str):
            raise ResponderError(
                f"{self.name} returned {type(answer).__name__}; it must return text or None"
            )
        return answer if answer and answer.strip() else None

    def __getstate__(self) -> dict[str, object]:
        state = self.__dict__.copy()
        del state["_pool"]
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=self.max_workers, thread_name_prefix=f"hybridroute-{self.name}"
        )

    def __repr__(self) -> str:
        return (
            f"CallableResponder({getattr(self.fn, '__name__', self.fn)!r}, timeout={self.timeout}, "
            f"attempts={self.attempts}, name={self.name!r})"
        )
