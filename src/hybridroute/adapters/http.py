"""The transport discipline every HTTP helpdesk adapter shares.

:class:`JsonApi` wraps an :class:`httpx.Client` and makes each call the same way:

* **a timeout on every call** (``timeout`` seconds, 10 by default);
* **retries only for transient failures**: connection errors, timeouts, 429 and 5xx,
  with exponential backoff plus jitter (tenacity), honouring the helpdesk's
  ``Retry-After`` (seconds or an HTTP date) up to ``RetryPolicy.max_retry_after``;
  when the helpdesk asks for a longer pause than that, the call fails at once with
  :class:`~hybridroute.HelpdeskRateLimited` carrying ``retry_after``, so a durable
  outbox can schedule the action instead of blocking a worker;
* **no retry for other 4xx**, which are mapped to our errors: 401/403 ->
  :class:`~hybridroute.HelpdeskAuthError`, 404 -> :class:`~hybridroute.HelpdeskNotFound`,
  other 4xx -> :class:`~hybridroute.HelpdeskRejected` (with the vendor's error text);
* after the last attempt the failure is raised as ours
  (:class:`~hybridroute.HelpdeskUnavailable` or :class:`~hybridroute.HelpdeskRateLimited`)
  ``from`` the original, so httpx exceptions never escape;
* **non-idempotent writes are never retried blindly.** After an *ambiguous* failure
  (a read timeout, a dropped connection, a 5xx: the helpdesk may have saved the
  write before failing) :meth:`JsonApi.write` runs the adapter's ``already_done``
  check before the next attempt; if the write is there, it returns that receipt with
  ``duplicate=True`` instead of writing again. A plain :meth:`JsonApi.request` of a
  non-idempotent method (POST, PATCH) is not retried after an ambiguous failure at
  all. Unambiguous failures (connection refused, connect timeout, 429) mean nothing
  was sent or processed, so they are retried without a check.

Sleeping is injectable (``sleep=``), so tests never wait for real.

Examples
--------
>>> import httpx
>>> from hybridroute.adapters.http import JsonApi, RetryPolicy
>>> def handler(request: httpx.Request) -> httpx.Response:
...     return httpx.Response(200, json={"id": 7})
>>> api = JsonApi(
...     "https://example.test/api",
...     vendor="example",
...     client=httpx.Client(transport=httpx.MockTransport(handler)),
...     retry=RetryPolicy(max_attempts=3),
...     sleep=lambda seconds: None,
... )
>>> api.get("tickets/7")
{'id': 7}
"""

from __future__ import annotations

import base64
import json as jsonlib
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Any, NoReturn

import httpx
import tenacity

from hybridroute.adapters.base import ActionReceipt
from hybridroute.exceptions import (
    HelpdeskAuthError,
    HelpdeskError,
    HelpdeskNotFound,
    HelpdeskRateLimited,
    HelpdeskRejected,
    HelpdeskUnavailable,
    UsageError,
)

__all__ = [
    "IDEMPOTENT_METHODS",
    "JsonApi",
    "RetryPolicy",
    "basic_auth_header",
    "parse_retry_after",
    "vendor_error_text",
]

log = logging.getLogger("hybridroute.adapters")

#: Methods that are safe to repeat after an ambiguous failure (RFC 9110, 9.2.2).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

#: Longest vendor error text kept in an exception message, in characters.
MAX_ERROR_TEXT = 300

QueryParams = Mapping[str, str | int | float | bool]


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


def basic_auth_header(username: str, password: str) -> str:
    """The ``Authorization`` value for HTTP Basic auth (RFC 7617, UTF-8).

    Examples
    --------
    >>> basic_auth_header("agent@example.com/token", "abc")
    'Basic YWdlbnRAZXhhbXBsZS5jb20vdG9rZW46YWJj'
    """
    raw = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait, from a ``Retry-After`` value (delay-seconds or an HTTP date).

    Returns None when the value is missing or unreadable, and 0 for a date in the past.

    Examples
    --------
    >>> parse_retry_after("30")
    30.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0)
    10.0
    """
    if value is None or not value.strip():
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # an HTTP date is always GMT
        when = when.replace(tzinfo=timezone.utc)
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def vendor_error_text(response: httpx.Response) -> str:
    """The helpdesk's own words about an error, on one line and trimmed."""
    try:
        text = jsonlib.dumps(response.json(), separators=(",", ":"), ensure_ascii=False)
    except ValueError:
        text = " ".join(response.text.split())
    if len(text) > MAX_ERROR_TEXT:
        text = text[: MAX_ERROR_TEXT - 1] + "…"
    return text or "(empty body)"


def _is_ambiguous(exc: httpx.HTTPError) -> bool:
    """True when the request may have reached the helpdesk and been acted on."""
    # Connecting (or waiting for a pooled connection) failed: nothing was sent.
    return not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))


@dataclass
class _CallState:
    """What the last attempt of one call left behind for the retry decision."""

    retryable: bool = False
    advised_wait: float | None = None
    must_check: bool = False


class JsonApi:
    """A JSON-over-HTTP API of one helpdesk, called with the shared transport discipline.

    Parameters
    ----------
    base_url : str
        Root every path is joined to (``https://acme.zendesk.com/api/v2``).
    vendor : str
        Adapter name, recorded on every error raised.
    headers : mapping of str to str, optional
        Sent with every request (authentication, API version).
    timeout : float
        Seconds for each call (connect, read, write and pool).
    retry : RetryPolicy, optional
        Attempts and waits for transient failures.
    client : httpx.Client, optional
        The client to send through; tests pass
        ``httpx.Client(transport=httpx.MockTransport(handler))``. Its base URL is not
        used. A client passed in is not closed by :meth:`close`.
    sleep : callable, optional
        Called with the seconds to wait between attempts (``time.sleep`` by default).
    retry_delay : callable, optional
        Reads the helpdesk's advised wait from a 429 or 5xx response; by default the
        ``Retry-After`` header (:func:`parse_retry_after`).
    """

    def __init__(
        self,
        base_url: str,
        *,
        vendor: str,
        headers: Mapping[str, str] | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        client: httpx.Client | None = None,
        sleep: Callable[[float], None] = time.sleep,
        retry_delay: Callable[[httpx.Response], float | None] | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise UsageError(
                f"{vendor}: base_url must start with https:// or http://; got {base_url!r}"
            )
        if timeout <= 0:
            raise UsageError(f"{vendor}: timeout is in seconds and must be > 0; got {timeout!r}")
        self.base_url = base_url.rstrip("/")
        self.vendor = vendor
        self.headers = {"Accept": "application/json", **dict(headers or {})}
        self.timeout = timeout
        self.retry = retry or RetryPolicy()
        self._owns_client = client is None
        self._client = client if client is not None else httpx.Client()
        self._sleep = sleep
        self._retry_delay = retry_delay or _retry_after_header

    def __repr__(self) -> str:
        return f"JsonApi({self.base_url!r}, vendor={self.vendor!r}, timeout={self.timeout!r})"

    def close(self) -> None:
        """Close the HTTP client, if this object created it."""
        if self._owns_client:
            self._client.close()

    def __enter__(self) -> JsonApi:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def url(self, path: str) -> str:
        """The absolute URL of ``path`` (a path relative to ``base_url``)."""
        return f"{self.base_url}/{path.lstrip('/')}"

    # -- calls -----------------------------------------------------------------------------

    def get(self, path: str, *, params: QueryParams | None = None) -> Any:
        """GET ``path`` and return the decoded JSON body (None if empty)."""
        return self.request("GET", path, params=params)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: QueryParams | None = None,
        json: Any = None,
        idempotent: bool | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """Send one request with retries; return the decoded JSON body (None if empty).

        Parameters
        ----------
        method, path : str
            HTTP method and path relative to ``base_url``.
        params : mapping, optional
            Query string.
        json : object, optional
            Request body, sent as JSON.
        idempotent : bool, optional
            Whether repeating the request after an ambiguous failure is harmless.
            Defaults to True for GET, HEAD, OPTIONS, PUT and DELETE. Pass True for a
            POST that only sets state (adding a tag that may already be there); for
            a POST that creates something, use :meth:`write` instead.
        headers : mapping, optional
            Sent with this request only, on top of the API's own headers.

        Raises
        ------
        HelpdeskAuthError, HelpdeskNotFound, HelpdeskRejected
            The helpdesk refused the request (not retried).
        HelpdeskRateLimited, HelpdeskUnavailable
            A transient failure outlasted the retries.
        """
        method = method.upper()
        safe = method in IDEMPOTENT_METHODS if idempotent is None else idempotent
        return self._call(method, path, params, json, headers, repeatable=safe, already_done=None)[
            0
        ]

    def write(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        params: QueryParams | None = None,
        already_done: Callable[[], ActionReceipt | None],
        receipt: Callable[[Any], ActionReceipt],
        check_first: bool = True,
        headers: Mapping[str, str] | None = None,
    ) -> ActionReceipt:
        """Send a non-idempotent write (a new comment) at most once.

        Parameters
        ----------
        method, path : str
            HTTP method and path relative to ``base_url``.
        json : object, optional
            Request body, sent as JSON.
        params : mapping, optional
            Query string.
        already_done : callable
            Looks in the helpdesk for this very write (usually an idempotency marker
            embedded in the text) and returns its receipt, or None if it is not there.
            Runs before the first attempt (unless ``check_first`` is False) and before
            every retry that follows an ambiguous failure.
        receipt : callable
            Builds the receipt from the decoded JSON answer of a successful write.
        check_first : bool
            False when the caller has just checked for itself.
        headers : mapping, optional
            Sent with this request only, on top of the API's own headers.

        Returns
        -------
        ActionReceipt
            From ``receipt``, or from ``already_done`` with ``duplicate=True`` when the
            write was already in the helpdesk.
        """
        body, found = self._call(
            method.upper(),
            path,
            params,
            json,
            headers,
            repeatable=False,
            already_done=already_done,
            check_first=check_first,
        )
        if found is not None:
            return found.model_copy(update={"duplicate": True})
        return receipt(body)

    # -- the retry loop --------------------------------------------------------------------

    def _call(
        self,
        method: str,
        path: str,
        params: QueryParams | None,
        json: Any,
        headers: Mapping[str, str] | None,
        *,
        repeatable: bool,
        already_done: Callable[[], ActionReceipt | None] | None,
        check_first: bool = False,
    ) -> tuple[Any, ActionReceipt | None]:
        state = _CallState(must_check=already_done is not None and check_first)
        policy = self.retry
        backoff = tenacity.wait_exponential(
            multiplier=policy.initial_wait, max=policy.max_wait
        ) + tenacity.wait_random(0, policy.jitter)

        def wait(retry_state: tenacity.RetryCallState) -> float:
            if state.advised_wait is not None:
                return state.advised_wait
            return float(backoff(retry_state))

        def should_retry(retry_state: tenacity.RetryCallState) -> bool:
            outcome = retry_state.outcome
            return outcome is not None and outcome.failed and state.retryable

        def log_retry(retry_state: tenacity.RetryCallState) -> None:
            exc = retry_state.outcome.exception() if retry_state.outcome else None
            log.warning(
                "%s %s %s failed (attempt %d of %d), retrying in %.1fs: %s",
                self.vendor,
                method,
                path,
                retry_state.attempt_number,
                policy.max_attempts,
                retry_state.upcoming_sleep,
                exc,
            )

        def attempt() -> tuple[Any, ActionReceipt | None]:
            state.retryable, state.advised_wait = False, None
            if already_done is not None and state.must_check:
                # the check's own calls retry transient failures; if it still fails,
                # the call fails here and nothing is written blindly
                found = already_done()
                if found is not None:
                    return None, found
                state.must_check = False
            sent = self._send_once(
                method, path, params, json, headers, state, repeatable, already_done
            )
            return sent, None

        retrying = tenacity.Retrying(
            stop=tenacity.stop_after_attempt(policy.max_attempts),
            wait=wait,
            retry=should_retry,
            sleep=self._sleep,
            before_sleep=log_retry,
            reraise=True,
        )
        return retrying(attempt)

    def _send_once(
        self,
        method: str,
        path: str,
        params: QueryParams | None,
        json: Any,
        headers: Mapping[str, str] | None,
        state: _CallState,
        repeatable: bool,
        already_done: Callable[[], ActionReceipt | None] | None,
    ) -> Any:
        where = f"{self.vendor}: {method} {path}"
        try:
            response = self._client.request(
                method,
                self.url(path),
                params=dict(params) if params is not None else None,
                json=json,
                headers={**self.headers, **(headers or {})},
                timeout=self.timeout,
            )
        except httpx.TransportError as exc:
            ambiguous = _is_ambiguous(exc)
            self._mark_transient(state, ambiguous, repeatable, already_done)
            kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "failed"
            raise HelpdeskUnavailable(
                f"{where} {kind} ({type(exc).__name__}: {exc})"
                + (self._not_retried_note(state, ambiguous, repeatable, already_done)),
                vendor=self.vendor,
            ) from exc
        except httpx.HTTPError as exc:  # a malformed URL or similar: a bug, not transient
            raise HelpdeskError(f"{where} could not be sent: {exc}", vendor=self.vendor) from exc
        if response.is_success:
            return self._decode(response, where)
        self._raise_for_status(response, where, state, repeatable, already_done)

    def _mark_transient(
        self,
        state: _CallState,
        ambiguous: bool,
        repeatable: bool,
        already_done: Callable[[], ActionReceipt | None] | None,
    ) -> None:
        if not ambiguous or repeatable:
            state.retryable = True
        elif already_done is not None:
            state.retryable = state.must_check = True
        else:
            state.retryable = False

    @staticmethod
    def _not_retried_note(
        state: _CallState,
        ambiguous: bool,
        repeatable: bool,
        already_done: Callable[[], ActionReceipt | None] | None,
    ) -> str:
        if ambiguous and not repeatable and already_done is None:
            return "; not retried: the write may have been saved and there is no way to check"
        return ""

    def _raise_for_status(
        self,
        response: httpx.Response,
        where: str,
        state: _CallState,
        repeatable: bool,
        already_done: Callable[[], ActionReceipt | None] | None,
    ) -> NoReturn:
        status = response.status_code
        text = vendor_error_text(response)
        try:
            response.raise_for_status()
        except httpx.HTTPStatusError as exc:
            cause: BaseException = exc
        else:  # 1xx/3xx: raise_for_status lets them pass
            cause = HelpdeskError(f"HTTP {status}")
        message = f"{where} answered {status}: {text}"
        if status == 429 or status >= 500:
            advised = self._retry_delay(response)
            ambiguous = status != 429  # a 429 was refused before any work was done
            self._mark_transient(state, ambiguous, repeatable, already_done)
            if advised is not None and advised > self.retry.max_retry_after:
                state.retryable = False  # longer than we may block: let the caller schedule it
            state.advised_wait = advised
            if status == 429:
                raise HelpdeskRateLimited(
                    message, retry_after=advised, status_code=status, vendor=self.vendor
                ) from cause
            raise HelpdeskUnavailable(
                message + self._not_retried_note(state, ambiguous, repeatable, already_done),
                status_code=status,
                vendor=self.vendor,
            ) from cause
        if status in (401, 403):
            raise HelpdeskAuthError(
                f"{message}; check the adapter's credentials and their permissions",
                status_code=status,
                vendor=self.vendor,
            ) from cause
        if status == 404:
            raise HelpdeskNotFound(message, status_code=status, vendor=self.vendor) from cause
        if 300 <= status < 400:
            message += f" (redirect to {response.headers.get('location')!r}: is base_url right?)"
        raise HelpdeskRejected(message, status_code=status, vendor=self.vendor) from cause

    def _decode(self, response: httpx.Response, where: str) -> Any:
        if not response.content.strip():
            return None
        try:
            return response.json()
        except ValueError as exc:
            raise HelpdeskError(
                f"{where} answered {response.status_code} with a body that is not JSON: "
                f"{vendor_error_text(response)}",
                status_code=response.status_code,
                vendor=self.vendor,
            ) from exc


def _retry_after_header(response: httpx.Response) -> float | None:
    return parse_retry_after(response.headers.get("retry-after"))
