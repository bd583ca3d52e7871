"""The demo end to end: the numbers a first-time user sees on BANKING77."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import hybridroute as hr
from hybridroute.cli import main
from hybridroute.demo.banking import RISKY_INTENTS


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("demo")
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["demo", "--out", str(out), "--quiet"]) == 0
    return out, buffer.getvalue()


def test_demo_summary_numbers(demo: tuple[Path, str]) -> None:
    out, printed = demo
    summary = json.loads((out / "summary.json").read_text())
    # measured on this machine: 43.5% automated, 1.1% of them wrong, 90.9% intent accuracy
    assert summary["n_tickets"] == 3080
    assert 0.35 <= summary["automation_rate"] <= 0.60
    assert summary["error_rate_automated"] <= 0.02  # the certified alpha
    assert summary["intent_accuracy"] >= 0.89
    assert summary["certificate"]["certified"] is True
    assert set(summary["handoffs_by_queue"]) == {"general", "payments", "risk"}
    assert "certificate" in printed and "automated" in printed and "example decisions" in printed
    assert printed.count("  certificate ") == 1  # the certificate is printed once


def test_demo_writes_every_decision_and_never_automates_risky_intents(
    demo: tuple[Path, str],
) -> None:
    out, _ = demo
    lines = (out / "decisions.jsonl").read_text().splitlines()
    decisions = [hr.Decision.model_validate_json(line) for line in lines]
    assert len(decisions) == 3080
    assert len({d.ticket_id for d in decisions}) == 3080
    automated = [d for d in decisions if d.automated]
    assert automated and not any(d.intent in RISKY_INTENTS for d in automated)
    assert all(d.reply is not None and "automated assistant" in d.reply.text for d in automated)
    assert all(d.reasons for d in decisions)
    cert = hr.CalibrationResult.load(out / "certificate.json")
    assert cert.certificate.id in automated[0].reasons[0]
