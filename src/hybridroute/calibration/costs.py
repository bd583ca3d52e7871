"""What routing costs, written once: calibration's :class:`MinCost` and the backtest's
:class:`~hybridroute.backtest.CostModel` both price tickets with :func:`routing_cost`.

A ticket ends one of three ways: a human handles it (``human_cost``), it is
answered automatically and correctly (``automated_cost``), or automatically and
wrongly (``error_cost``).
"""

from __future__ import annotations

from typing import Protocol, TypeVar

import numpy as np
from numpy.typing import NDArray

__all__ = ["TicketCosts", "expected_cost_per_ticket", "routing_cost"]

Amount = TypeVar("Amount", float, NDArray[np.float64])


class TicketCosts(Protocol):
    """The price of each way a ticket can end (``MinCost`` and ``CostModel`` have these)."""

    @property
    def human_cost(self) -> float:
        """Cost of a ticket a human handles."""
        ...

    @property
    def error_cost(self) -> float:
        """Cost of a wrong automated answer."""
        ...

    @property
    def automated_cost(self) -> float:
        """Cost of a correct automated answer."""
        ...


def routing_cost(
    costs: TicketCosts, *, n_human: Amount, n_correct: Amount, n_wrong: Amount
) -> Amount:
    """Total cost of that many handed-off, correctly and wrongly automated tickets.

    Counts or shares, scalars or arrays (one entry per threshold).

    Examples
    --------
    >>> from hybridroute.calibration import MinCost
    >>> routing_cost(MinCost(human_cost=4.0, error_cost=25.0), n_human=10, n_correct=85, n_wrong=5)
    165.0
    """
    return (
        n_human * costs.human_cost + n_correct * costs.automated_cost + n_wrong * costs.error_cost
    )


def expected_cost_per_ticket(
    costs: TicketCosts, automation_rate: Amount, error_rate: Amount
) -> Amount:
    """Cost per ticket: ``automation_rate`` of tickets automated, ``error_rate`` of them wrongly."""
    return routing_cost(
        costs,
        n_human=1 - automation_rate,
        n_correct=automation_rate * (1 - error_rate),
        n_wrong=automation_rate * error_rate,
    )
