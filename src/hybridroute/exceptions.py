"""Every error hybridroute raises, in one tree.

Catch :class:`HybridRouteError` to catch anything of ours. Two families sit under
it, because they call for different responses:

* **Usage errors** (:class:`UsageError` and its children) are programmer mistakes:
  a policy that cannot be evaluated, a classifier used before it was fitted, a
  model file that fails its integrity check. They are raised early, at the point of
  definition or load, and their message says how to fix the mistake. Do not retry.
* **Runtime failures** (:class:`RoutingFailure` and its children) happen while
  tickets flow: a classifier crashed, a responder timed out. The router catches
  these itself and hands the ticket to a human with the failure recorded, so a
  caller of :meth:`hybridroute.Router.route` only sees them if it asks to.

Validation of data that enters from outside (a ticket, a decision read back from
JSON) raises :class:`ValidationError`, which is also a ``ValueError``. It names
every offending field; it wraps, and never leaks, pydantic's own error.

Tree::

    HybridRouteError
    ├── UsageError
    │   ├── PolicyDefinitionError     a condition, rule or policy is malformed
    │   ├── NotFittedError            a trainable classifier was used before fit()
    │   ├── ModelIntegrityError       a saved model failed its content-hash check
    │   ├── DatasetError              a built-in data set is missing or malformed
    │   └── CsvFormatError            a labelled CSV file (text,label) cannot be used
    ├── ValidationError               a ticket (or other model) failed validation
    ├── RoutingFailure
    │   ├── ClassifierError           a classifier raised or returned bad output
    │   └── ResponderError            a responder raised, timed out or gave nothing
    └── HelpdeskError                 a helpdesk call failed (adapters never leak httpx errors)
        ├── HelpdeskAuthError         credentials refused (401/403): fix the configuration
        ├── HelpdeskNotFound          the ticket (or other object) does not exist (404)
        ├── HelpdeskRejected          the helpdesk refused the request (other 4xx): not retried
        └── HelpdeskUnavailable       transient: timeout, connection error, 5xx, 429
            └── HelpdeskRateLimited   429, with ``retry_after`` seconds when the vendor says
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ClassifierError",
    "CsvFormatError",
    "DatasetError",
    "HelpdeskAuthError",
    "HelpdeskError",
    "HelpdeskNotFound",
    "HelpdeskRateLimited",
    "HelpdeskRejected",
    "HelpdeskUnavailable",
    "HybridRouteError",
    "ModelIntegrityError",
    "NotFittedError",
    "PolicyDefinitionError",
    "ResponderError",
    "RoutingFailure",
    "UsageError",
    "ValidationError",
]


class HybridRouteError(Exception):
    """Base class of every error raised by hybridroute."""


class UsageError(HybridRouteError):
    """A programmer mistake; the message says how to fix it."""


class PolicyDefinitionError(UsageError, TypeError):
    """A condition, rule or policy is malformed or used the wrong way."""


class NotFittedError(UsageError, ValueError):
    """A trainable classifier was asked to score before it was fitted."""


class ModelIntegrityError(UsageError):
    """A saved classifier failed its integrity check (wrong file, corrupted, tampered)."""


class DatasetError(UsageError):
    """A built-in data set could not be found or read."""


class CsvFormatError(UsageError):
    """A labelled CSV file cannot be used; the message names the file, the row and the fix."""


class ValidationError(HybridRouteError, ValueError):
    """Input data failed validation; ``errors`` lists each bad field.

    Parameters
    ----------
    message : str
        Human-readable summary naming every offending field.
    errors : list of dict
        Pydantic-style error records (``loc``, ``msg``, ``type``).
    """

    def __init__(self, message: str, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or []


class RoutingFailure(HybridRouteError):
    """Something failed while a ticket was being routed; the ticket goes to a human."""


class ClassifierError(RoutingFailure):
    """A classifier raised, or returned output that breaks the classifier contract."""


class ResponderError(RoutingFailure):
    """A responder raised, timed out, or could not produce an answer."""


class HelpdeskError(HybridRouteError):
    """A helpdesk call failed.

    Parameters
    ----------
    message : str
        What failed and how to fix it.
    status_code : int, optional
        The HTTP status, when there was a response.
    vendor : str, optional
        Which adapter raised it.
    retryable : bool
        True for a transient failure (timeout, connection error, 429, 5xx) that is worth
        another attempt within the adapter's retry policy.
    ambiguous : bool
        True when the request may have reached the helpdesk and been acted on (a read
        timeout, a dropped connection, a 5xx), so a write must be checked before it is
        repeated.
    retry_after : float, optional
        Seconds the helpdesk asked us to wait (``Retry-After``), when it said.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        vendor: str | None = None,
        retryable: bool = False,
        ambiguous: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.vendor = vendor
        self.retryable = retryable
        self.ambiguous = ambiguous
        self.retry_after = retry_after


class HelpdeskAuthError(HelpdeskError):
    """The helpdesk refused the credentials (401/403); check the token and its scopes."""


class HelpdeskNotFound(HelpdeskError):
    """The ticket, or another object, does not exist (404)."""


class HelpdeskRejected(HelpdeskError):
    """The helpdesk refused the request as invalid (4xx other than 401/403/404/429)."""


class HelpdeskUnavailable(HelpdeskError):
    """A transient failure: timeout, connection error, 5xx or 429. Worth retrying."""


class HelpdeskRateLimited(HelpdeskUnavailable):
    """The helpdesk asked us to slow down (429); ``retry_after`` is in seconds, if given."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status_code: int | None = 429,
        vendor: str | None = None,
        retryable: bool = False,
        ambiguous: bool = False,
    ) -> None:
        super().__init__(
            message,
            status_code=status_code,
            vendor=vendor,
            retryable=retryable,
            ambiguous=ambiguous,
            retry_after=retry_after,
        )
