"""What one evaluation measured: calibrations, backtests and the metrics written out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hybridroute.backtest import BacktestResult
from hybridroute.calibration import CalibrationResult
from hybridroute.evaluation.config import EvaluationConfig

__all__ = ["Evaluation"]


@dataclass
class Evaluation:
    """Everything one evaluation measured."""

    config: EvaluationConfig
    model: str
    calibrations: dict[str, CalibrationResult]
    backtests: dict[str, BacktestResult]
    fallback: BacktestResult
    metrics: dict[str, Any]
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def calibration(self) -> CalibrationResult:
        """The headline method's calibration."""
        return self.calibrations[self.config.method]

    @property
    def result(self) -> BacktestResult:
        """The headline method's backtest on the test tickets."""
        return self.backtests[self.config.method]
