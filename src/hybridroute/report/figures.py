"""The report's plots, drawn with matplotlib's Agg renderer straight to PNG files.

matplotlib is imported only here, inside each function, and never through
``pyplot``: figures are plain objects rendered by Agg, so nothing touches a
global backend or opens a window, and plotting is safe in servers and threads.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import Any

from hybridroute.backtest import IntentRow
from hybridroute.calibration import RiskCoveragePoint
from hybridroute.report.confusion import ConfusionTable
from hybridroute.report.reliability import ReliabilityBin

__all__ = [
    "OperatingPoint",
    "plot_confusion",
    "plot_per_intent",
    "plot_reliability",
    "plot_risk_coverage",
]

OperatingPoint = tuple[float, float]
"""(automation rate, error rate among automated tickets)."""

_DPI = 110
_GREEN, _RED, _GREY, _BLUE, _ORANGE = "#2e7d32", "#c62828", "#9e9e9e", "#1565c0", "#ef6c00"
_LABEL_BOX = {"facecolor": "white", "alpha": 0.8, "edgecolor": "none", "pad": 1.5}
"""Behind point labels, so curves do not run through them."""


def _figure(width: float, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _save(fig: Any, path: str | os.PathLike[str]) -> None:
    fig.savefig(path, format="png")


def _percent_axis(axis: Any) -> None:
    from matplotlib.ticker import PercentFormatter

    axis.set_major_formatter(PercentFormatter(xmax=1.0, decimals=0))


def plot_risk_coverage(
    path: str | os.PathLike[str],
    curve: Sequence[RiskCoveragePoint],
    *,
    alpha: float,
    certified: OperatingPoint | None,
    calibration_curve: Sequence[RiskCoveragePoint] = (),
    others: Mapping[str, OperatingPoint] | None = None,
    oracle: OperatingPoint | None = None,
) -> None:
    """Error among automated tickets against the share automated, with the certified point.

    Parameters
    ----------
    path : path
        Where the PNG goes.
    curve : sequence of RiskCoveragePoint
        The curve on the evaluated tickets.
    alpha : float
        The error target, drawn as a horizontal line.
    certified : (float, float) or None
        Where the certified policy operates (None: nothing was certified).
    calibration_curve : sequence of RiskCoveragePoint
        The calibration tickets' curve; its upper confidence bounds are drawn too.
    others : mapping of str to (float, float)
        Other operating points to mark, such as a hand-set baseline.
    oracle : (float, float), optional
        The test-set oracle point (chosen with the answers).
    """
    fig = _figure(7.5, 4.8)
    ax = fig.add_subplot()
    if calibration_curve:
        xs = [p.automation_rate for p in calibration_curve]
        ax.plot(
            xs,
            [p.error_bound for p in calibration_curve],
            ls="--",
            lw=1,
            color=_GREY,
            label="calibration: upper bound (1 - delta)",
        )
        ax.plot(
            xs,
            [p.error_rate for p in calibration_curve],
            lw=1,
            color=_GREY,
            label="calibration: observed error",
        )
    ax.plot(
        [p.automation_rate for p in curve],
        [p.error_rate for p in curve],
        lw=2,
        color=_BLUE,
        label="evaluated tickets: observed error",
    )
    ax.axhline(alpha, color=_RED, ls=":", lw=1.5, label=f"alpha = {alpha:.1%}")
    tops = [alpha * 4]
    for name, (x, y) in (others or {}).items():
        ax.plot([x], [y], marker="X", ms=10, color=_ORANGE, ls="none", label=name)
        ax.annotate(
            f"{x:.0%} / {y:.1%}",
            (x, y),
            textcoords="offset points",
            xytext=(-70, 6),
            bbox=_LABEL_BOX,
        )
        tops.append(y * 1.25)
    if oracle is not None:
        ax.plot(
            [oracle[0]],
            [oracle[1]],
            marker="o",
            ms=9,
            mfc="none",
            color="black",
            ls="none",
            label="test-set oracle (not deployable)",
        )
    if certified is not None:
        x, y = certified
        ax.plot(
            [x], [y], marker="*", ms=16, color=_GREEN, ls="none", label="certified operating point"
        )
        # below the star (comparison points are labelled above theirs), unless that
        # would fall under the axis
        below = y >= 0.3 * alpha
        ax.annotate(
            f"{x:.1%} automated, {y:.2%} wrong",
            (x, y),
            textcoords="offset points",
            xytext=(-150, -20 if below else 14),
            bbox=_LABEL_BOX,
            color=_GREEN,
            fontweight="bold",
        )
    ax.set_ylim(0, min(max(tops), 1.0))
    ax.set_xlim(0, 1)
    _percent_axis(ax.xaxis)
    _percent_axis(ax.yaxis)
    ax.set_xlabel("tickets automated")
    ax.set_ylabel("error among automated tickets")
    ax.set_title("Risk-coverage: how many tickets can be automated at what error")
    ax.grid(alpha=0.3)
    ax.legend(loc="upper left", fontsize=8)
    _save(fig, path)


def _rows_to_show(rows: Sequence[IntentRow], max_bars: int) -> tuple[list[IntentRow], int]:
    ordered = sorted(rows, key=lambda r: (r.automated_share, r.intent))
    if len(ordered) <= max_bars:
        return ordered, 0
    half = max_bars // 2
    return ordered[:half] + ordered[-half:], len(ordered) - 2 * half


def plot_per_intent(
    path: str | os.PathLike[str], rows: Sequence[IntentRow], *, max_bars: int = 60
) -> None:
    """One stacked bar per true intent: automated correctly, automated wrongly, handed off.

    With more than ``max_bars`` intents, the least and the most automated are shown.
    """
    shown, hidden = _rows_to_show(rows, max_bars)
    # leave an empty slot between the least and the most automated when some are hidden
    gap = len(shown) // 2 if hidden else None
    ys = [i + (1 if gap is not None and i >= gap else 0) for i in range(len(shown))]
    slots = len(shown) + (1 if hidden else 0)
    fig = _figure(8.0, 1.2 + 0.19 * max(slots, 1))
    ax = fig.add_subplot()
    right = [(r.n_automated - r.errors) / r.n for r in shown]
    wrong = [r.errors / r.n for r in shown]
    human = [1 - r.automated_share for r in shown]
    ax.barh(ys, right, color=_GREEN, label="automated, right")
    ax.barh(ys, wrong, left=right, color=_RED, label="automated, wrong")
    ax.barh(
        ys,
        human,
        left=[a + b for a, b in zip(right, wrong, strict=True)],
        color="#d7d7d7",
        label="handed to a human",
    )
    ax.set_yticks(ys, [f"{r.intent} ({r.n})" for r in shown], fontsize=7)
    ax.set_xlim(0, 1)
    _percent_axis(ax.xaxis)
    ax.set_ylim(-0.6, slots - 0.4)
    if gap is not None:
        ax.text(
            0.5,
            gap,
            f"... {hidden} intents in between not shown ...",
            ha="center",
            va="center",
            fontsize=8,
        )
    ax.set_xlabel("share of the intent's tickets")
    ax.set_title("Automation by true intent (tickets in brackets)")
    fig.legend(loc="outside upper center", ncol=3, fontsize=8, frameon=False)
    _save(fig, path)


def plot_reliability(
    path: str | os.PathLike[str], bins: Sequence[ReliabilityBin], *, ece: float
) -> None:
    """Accuracy against confidence per bin, with the diagonal of perfect calibration."""
    fig = _figure(6.0, 6.0)
    top, bottom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 1])
    centres = [(b.low + b.high) / 2 for b in bins]
    width = bins[0].high - bins[0].low if bins else 0.1
    top.bar(
        centres,
        [b.accuracy for b in bins],
        width=width * 0.9,
        color=_BLUE,
        alpha=0.8,
        label="accuracy in bin",
    )
    top.plot(
        [b.mean_confidence for b in bins],
        [b.accuracy for b in bins],
        "o-",
        color="black",
        ms=4,
        lw=1,
        label="accuracy at mean confidence",
    )
    top.plot([0, 1], [0, 1], ls="--", color=_GREY, label="perfectly calibrated")
    top.set_ylim(0, 1)
    top.set_ylabel("accuracy (top intent right)")
    _percent_axis(top.yaxis)
    top.set_title(f"Reliability of the intent confidence (ECE {ece:.1%})")
    top.legend(loc="upper left", fontsize=8)
    top.grid(alpha=0.3)
    bottom.bar(centres, [b.n for b in bins], width=width * 0.9, color=_GREY)
    bottom.set_ylabel("tickets")
    bottom.set_xlabel("confidence of the top intent")
    bottom.set_xlim(0, 1)
    _percent_axis(bottom.xaxis)
    _save(fig, path)


def plot_confusion(path: str | os.PathLike[str], table: ConfusionTable) -> None:
    """Heat map of true against predicted intent among the most confused intents."""
    n = len(table.intents)
    size = 3.0 + 0.45 * max(n, 1)
    fig = _figure(size + 1.5, size)
    ax = fig.add_subplot()
    if n == 0:
        ax.text(0.5, 0.5, "no confusions: every prediction was right", ha="center")
        ax.set_axis_off()
        _save(fig, path)
        return
    image = ax.imshow(table.counts, cmap="Blues")
    peak = table.counts.max() or 1
    for i in range(n):
        for j in range(n):
            value = int(table.counts[i, j])
            if value:
                ax.text(
                    j,
                    i,
                    str(value),
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if value > peak / 2 else "black",
                )
    ax.set_xticks(range(n), table.intents, rotation=55, ha="right", fontsize=7)
    ax.set_yticks(range(n), table.intents, fontsize=7)
    ax.set_xlabel("predicted intent")
    ax.set_ylabel("true intent")
    ax.set_title("Most confused intents (counts of tickets)")
    fig.colorbar(image, ax=ax, shrink=0.7)
    _save(fig, path)
