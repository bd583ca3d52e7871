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

One :class:`httpx.Client` owns the connection: its ``base_url`` joins the paths, its
``auth`` signs every request and its ``timeout`` bounds every call. Each failure is
raised as our error carrying ``retryable``, ``ambiguous`` and ``retry_after``, and
tenacity decides from those alone (``retry_if_exception``, a ``wait`` that honours
``retry_after``, ``reraise=True``).

Every adapter takes one :class:`HttpOptions` (timeout, retry policy, transport, sleep);
tests pass ``transport=httpx.MockTransport(...)`` and a ``sleep`` that never waits.

Examples
--------
>>> import httpx
>>> from hybridroute.adapters.http import HttpOptions, JsonApi, RetryPolicy
>>> def handler(request: httpx.Request) -> httpx.Response:
...     return httpx.Response(200, json={"id": 7})
>>> api = JsonApi(
...     "https://example.test/api",
...     vendor="example",
...     http=HttpOptions(
...         retry=RetryPolicy(max_attempts=3),
...         transport=httpx.MockTransport(handler),
...         sleep=lambda seconds: None,
...     ),
... )
>>> api.get("tickets/7")
{'id': 7}
"""

from __future__ import annotations

import json as jsonlib
import logging
import time
from collections.abc import Callable, Mapping
from datetime import timezone
from email.utils import parsedate_to_datetime
from functools import partial
from typing import Any, NoReturn

import httpx
import tenacity

from hybridroute.adapters.base import ActionReceipt
from hybridroute.adapters.options import HttpOptions, RetryPolicy
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
    "HttpOptions",
    "JsonApi",
    "RetryPolicy",
    "honour_retry_after",
    "parse_retry_after",
    "vendor_error_text",
]

log = logging.getLogger("hybridroute.adapters")

#: Methods that are safe to repeat after an ambiguous failure (RFC 9110, 9.2.2).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})

#: Longest vendor error text kept in an exception message, in characters.
MAX_ERROR_TEXT = 300

QueryParams = Mapping[str, str | int | float | bool]


def honour_retry_after(policy: RetryPolicy) -> Callable[[tenacity.RetryCallState], float]:
    """A tenacity ``wait``: the failure's ``retry_after`` (capped), else exponential backoff.

    The backoff starts at ``policy.initial_wait``, doubles up to ``policy.max_wait`` and
    has up to ``policy.jitter`` seconds added at random. A ``retry_after`` is capped at
    ``policy.max_retry_after`` (a longer one is not retried at all, see :class:`JsonApi`).
    """
    backoff = tenacity.wait_exponential(
        multiplier=policy.initial_wait, max=policy.max_wait
    ) + tenacity.wait_random(0, policy.jitter)

    def wait(retry_state: tenacity.RetryCallState) -> float:
        outcome = retry_state.outcome
        failure = outcome.exception() if outcome is not None and outcome.failed else None
        advised = failure.retry_after if isinstance(failure, HelpdeskError) else None
        if advised is not None:
            return min(advised, policy.max_retry_after)
        return float(backoff(retry_state))

    return wait


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


def _is_ambiguous(exc: httpx.TransportError) -> bool:
    """True when the request may have reached the helpdesk and been acted on."""
    # Connecting (or waiting for a pooled connection) failed: nothing was sent.
    return not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))


def _worth_retrying(may_repeat: bool, exc: BaseException) -> bool:
    """Whether tenacity tries again: a transient failure, unless repeating could act twice."""
    if not isinstance(exc, HelpdeskError) or not exc.retryable:
        return False
    return may_repeat or not exc.ambiguous


class JsonApi:
    """A JSON-over-HTTP API of one helpdesk, called with the shared transport discipline.

    Parameters
    ----------
    base_url : str
        Root every path is joined to (``https://acme.zendesk.com/api/v2``).
    vendor : str
        Adapter name, recorded on every error raised.
    headers : mapping of str to str, optional
        Sent with every request (a token, the API version).
    auth : httpx.Auth, optional
        Signs every request (``httpx.BasicAuth(user, password)``).
    http : HttpOptions, optional
        Timeout, retry policy, transport and sleep.
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
        auth: httpx.Auth | None = None,
        http: HttpOptions | None = None,
        retry_delay: Callable[[httpx.Response], float | None] | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise UsageError(
                f"{vendor}: base_url must start with https:// or http://; got {base_url!r}"
            )
        self.vendor = vendor
        self.http = http or HttpOptions()
        self.retry = self.http.retry
        self._retry_delay = retry_delay or _retry_after_header
        self._client = httpx.Client(
            base_url=base_url.rstrip("/") + "/",
            auth=auth,
            headers={"Accept": "application/json", **dict(headers or {})},
            timeout=httpx.Timeout(self.http.timeout),
            transport=self.http.transport,
        )

    @property
    def base_url(self) -> str:
        """The root every path is joined to, without its trailing slash."""
        return str(self._client.base_url).rstrip("/")

    def __repr__(self) -> str:
        return f"JsonApi({self.base_url!r}, vendor={self.vendor!r}, timeout={self.http.timeout!r})"

    def close(self) -> None:
        """Close the HTTP client and its transport."""
        self._client.close()

    def __enter__(self) -> JsonApi:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

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
        request = self._build(method, path, params, json, headers)
        retrying = self._retrying(f"{self.vendor}: {method} {path}", may_repeat=safe)
        return retrying(self._send_once, request, path, may_repeat=safe)

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
            every retry that follows an ambiguous failure. Its own calls retry their
            transient failures; if it still fails, the write fails and nothing is sent
            blindly.
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
        method = method.upper()
        request = self._build(method, path, params, json, headers)
        check = check_first
        for attempt in self._retrying(f"{self.vendor}: {method} {path}", may_repeat=True):
            if check:  # outside the attempt: a failed check ends the write
                found = already_done()
                if found is not None:
                    return found.model_copy(update={"duplicate": True})
            with attempt:
                try:
                    body = self._send_once(request, path, may_repeat=True)
                except HelpdeskError as exc:
                    check = exc.ambiguous  # the write may be there: look before repeating
                    raise
                return receipt(body)
        raise AssertionError("unreachable: tenacity re-raises after the last attempt")

    # -- one attempt -----------------------------------------------------------------------

    def _build(
        self,
        method: str,
        path: str,
        params: QueryParams | None,
        json: Any,
        headers: Mapping[str, str] | None,
    ) -> httpx.Request:
        try:
            return self._client.build_request(
                method,
                path.lstrip("/"),
                params=dict(params) if params is not None else None,
                json=json,
                headers=headers,
            )
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # a bug, not transient
            raise HelpdeskError(
                f"{self.vendor}: {method} {path} could not be sent: {exc}", vendor=self.vendor
            ) from exc

    def _retrying(self, where: str, *, may_repeat: bool) -> tenacity.Retrying:
        return tenacity.Retrying(
            stop=tenacity.stop_after_attempt(self.retry.max_attempts),
            wait=honour_retry_after(self.retry),
            retry=tenacity.retry_if_exception(partial(_worth_retrying, may_repeat)),
            sleep=self.http.sleep,
            before_sleep=partial(self._log_retry, where),
            reraise=True,
        )

    def _log_retry(self, where: str, retry_state: tenacity.RetryCallState) -> None:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        log.warning(
            "%s failed (attempt %d of %d), retrying in %.1fs: %s",
            where,
            retry_state.attempt_number,
            self.retry.max_attempts,
            retry_state.upcoming_sleep,
            exc,
        )

    def _send_once(self, request: httpx.Request, path: str, *, may_repeat: bool) -> Any:
        where = f"{self.vendor}: {request.method} {path}"
        if self._client.is_closed:
            raise HelpdeskError(
                f"{where} could not be sent: the adapter is closed", vendor=self.vendor
            )
        try:
            response = self._client.send(request)
        except httpx.TransportError as exc:
            ambiguous = _is_ambiguous(exc)
            kind = "timed out" if isinstance(exc, httpx.TimeoutException) else "failed"
            raise HelpdeskUnavailable(
                f"{where} {kind} ({type(exc).__name__}: {exc})"
                + _not_retried_note(ambiguous, may_repeat),
                vendor=self.vendor,
                retryable=True,
                ambiguous=ambiguous,
            ) from exc
        except (httpx.HTTPError, httpx.InvalidURL) as exc:  # a bug, not transient
            raise HelpdeskError(f"{where} could not be sent: {exc}", vendor=self.vendor) from exc
        if response.is_success:
            return self._decode(response, where)
        self._raise_for_status(response, where, may_repeat=may_repeat)

    def _raise_for_status(
        self, response: httpx.Response, where: str, *, may_repeat: bool
    ) -> NoReturn:
        status = response.status_code
        try:
            response.raise_for_status()
        except httpx.HTTPStatusError as exc:
            cause: BaseException = exc
        else:  # 1xx/3xx: raise_for_status lets them pass
            cause = HelpdeskError(f"HTTP {status}")
        message = f"{where} answered {status}: {vendor_error_text(response)}"
        if status == 429 or status >= 500:
            raise self._transient(response, message, may_repeat=may_repeat) from cause
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

    def _transient(
        self, response: httpx.Response, message: str, *, may_repeat: bool
    ) -> HelpdeskUnavailable:
        """Our error for a 429 or 5xx: retryable unless the advised wait is too long."""
        status = response.status_code
        advised = self._retry_delay(response)
        # longer than we may block: fail now and let the caller schedule it
        retryable = advised is None or advised <= self.retry.max_retry_after
        if status == 429:  # refused before any work was done
            return HelpdeskRateLimited(
                message,
                retry_after=advised,
                status_code=status,
                vendor=self.vendor,
                retryable=retryable,
            )
        return HelpdeskUnavailable(
            message + _not_retried_note(True, may_repeat),
            status_code=status,
            vendor=self.vendor,
            retryable=retryable,
            ambiguous=True,
            retry_after=advised,
        )

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


def _not_retried_note(ambiguous: bool, may_repeat: bool) -> str:
    if ambiguous and not may_repeat:
        return "; not retried: the write may have been saved and there is no way to check"
    return ""


def _retry_after_header(response: httpx.Response) -> float | None:
    return parse_retry_after(response.headers.get("retry-after"))
