"""Run the BANKING77 demo: train, route the test stream, summarise, save decisions."""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from hybridroute.calibration import CalibrationResult, calibrate
from hybridroute.classifiers import (
    Classifier,
    ComplexityScorer,
    HumanRequestDetector,
    IntentClassifier,
    RiskTopicDetector,
    SentimentScorer,
)
from hybridroute.datasets import load_banking77
from hybridroute.demo.banking import ALPHA, DELTA, banking_policy, banking_responder
from hybridroute.models import Decision, Ticket
from hybridroute.policy import ALWAYS, Condition
from hybridroute.progress import Progress
from hybridroute.router import Router

__all__ = ["DemoReport", "build_demo_router", "certify_demo_router", "run_demo"]

#: Share of BANKING77 train held out to certify the threshold (never trained on).
CALIBRATION_FRACTION = 0.2

BATCH_SIZE = 256


@dataclass
class DemoReport:
    """What the demo measured on the BANKING77 test stream."""

    n_tickets: int
    n_automated: int
    n_wrong_automated: int
    by_rule: Counter[str]
    by_queue: Counter[str]
    examples: list[Decision]
    accuracy: float
    train_seconds: float
    route_seconds: float
    certificate: CalibrationResult | None = None
    decisions_path: Path | None = None
    labels: dict[str, str] = field(default_factory=dict, repr=False)
    texts: dict[str, str] = field(default_factory=dict, repr=False)

    @property
    def automation_rate(self) -> float:
        """Share of tickets answered automatically."""
        return self.n_automated / self.n_tickets if self.n_tickets else 0.0

    @property
    def error_rate_automated(self) -> float:
        """Share of automated tickets whose detected intent was wrong."""
        return self.n_wrong_automated / self.n_automated if self.n_automated else 0.0

    def to_dict(self) -> dict[str, Any]:
        """The headline numbers, JSON-ready."""
        return {
            "n_tickets": self.n_tickets,
            "automation_rate": round(self.automation_rate, 4),
            "error_rate_automated": round(self.error_rate_automated, 4),
            "intent_accuracy": round(self.accuracy, 4),
            "by_rule": dict(self.by_rule.most_common()),
            "handoffs_by_queue": dict(self.by_queue.most_common()),
            "certificate": None
            if self.certificate is None
            else self.certificate.certificate.model_dump(mode="json"),
            "train_seconds": round(self.train_seconds, 1),
            "route_seconds": round(self.route_seconds, 1),
        }


def build_demo_router(intent: Classifier, confident: Condition | None = None) -> Router:
    """The demo's router around a trained intent classifier.

    ``confident`` is the condition for answering automatically (a certified
    threshold from :func:`hybridroute.calibrate`); see :func:`banking_policy`.
    """
    return Router(
        classifiers=[
            intent,
            SentimentScorer(),
            ComplexityScorer(),
            HumanRequestDetector(),
            RiskTopicDetector(),
        ],
        policy=banking_policy(confident),
        responder=banking_responder(),
    )


def certify_demo_router(
    intent: Classifier,
    tickets: Sequence[Ticket],
    labels: Sequence[str],
    *,
    alpha: float = ALPHA,
    delta: float = DELTA,
) -> tuple[Router, CalibrationResult]:
    """Certify the auto-reply threshold on held-out tickets and build the router with it.

    Calibrates on exactly the tickets the policy would let the bot answer if it
    were confident (not risky, a template exists, no request for a human), so the
    guarantee covers the tickets actually automated.
    """
    probe = build_demo_router(intent, ALWAYS)
    eligible = [d.automated for d in probe.route_batch(tickets)]
    result = calibrate(intent, tickets, labels, alpha=alpha, delta=delta, eligible=eligible)
    return build_demo_router(intent, result.condition()), result


def _pick_examples(decisions: list[Decision]) -> list[Decision]:
    seen: set[str] = set()
    picked = []
    for d in decisions:
        if d.rule not in seen:
            seen.add(d.rule)
            picked.append(d)
    return picked


def run_demo(
    out_dir: str | Path | None = "hybridroute-demo",
    *,
    limit: int | None = None,
    progress: bool = True,
    alpha: float = ALPHA,
    delta: float = DELTA,
) -> DemoReport:
    """Train on BANKING77 train, certify a threshold, route BANKING77 test, summarise.

    80% of BANKING77 train trains the intent classifier; the other 20% certifies
    the auto-reply threshold (at most ``alpha`` wrong with probability
    ``1 - delta``); the test set is then routed as live traffic.

    Parameters
    ----------
    out_dir : path or None
        Where ``decisions.jsonl`` and ``summary.json`` go; None writes nothing.
    limit : int, optional
        Route only the first ``limit`` test tickets (for quick looks).
    progress : bool
        Show progress bars on standard error.
    alpha, delta : float
        The guarantee to certify: at most ``alpha`` of automated tickets wrong, with
        probability at least ``1 - delta``.
    """
    train = load_banking77("train")
    test = load_banking77("test")
    tickets, labels = test.tickets[:limit], test.labels[:limit]
    order = np.random.default_rng(0).permutation(len(train))
    cut = round(len(train) * (1 - CALIBRATION_FRACTION))
    fit_idx, cal_idx = order[:cut], order[cut:]

    started = time.perf_counter()
    with Progress(2, "training and certifying", enabled=progress) as bar:
        intent = IntentClassifier().fit(
            [train.tickets[i] for i in fit_idx], [train.labels[i] for i in fit_idx]
        )
        bar.advance()
        router, certificate = certify_demo_router(
            intent,
            [train.tickets[i] for i in cal_idx],
            [train.labels[i] for i in cal_idx],
            alpha=alpha,
            delta=delta,
        )
        bar.advance()
    train_seconds = time.perf_counter() - started

    decisions: list[Decision] = []
    started = time.perf_counter()
    with Progress(len(tickets), "routing BANKING77 test", enabled=progress) as bar:
        for i in range(0, len(tickets), BATCH_SIZE):
            chunk = tickets[i : i + BATCH_SIZE]
            decisions.extend(router.route_batch(chunk))
            bar.advance(len(chunk))
    route_seconds = time.perf_counter() - started

    truth = {t.id: y for t, y in zip(tickets, labels, strict=True)}
    automated = [d for d in decisions if d.automated]
    report = DemoReport(
        n_tickets=len(decisions),
        n_automated=len(automated),
        n_wrong_automated=sum(d.intent != truth[d.ticket_id] for d in automated),
        by_rule=Counter(d.rule for d in decisions),
        by_queue=Counter(d.handoff.queue for d in decisions if d.handoff is not None),
        examples=_pick_examples(decisions),
        accuracy=sum(d.intent == truth[d.ticket_id] for d in decisions) / max(len(decisions), 1),
        train_seconds=train_seconds,
        route_seconds=route_seconds,
        labels=truth,
        texts={t.id: t.text for t in tickets},
        certificate=certificate,
    )
    if out_dir is not None:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        report.decisions_path = out / "decisions.jsonl"
        with report.decisions_path.open("w", encoding="utf-8") as fh:
            for d in decisions:
                fh.write(d.model_dump_json() + "\n")
        (out / "summary.json").write_text(json.dumps(report.to_dict(), indent=2) + "\n")
        certificate.save(out / "certificate.json")
    return report
