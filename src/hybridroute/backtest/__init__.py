"""Backtests: replay a labelled history through a router and measure what it would do.

:func:`backtest` routes every ticket exactly as production would, in parallel
batches (joblib; a Dask cluster with ``backend="dask"``), and returns a
:class:`BacktestResult`: automation rate, error rate among automated tickets
with an exact confidence interval, handoffs by rule and queue, a per-intent
table, expected cost and the risk-coverage curve.
"""

from hybridroute.backtest.costs import CostModel, CostSummary
from hybridroute.backtest.curve import OraclePoint, oracle_operating_point, risk_coverage
from hybridroute.backtest.intents import IntentRow, intent_table
from hybridroute.backtest.parallel import Backend, map_batches
from hybridroute.backtest.policy_router import PLACEHOLDER_ANSWER, policy_router
from hybridroute.backtest.precomputed import PrecomputedSignals
from hybridroute.backtest.records import ReplayRecords
from hybridroute.backtest.replay import replay
from hybridroute.backtest.result import BacktestResult, summarise
from hybridroute.backtest.run import backtest

__all__ = [
    "PLACEHOLDER_ANSWER",
    "Backend",
    "BacktestResult",
    "CostModel",
    "CostSummary",
    "IntentRow",
    "OraclePoint",
    "PrecomputedSignals",
    "ReplayRecords",
    "backtest",
    "intent_table",
    "map_batches",
    "oracle_operating_point",
    "policy_router",
    "replay",
    "risk_coverage",
    "summarise",
]
