"""Record every decision routers make inside a block, like ``structlog.testing.capture_logs``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from hybridroute.models import Decision
from hybridroute.router.listeners import listening

__all__ = ["capture_decisions"]


@contextmanager
def capture_decisions() -> Iterator[list[Decision]]:
    """A list that fills with every decision any router makes inside the ``with`` block.

    Capture is context-local: decisions made in the current thread (or asyncio task,
    and tasks it starts) are recorded; other threads, including the workers of a
    ``ThreadPoolExecutor`` started inside the block, are not, so tests running side
    by side never see each other's decisions. Blocks nest: each records everything
    made inside it.

    Yields
    ------
    list of Decision
        Decisions in the order they were made; the list stays readable after the block.

    Examples
    --------
    >>> import hybridroute as hr
    >>> router = hr.Router([], hr.Policy([], default=hr.handoff("general")))
    >>> with capture_decisions() as decisions:
    ...     _ = router.route(hr.Ticket(id="T-1", body="hello"))
    >>> [(d.ticket_id, d.action.value) for d in decisions]
    [('T-1', 'handoff')]
    """
    captured: list[Decision] = []
    with listening(captured.append):
        yield captured
