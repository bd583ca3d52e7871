"""``hybridroute demo``: train on BANKING77 and route its test stream."""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from hybridroute.demo.banking import ALPHA, DELTA
from hybridroute.demo.run import DemoReport, run_demo

__all__ = ["format_report", "register"]


def register(commands: Any) -> None:
    """Add the ``demo`` sub-command."""
    parser = commands.add_parser(
        "demo",
        help="train on BANKING77 and route its 3,080 test tickets",
        description=(
            "Train the default intent classifier on BANKING77 train, route the BANKING77 "
            "test stream with the built-in banking policy, print a summary and write every "
            "decision as JSON lines."
        ),
    )
    parser.add_argument(
        "--out", default="hybridroute-demo", help="output folder (default: %(default)s)"
    )
    parser.add_argument("--limit", type=int, default=None, help="route only the first N tickets")
    parser.add_argument("--quiet", action="store_true", help="no progress bars")
    parser.add_argument(
        "--alpha",
        type=float,
        default=ALPHA,
        help="largest error rate among automated tickets to certify (default: %(default)s)",
    )
    parser.add_argument(
        "--delta",
        type=float,
        default=DELTA,
        help="largest probability that the guarantee fails (default: %(default)s)",
    )
    parser.set_defaults(run=_run)


def _run(args: argparse.Namespace) -> int:
    report = run_demo(
        args.out, limit=args.limit, progress=not args.quiet, alpha=args.alpha, delta=args.delta
    )
    print(format_report(report))
    return 0


def _pct(x: float) -> str:
    return f"{100 * x:.1f}%"


def format_report(report: DemoReport) -> str:
    """The demo summary as printed on the terminal."""
    n = report.n_tickets
    lines = [
        "",
        f"hybridroute demo: BANKING77 test stream, {n:,} tickets",
        f"  trained and certified in {report.train_seconds:.1f}s, routed in "
        f"{report.route_seconds:.1f}s ({n / max(report.route_seconds, 1e-9):,.0f} tickets/s)",
        "",
    ]
    if report.certificate is not None:
        cert = report.certificate.certificate
        wrapped = textwrap.fill(
            cert.statement(), 86, initial_indent="    ", subsequent_indent="    "
        )
        lines += [f"  certificate {cert.id}:", wrapped, ""]
    lines += [
        f"  automated           {report.n_automated:>6,}  ({_pct(report.automation_rate)})",
        f"  error among them    {report.n_wrong_automated:>6,}  "
        f"({_pct(report.error_rate_automated)} wrong intent; certified at most "
        f"{_pct(report.certificate.certificate.alpha) if report.certificate else '?'})",
        f"  handed to a human   {n - report.n_automated:>6,}  ({_pct(1 - report.automation_rate)})",
        f"  intent accuracy (all tickets): {_pct(report.accuracy)}",
        "",
        "  decisions by rule:",
    ]
    lines += [f"    {rule:<22} {count:>6,}" for rule, count in report.by_rule.most_common()]
    lines += ["", "  handoffs by queue:"]
    lines += [f"    {queue:<22} {count:>6,}" for queue, count in report.by_queue.most_common()]
    lines += ["", "  example decisions:"]
    for d in report.examples[:6]:
        text = report.texts.get(d.ticket_id, "")
        truth = report.labels.get(d.ticket_id, "?")
        lines.append(f"    [{d.ticket_id}] {d.action.value} via rule {d.rule!r}")
        lines.append(f"      ticket: {textwrap.shorten(text, 70)}  (true intent: {truth})")
        lines.append(f"      why:    {textwrap.shorten('; '.join(d.reasons), 90)}")
        if d.reply is not None:
            lines.append(f"      reply:  {textwrap.shorten(d.reply.body, 90)}")
    if report.decisions_path is not None:
        lines += ["", f"  every decision: {report.decisions_path}"]
    return "\n".join(lines)
