"""Train an intent model, certify a threshold, backtest it and compare: ``hybridroute evaluate``.

The pipeline behind the ``evaluate`` command, importable on its own (the benchmarks
use it): read labelled CSV files (:func:`read_labelled_csv`), build a named intent
model (:func:`build_intent_model`), and run an evaluation (:func:`run_evaluation`).
"""

from hybridroute.evaluation.config import METHODS, EvaluationConfig, OosTraining
from hybridroute.evaluation.intent_models import (
    BEST,
    DEFAULT_MODEL,
    MODELS,
    OOS_MODEL,
    BuiltModel,
    IntentModelSpec,
    build_intent_model,
    resolve_model,
)
from hybridroute.evaluation.labelled_csv import REQUIRED_COLUMNS, LabelledData, read_labelled_csv
from hybridroute.evaluation.policies import (
    FALLBACK_CONFIDENCE,
    FALLBACK_MARGIN,
    certified_policy,
    fallback_policy,
)
from hybridroute.evaluation.result import Evaluation
from hybridroute.evaluation.run import run_evaluation

__all__ = [
    "BEST",
    "DEFAULT_MODEL",
    "FALLBACK_CONFIDENCE",
    "FALLBACK_MARGIN",
    "METHODS",
    "MODELS",
    "OOS_MODEL",
    "REQUIRED_COLUMNS",
    "BuiltModel",
    "Evaluation",
    "EvaluationConfig",
    "IntentModelSpec",
    "LabelledData",
    "OosTraining",
    "build_intent_model",
    "certified_policy",
    "fallback_policy",
    "read_labelled_csv",
    "resolve_model",
    "run_evaluation",
]
