"""What to optimise among the thresholds the certificate allows.

Every threshold a fixed-sequence test certifies is certified *simultaneously*, so
choosing among them by any rule keeps the guarantee. The objectives differ only
in that choice.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from hybridroute.models._base import FrozenModel

__all__ = ["CapacityCap", "MaxAutomation", "MinCost", "Objective", "TargetAutomation"]

Rate = Annotated[float, Field(gt=0.0, le=1.0)]
Positive = Annotated[float, Field(gt=0.0)]


class MaxAutomation(FrozenModel):
    """Automate as much as the guarantee allows (the default)."""

    kind: Literal["max_automation"] = "max_automation"


class TargetAutomation(FrozenModel):
    """Automate about ``rate`` of tickets: the strictest certified threshold reaching it.

    If the guarantee does not allow ``rate``, the laxest certified threshold is used
    and the result says the target was missed. For a handoff-rate target ``h``,
    pass ``rate = 1 - h``.
    """

    kind: Literal["target_automation"] = "target_automation"
    rate: Rate


class MinCost(FrozenModel):
    """Minimise expected cost per ticket among certified thresholds.

    Tickets are priced by :func:`~hybridroute.calibration.costs.expected_cost_per_ticket`,
    the same accounting as the backtest's :class:`~hybridroute.backtest.CostModel`.

    Parameters
    ----------
    human_cost : float
        Cost of a ticket a human handles.
    error_cost : float
        Cost of a wrong automated answer (the customer comes back, trust is lost).
    automated_cost : float
        Cost of a correct automated answer (inference, LLM tokens).
    """

    kind: Literal["min_cost"] = "min_cost"
    human_cost: Positive
    error_cost: Positive
    automated_cost: Annotated[float, Field(ge=0.0)] = 0.0


class CapacityCap(FrozenModel):
    """Keep the humans within capacity: hand off at most ``human_capacity / volume``.

    Picks the strictest certified threshold that keeps handoffs within capacity;
    if none does, the laxest certified one, and the result reports the overflow
    (the guarantee is never traded for capacity).

    Parameters
    ----------
    tickets_per_hour : float
        Incoming tickets per hour.
    human_capacity_per_hour : float
        Tickets per hour the team can handle.
    """

    kind: Literal["capacity"] = "capacity"
    tickets_per_hour: Positive
    human_capacity_per_hour: Positive

    @property
    def min_automation(self) -> float:
        """The automation rate needed to stay within capacity."""
        return max(0.0, 1.0 - self.human_capacity_per_hour / self.tickets_per_hour)


Objective = Annotated[
    MaxAutomation | TargetAutomation | MinCost | CapacityCap, Field(discriminator="kind")
]
"""Any objective, told apart by ``kind``."""
