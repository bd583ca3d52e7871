"""The evaluation report: ``metrics.json``, an HTML page and its PNG plots.

matplotlib (the ``report`` extra) is imported only while plots are drawn.
"""

from hybridroute.report.confusion import ConfusionTable, top_confusions
from hybridroute.report.reliability import (
    ReliabilityBin,
    expected_calibration_error,
    reliability_bins,
)
from hybridroute.report.write import ReportFiles, report_metrics, write_report

__all__ = [
    "ConfusionTable",
    "ReliabilityBin",
    "ReportFiles",
    "expected_calibration_error",
    "reliability_bins",
    "report_metrics",
    "top_confusions",
    "write_report",
]
