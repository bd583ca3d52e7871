"""Certified thresholds: automate as much as a finite-sample error guarantee allows."""

from hybridroute.calibration.bounds import (
    binomial_p_value,
    binomial_p_values,
    certified_error_bound,
    clopper_pearson_interval,
    min_tickets_to_certify,
)
from hybridroute.calibration.calibrate import (
    IntentOutcomes,
    calibrate,
    calibrate_outcomes,
    intent_outcomes,
)
from hybridroute.calibration.drift import DriftReport, DriftWarning, check_drift
from hybridroute.calibration.objectives import (
    CapacityCap,
    MaxAutomation,
    MinCost,
    Objective,
    TargetAutomation,
)
from hybridroute.calibration.result import CalibrationResult, Certificate, RiskCoveragePoint

__all__ = [
    "CalibrationResult",
    "CapacityCap",
    "Certificate",
    "DriftReport",
    "DriftWarning",
    "IntentOutcomes",
    "MaxAutomation",
    "MinCost",
    "Objective",
    "RiskCoveragePoint",
    "TargetAutomation",
    "binomial_p_value",
    "binomial_p_values",
    "calibrate",
    "calibrate_outcomes",
    "certified_error_bound",
    "check_drift",
    "clopper_pearson_interval",
    "intent_outcomes",
    "min_tickets_to_certify",
]
