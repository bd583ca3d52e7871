"""A handoff package prints as the note an agent reads, the one the adapters post."""

from __future__ import annotations

import hybridroute as hr
from hybridroute.adapters import plan_actions, render_handoff_note


class Broken:
    """A classifier that always fails, so the ticket goes to a human with the failure."""

    name = "broken"

    def score(self, tickets: object) -> list[object]:
        raise RuntimeError("model file missing")


def routed(classifiers: list[object]) -> hr.Decision:
    router = hr.Router(
        classifiers=classifiers,  # type: ignore[arg-type]
        policy=hr.Policy([], default=hr.handoff("billing", priority="high")),
    )
    return router.route(hr.Ticket(id="T-1", body="I was charged twice, please help."))


def posted_note(decision: hr.Decision) -> str:
    (note,) = [a for a in plan_actions(decision) if a.kind == "note"]
    assert note.text is not None
    return note.text


def test_str_of_a_package_is_the_note_the_adapters_post_without_the_policy_line() -> None:
    decision = routed([hr.HumanRequestDetector()])
    package = decision.handoff
    assert package is not None

    note = posted_note(decision)

    assert str(package) == package.render()
    assert note == package.render(decision) == render_handoff_note(package, decision)
    footer = (
        f"Decided by policy {decision.policy.name} v{decision.policy.version} "
        f"({decision.policy.fingerprint}), rule '{decision.rule}'."
    )
    assert note == f"{package}\n\n{footer}"
    assert str(package).startswith("[hybridroute] handoff to queue 'billing' (priority high)")
    assert "Why a human: " in str(package)


def test_the_posted_note_also_says_what_failed() -> None:
    decision = routed([Broken()])
    package = decision.handoff
    assert package is not None and decision.failures

    note = posted_note(decision)

    assert note == package.render(decision)
    assert "Failed: " in note and "Failed: " not in str(package)


def test_a_full_package_renders_every_part_in_order() -> None:
    package = hr.HandoffPackage(
        kind=hr.ActionKind.ASSIST,
        queue="billing",
        priority=hr.Priority.HIGH,
        summary="Customer was charged twice.",
        latest_message="Charged twice!",
        turns=2,
        intent="refund",
        intent_confidence=0.87,
        reasons=("rule 'refunds' matched", "amount over 100"),
        suggested_reply="We have refunded the second charge.",
    )

    assert str(package) == (
        "[hybridroute] assist to queue 'billing' (priority high)\n"
        "\n"
        "Customer was charged twice.\n"
        "\n"
        "Why a human: rule 'refunds' matched; amount over 100\n"
        "Detected intent: refund (87%)\n"
        "\n"
        "Suggested reply (not sent):\n"
        "We have refunded the second charge."
    )
