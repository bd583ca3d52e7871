"""The options of one evaluation, and the calibration methods it compares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hybridroute.backtest import CostModel
from hybridroute.datasets import OUT_OF_SCOPE

__all__ = ["METHODS", "EvaluationConfig", "OosTraining"]

METHODS: tuple[Literal["global", "margin", "per_intent"], ...] = ("global", "margin", "per_intent")
"""Every calibration method an evaluation certifies a threshold with."""

OosTraining = Literal["class", "drop"]
"""What training does with out-of-scope rows: learn them as a class, or drop them."""


@dataclass(frozen=True)
class EvaluationConfig:
    """The options of one evaluation."""

    alpha: float = 0.02
    delta: float = 0.1
    per_intent: bool = False
    model: str = "tfidf"
    calibration_fraction: float = 0.2
    seed: int = 0
    oos_training: OosTraining = "class"
    costs: CostModel | None = None
    embedding_cache: str | None = None
    progress: bool = True
    out_of_scope: str = OUT_OF_SCOPE
    min_oos_to_human: float | None = None

    @property
    def method(self) -> Literal["global", "per_intent"]:
        """The headline calibration method."""
        return "per_intent" if self.per_intent else "global"
