"""The HTML page of the report: one self-contained file, its PNG plots beside it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from hybridroute.backtest import BacktestResult, IntentRow

__all__ = ["PageContent", "render_page"]

_STYLE = """
body { font-family: -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif; margin: 2em auto;
       max-width: 1000px; color: #222; line-height: 1.45; padding: 0 1em; }
h1 { margin-bottom: 0.2em; } h2 { margin-top: 1.8em; border-bottom: 1px solid #ddd; }
.statement { background: #eef6ee; border-left: 5px solid #2e7d32; padding: 0.8em 1em; }
.statement.none { background: #fbeaea; border-left-color: #c62828; }
.warning { background: #fff6e5; border-left: 5px solid #ef6c00; padding: 0.6em 1em; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ddd; padding: 0.3em 0.7em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f4f4f4; }
tr.headline td { font-weight: bold; background: #f3faf3; }
td.bad { color: #c62828; font-weight: bold; } td.good { color: #2e7d32; }
img { max-width: 100%; border: 1px solid #eee; margin: 0.5em 0; }
.small { color: #666; font-size: 0.85em; }
"""


@dataclass(frozen=True)
class PageContent:
    """What the page shows."""

    title: str
    statement: str
    certified: bool
    alpha: float
    delta: float
    rows: Mapping[str, BacktestResult]
    """Policies compared in the headline table, by name (the first is the headline)."""
    oracle: tuple[float, float] | None
    figures: Mapping[str, str]
    """Caption to PNG file name (relative to the page)."""
    notes: Sequence[str]
    assumption: str
    footer: str


def _pct(x: float | None, digits: int = 1) -> str:
    return "n/a" if x is None else f"{100 * x:.{digits}f}%"


def _level(confidence_level: float) -> str:
    return f"{100 * confidence_level:g}%"


def _interval_heading(rows: Mapping[str, BacktestResult]) -> str:
    """Name the level once when every row shares it; else each cell names its own."""
    levels = {r.confidence_level for r in rows.values()}
    return f"{_level(levels.pop())} interval" if len(levels) == 1 else "interval"


def _interval_cell(r: BacktestResult, shared_level: bool) -> str:
    low, high = r.error_interval
    cell = f"{_pct(low, 2)} - {_pct(high, 2)}"
    return cell if shared_level else f"{cell} ({_level(r.confidence_level)})"


def _headline_table(content: PageContent) -> str:
    show_oos = any(r.oos_to_human_rate is not None for r in content.rows.values())
    interval = _interval_heading(content.rows)
    head = ["policy", "automated", "error among automated", interval, "within alpha"]
    if show_oos:
        head.append("out of scope to a human")
    lines = ["<table>", "<tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>"]
    for i, (name, r) in enumerate(content.rows.items()):
        ok = r.error_rate_automated <= content.alpha
        cells = [
            escape(name),
            f"{_pct(r.automation_rate)} ({r.n_automated:,})",
            f"{_pct(r.error_rate_automated, 2)} ({r.n_wrong:,})",
            _interval_cell(r, shared_level=interval != "interval"),
        ]
        tds = "".join(f"<td>{c}</td>" for c in cells)
        tds += f'<td class="{"good" if ok else "bad"}">{"yes" if ok else "no"}</td>'
        if show_oos:
            tds += f"<td>{_pct(r.oos_to_human_rate)}</td>"
        cls = ' class="headline"' if i == 0 else ""
        lines.append(f"<tr{cls}>{tds}</tr>")
    if content.oracle is not None:
        x, y = content.oracle
        pad = "<td></td>" * (3 if show_oos else 2)
        lines.append(
            f"<tr><td>test-set oracle (chosen with the answers; not deployable)</td>"
            f"<td>{_pct(x)}</td><td>{_pct(y, 2)}</td>{pad}</tr>"
        )
    lines.append("</table>")
    return "\n".join(lines)


def _count_table(title: str, counts: Mapping[str, int]) -> str:
    if not counts:
        return ""
    rows = "".join(f"<tr><td>{escape(k)}</td><td>{v:,}</td></tr>" for k, v in counts.items())
    return f"<table><tr><th>{escape(title)}</th><th>tickets</th></tr>{rows}</table>"


def _intent_table(rows: Sequence[IntentRow], limit: int = 15) -> str:
    worst = sorted(rows, key=lambda r: (-r.errors, r.automated_share))[:limit]
    head = (
        "<tr><th>intent</th><th>tickets</th><th>automated</th><th>wrong</th>"
        "<th>wrong answers given as it</th></tr>"
    )
    body = "".join(
        f"<tr><td>{escape(r.intent)}</td><td>{r.n:,}</td><td>{_pct(r.automated_share)}</td>"
        f"<td>{r.errors:,}</td><td>{r.wrongly_predicted_as:,}</td></tr>"
        for r in worst
    )
    return f"<table>{head}{body}</table>"


def render_page(content: PageContent) -> str:
    """The report as one HTML document (CSS inline, images by relative path)."""
    headline = next(iter(content.rows.values()))
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(content.title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(content.title)}</h1>",
        f'<p class="small">alpha = {_pct(content.alpha, 1)} (largest acceptable error among '
        f"automated tickets), delta = {_pct(content.delta, 0)} (largest acceptable chance that "
        "the guarantee fails)</p>",
        f'<p class="statement{"" if content.certified else " none"}">'
        f"{escape(content.statement)}</p>",
        "<h2>What each policy would have done</h2>",
        _headline_table(content),
        f'<p class="warning"><b>Assumption.</b> {escape(content.assumption)}</p>',
    ]
    if content.notes:
        items = "".join(f"<li>{escape(n)}</li>" for n in content.notes)
        parts.append(f"<h2>Notes</h2><ul>{items}</ul>")
    for caption, file in content.figures.items():
        parts.append(f"<h2>{escape(caption)}</h2>")
        parts.append(f'<img src="{escape(file)}" alt="{escape(caption)}">')
    parts.append("<h2>Where the tickets went</h2>")
    parts.append(_count_table("automated by rule", headline.automated_by_rule))
    parts.append(_count_table("handed off by rule", headline.handoffs_by_rule))
    parts.append(_count_table("handed off to queue", headline.handoffs_by_queue))
    if headline.cost is not None:
        c = headline.cost
        parts.append(
            f"<p>Expected cost {c.total:,.2f} ({c.per_ticket:.3f} per ticket); all-human "
            f"handling {c.all_human_total:,.2f}; saving {_pct(c.savings_share)}.</p>"
        )
    parts.append("<h2>Intents with the most wrong automated answers</h2>")
    parts.append(_intent_table(headline.per_intent))
    parts.append(f'<p class="small">{escape(content.footer)}</p></body></html>')
    return "\n".join(p for p in parts if p)
