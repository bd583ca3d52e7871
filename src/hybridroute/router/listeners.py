"""Context-local decision listeners, for test kits and tracing.

A listener registered with :func:`listening` sees every decision any router
makes *in the current context* (thread or asyncio task) until the ``with``
block ends; other threads and tasks are unaffected, so two test runs, or a test
and a production router in the same process, never see each other's decisions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from hybridroute.models import Decision

__all__ = ["DecisionListener", "listening", "notify"]

DecisionListener = Callable[[Decision], None]

_LISTENERS: ContextVar[tuple[DecisionListener, ...]] = ContextVar(
    "hybridroute_decision_listeners", default=()
)


@contextmanager
def listening(listener: DecisionListener) -> Iterator[None]:
    """Call ``listener(decision)`` for every decision made inside the block."""
    token = _LISTENERS.set((*_LISTENERS.get(), listener))
    try:
        yield
    finally:
        _LISTENERS.reset(token)


def notify(decisions: list[Decision]) -> None:
    """Hand decisions to the listeners of the current context, if any."""
    listeners = _LISTENERS.get()
    for decision in decisions:
        for listener in listeners:
            listener(decision)
