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
    │   └── DatasetError              a built-in data set is missing or malformed
    ├── ValidationError               a ticket (or other model) failed validation
    └── RoutingFailure
        ├── ClassifierError           a classifier raised or returned bad output
        └── ResponderError            a responder raised, timed out or gave nothing
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "ClassifierError",
    "DatasetError",
    "HybridRouteError",
    "ModelIntegrityError",
    "NotFittedError",
    "PolicyDefinitionError",
    "ResponderError",
    "RoutingFailure",
    "ValidationError",
    "UsageError",
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
