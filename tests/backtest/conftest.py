"""A deterministic intent classifier for backtests: a ticket's text says what it predicts.

Text ``"card_arrival 0.95"`` makes the classifier predict ``card_arrival`` with
confidence 0.95 (margin half of it); ``"boom"`` makes it fail on that ticket.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest

import hybridroute as hr


class ScriptedIntent:
    name = "intent"

    def score(self, tickets: Sequence[hr.Ticket]) -> list[hr.IntentSignal]:
        out = []
        for ticket in tickets:
            if ticket.text == "boom":
                raise RuntimeError("model crashed")
            label, confidence = ticket.text.split()
            conf = float(confidence)
            out.append(hr.IntentSignal(label=label, confidence=conf, margin=conf / 2))
        return out


@pytest.fixture
def scripted() -> ScriptedIntent:
    return ScriptedIntent()


@pytest.fixture
def policy() -> hr.Policy:
    """Refund questions go to the billing team; confident answers are automated."""
    return hr.Policy(
        [
            hr.rule(hr.signal("intent").label == "refund", hr.handoff("billing"), name="money"),
            hr.rule(hr.signal("intent").confidence >= 0.8, hr.auto_reply(), name="confident"),
        ],
        default=hr.handoff("general"),
    )
