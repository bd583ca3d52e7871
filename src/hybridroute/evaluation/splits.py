"""The training and calibration rows of an evaluation, checked before any training."""

from __future__ import annotations

from typing import Any

import numpy as np

from hybridroute.evaluation.config import EvaluationConfig
from hybridroute.evaluation.labelled_csv import LabelledData
from hybridroute.exceptions import UsageError

__all__ = ["split_calibration", "training_rows"]


def split_calibration(
    train: LabelledData, fraction: float, seed: int
) -> tuple[LabelledData, LabelledData]:
    """Hold a random ``fraction`` of ``train`` out for calibration: ``(train, calibration)``."""
    if not 0 < fraction < 1:
        raise UsageError(f"--calibration-fraction must be strictly between 0 and 1; got {fraction}")
    order = np.random.default_rng(seed).permutation(len(train))
    n_cal = round(fraction * len(train))
    if n_cal < 2 or n_cal > len(train) - 2:
        raise UsageError(
            f"{train.source} has {len(train)} rows: too few to split {fraction:.0%} off for "
            "calibration; pass a larger file or --calibration CAL.csv"
        )

    def part(index: np.ndarray[Any, Any], name: str) -> LabelledData:
        return LabelledData([train.texts[i] for i in index], [train.labels[i] for i in index], name)

    cal_name = f"{train.source} ({fraction:.0%} held out for calibration)"
    return part(order[n_cal:], train.source), part(order[:n_cal], cal_name)


def training_rows(train: LabelledData, config: EvaluationConfig) -> tuple[list[str], list[str]]:
    """The texts and labels to fit on, out-of-scope rows kept or dropped as configured."""
    oos = config.out_of_scope
    rows = list(zip(train.texts, train.labels, strict=True))
    if config.oos_training == "drop":
        rows = [(t, y) for t, y in rows if y != oos]
    if len({y for _, y in rows}) < 2:
        raise UsageError(
            f"{train.source}: training needs at least two intents; found "
            f"{sorted({y for _, y in rows})}"
        )
    return [t for t, _ in rows], [y for _, y in rows]
