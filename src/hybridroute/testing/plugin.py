"""The hybridroute pytest plugin: test-kit fixtures, available in every test without imports.

Installed with hybridroute (entry point ``pytest11``: ``hybridroute``), it provides

``ticket_factory``
    A :class:`~hybridroute.testing.TicketFactory` seeded with 0, fresh for each test.
``captured_decisions``
    The list :func:`~hybridroute.testing.capture_decisions` fills with every decision
    routers make during the test (in the test's thread).
``memory_helpdesk``
    An empty :class:`~hybridroute.testing.MemoryHelpdesk`.

Disable it with ``pytest -p no:hybridroute``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:  # imported lazily: pytest loads this plugin in every project
    from hybridroute.models import Decision
    from hybridroute.testing.factories import TicketFactory
    from hybridroute.testing.memory_helpdesk import MemoryHelpdesk

__all__ = ["captured_decisions", "memory_helpdesk", "ticket_factory"]


@pytest.fixture
def ticket_factory() -> TicketFactory:
    """A ticket factory seeded with 0: the same tickets on every run."""
    from hybridroute.testing.factories import TicketFactory

    return TicketFactory(seed=0)


@pytest.fixture
def captured_decisions() -> Iterator[list[Decision]]:
    """Every decision routers make during the test, in order."""
    from hybridroute.testing.capture import capture_decisions

    with capture_decisions() as decisions:
        yield decisions


@pytest.fixture
def memory_helpdesk() -> MemoryHelpdesk:
    """An empty in-memory helpdesk; seed it with ``add_ticket``."""
    from hybridroute.testing.memory_helpdesk import MemoryHelpdesk

    return MemoryHelpdesk()
