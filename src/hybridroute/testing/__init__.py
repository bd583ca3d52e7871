"""The hybridroute test kit: check your classifiers, policies and helpdesk integrations.

Public API, in the spirit of scikit-learn's ``check_estimator`` and structlog's
``capture_logs``; see ``docs/testing.md`` ("Testing your routing").

* Classifiers: :func:`check_classifier`, :func:`parametrize_with_checks`.
* Policies: :func:`assert_routes`, :class:`StubClassifier` with :func:`intent`,
  :func:`score`, :func:`detected`, :func:`not_detected`; golden files with
  :func:`check_golden`.
* Test data: :class:`TicketFactory`; hypothesis strategies in
  :mod:`hybridroute.testing.strategies` (the only part that needs hypothesis).
* Routers and helpdesks: :func:`capture_decisions`, :class:`MemoryHelpdesk`, and the
  adapter contract checks :func:`check_adapter` (with :class:`AdapterFixture`).
* A pytest plugin (:mod:`hybridroute.testing.plugin`) with the fixtures
  ``ticket_factory``, ``captured_decisions`` and ``memory_helpdesk``.
"""

from hybridroute.testing.adapters import AdapterFixture, ObservedTicket, check_adapter
from hybridroute.testing.capture import capture_decisions
from hybridroute.testing.checks import (
    CheckSkipped,
    ContractViolation,
    check_classifier,
    parametrize_with_checks,
)
from hybridroute.testing.factories import TicketFactory
from hybridroute.testing.golden import GoldenChange, check_golden
from hybridroute.testing.memory_helpdesk import MemoryHelpdesk, RecordedWrite
from hybridroute.testing.policies import assert_routes
from hybridroute.testing.sqlite_helpdesk import SqliteHelpdesk
from hybridroute.testing.stubs import StubClassifier, detected, intent, not_detected, score

__all__ = [
    "AdapterFixture",
    "CheckSkipped",
    "ContractViolation",
    "GoldenChange",
    "MemoryHelpdesk",
    "ObservedTicket",
    "RecordedWrite",
    "SqliteHelpdesk",
    "StubClassifier",
    "TicketFactory",
    "assert_routes",
    "capture_decisions",
    "check_adapter",
    "check_classifier",
    "check_golden",
    "detected",
    "intent",
    "not_detected",
    "parametrize_with_checks",
    "score",
]
