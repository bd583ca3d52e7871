"""What a condition is evaluated against: one ticket, its signals, and the marker for a
value the ticket does not have."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from hybridroute.models import Signal, Ticket

__all__ = ["MISSING", "Context"]


@dataclass(frozen=True)
class Context:
    """What a condition is evaluated against: one ticket and its signals."""

    ticket: Ticket
    signals: Mapping[str, Signal]


MISSING: Any = object()
"""What an operand resolves to when the ticket lacks it (signal not produced, field
absent); it never satisfies a comparison."""
