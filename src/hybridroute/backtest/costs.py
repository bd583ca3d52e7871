"""What routing costs: humans, wrong automated answers, and correct ones."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from hybridroute.calibration.costs import routing_cost
from hybridroute.models._base import FrozenModel

__all__ = ["CostModel", "CostSummary"]

Cost = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]


class CostModel(FrozenModel):
    """Cost of each way a ticket can end, in any currency.

    The same accounting as :class:`hybridroute.MinCost` (both use
    :func:`hybridroute.calibration.costs.routing_cost`), so a backtest reports the
    cost that calibration with that objective minimises.

    Parameters
    ----------
    human_cost : float
        Cost of a ticket a human handles.
    error_cost : float
        Cost of a wrong automated answer (the customer comes back, trust is lost).
    automated_cost : float
        Cost of a correct automated answer (inference, LLM tokens).

    Examples
    --------
    >>> CostModel(human_cost=4.0, error_cost=25.0).cost(n_human=10, n_correct=85, n_wrong=5)
    165.0
    """

    human_cost: Cost
    error_cost: Cost
    automated_cost: Cost = 0.0

    def cost(self, *, n_human: int, n_correct: int, n_wrong: int) -> float:
        """Total cost of that many handed-off, correctly and wrongly automated tickets."""
        return float(routing_cost(self, n_human=n_human, n_correct=n_correct, n_wrong=n_wrong))

    def summarise(self, *, n_human: int, n_correct: int, n_wrong: int) -> CostSummary:
        """The total, per ticket, and against handing every ticket to a human."""
        n = n_human + n_correct + n_wrong
        total = self.cost(n_human=n_human, n_correct=n_correct, n_wrong=n_wrong)
        all_human = n * self.human_cost
        return CostSummary(
            model=self,
            total=total,
            per_ticket=total / n if n else 0.0,
            all_human_total=all_human,
            savings=all_human - total,
            savings_share=(all_human - total) / all_human if all_human else 0.0,
        )


class CostSummary(FrozenModel):
    """Expected cost of a backtested policy, and what it saves over all-human handling."""

    model: CostModel
    total: float
    per_ticket: float
    all_human_total: float
    savings: float
    """``all_human_total - total``; negative when automation costs more than it saves."""
    savings_share: float
