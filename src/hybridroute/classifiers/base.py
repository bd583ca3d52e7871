"""The classifier contract: anything that scores a batch of tickets.

hybridroute never asks you to subclass anything. A classifier is any object with

* ``name``: the signal name it produces (``"intent"``, ``"risk_topic"``, ...), and
* ``score(tickets)``: given a sequence of tickets, return one :data:`Signal` per
  ticket, in the same order.

Optionally it may have

* ``fit(tickets_or_texts, labels)`` returning itself (then it is *trainable*, and
  scoring before fitting raises :class:`hybridroute.NotFittedError`, unless it
  declares ``requires_fit = False`` because it works with defaults until fitted,
  like :class:`~hybridroute.ComplexityScorer`),
* ``uses``: names of signals produced by *earlier* classifiers in the router that
  it wants to read; the router then calls ``score(tickets, upstream=...)`` with one
  mapping of those signals per ticket (missing signals are simply absent).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol, runtime_checkable

from hybridroute.models import Signal, Ticket

__all__ = [
    "Classifier",
    "ContextualClassifier",
    "TextsOrTickets",
    "TrainableClassifier",
    "as_texts",
    "as_tickets",
]

TextsOrTickets = Iterable[str] | Iterable[Ticket]
"""Training input: raw texts or tickets (their ``text`` is used)."""


@runtime_checkable
class Classifier(Protocol):
    """Scores a batch of tickets; see the module docstring for the contract."""

    name: str

    def score(self, tickets: Sequence[Ticket]) -> Sequence[Signal]:
        """Return one signal per ticket, in order."""
        ...


@runtime_checkable
class TrainableClassifier(Classifier, Protocol):
    """A classifier that learns from labelled examples."""

    def fit(self, X: TextsOrTickets, y: Iterable[Any]) -> Any:
        """Learn from texts (or tickets) and their labels; return self."""
        ...


@runtime_checkable
class ContextualClassifier(Protocol):
    """A classifier that reads signals of classifiers that ran before it."""

    name: str
    uses: tuple[str, ...]

    def score(
        self,
        tickets: Sequence[Ticket],
        upstream: Sequence[Mapping[str, Signal]] | None = None,
    ) -> Sequence[Signal]:
        """Return one signal per ticket; ``upstream[i]`` holds ticket i's earlier signals."""
        ...


def as_texts(items: TextsOrTickets) -> list[str]:
    """Texts from raw strings or tickets, for training and scoring."""
    return [item.text if isinstance(item, Ticket) else str(item) for item in items]


def as_tickets(items: Iterable[str | Ticket], prefix: str = "text") -> list[Ticket]:
    """Tickets from raw strings (given ids ``text-0``, ``text-1``...) or tickets."""
    return [
        item if isinstance(item, Ticket) else Ticket(id=f"{prefix}-{i}", body=item)
        for i, item in enumerate(items)
    ]
