"""The policies an evaluation compares: each certified threshold, and the hand-set fallback."""

from __future__ import annotations

from hybridroute.calibration import CalibrationResult
from hybridroute.policy import Policy, Rule, auto_reply, handoff, rule, signal

__all__ = ["FALLBACK_CONFIDENCE", "FALLBACK_MARGIN", "certified_policy", "fallback_policy"]

FALLBACK_CONFIDENCE = 0.3
"""Confidence of the usual hand-set fallback (Rasa's FallbackClassifier default)."""

FALLBACK_MARGIN = 0.1
"""Margin over the runner-up of the usual hand-set fallback (Rasa's ambiguity threshold)."""


def _oos_rule(knows_oos: bool, oos: str) -> list[Rule]:
    if not knows_oos:
        return []
    return [
        rule(
            signal("intent").label == oos,
            handoff("out_of_scope", reason="the intent model says out of scope"),
            name="predicted_out_of_scope",
        )
    ]


def certified_policy(result: CalibrationResult, *, knows_oos: bool, oos: str) -> Policy:
    """Hand off predicted out-of-scope tickets; auto-reply at or above the certified threshold."""
    return Policy(
        [*_oos_rule(knows_oos, oos), rule(result.condition(), auto_reply(), name="certified")],
        default=handoff("general", reason="below the certified threshold"),
        name=f"certified-{result.certificate.id}",
    )


def fallback_policy(*, knows_oos: bool, oos: str) -> Policy:
    """The usual hand-set rule: confidence >= 0.3 and margin >= 0.1, no guarantee."""
    confident = (signal("intent").confidence >= FALLBACK_CONFIDENCE) & (
        signal("intent").margin >= FALLBACK_MARGIN
    )
    return Policy(
        [*_oos_rule(knows_oos, oos), rule(confident, auto_reply(), name="hand_set_fallback")],
        default=handoff("general", reason="below the hand-set fallback thresholds"),
        name="hand-set-fallback",
    )
