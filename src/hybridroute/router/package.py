"""The handoff package: what an agent reads so the customer never repeats themselves."""

from __future__ import annotations

from collections.abc import Mapping

from hybridroute.models import (
    ActionKind,
    Assist,
    DetectionSignal,
    Handoff,
    HandoffPackage,
    IntentSignal,
    ScoreSignal,
    Signal,
    Ticket,
)

__all__ = ["build_handoff_package", "summarise"]

_QUOTE_LIMIT = 280


def _quote(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= _QUOTE_LIMIT else flat[: _QUOTE_LIMIT - 1] + "…"


def _signal_line(name: str, sig: Signal) -> str | None:
    if isinstance(sig, IntentSignal):
        if sig.label is None:
            return f"{name}: unclear"
        runner = sig.alternatives[1].label if len(sig.alternatives) > 1 else None
        alt = f"; runner-up {runner}" if runner else ""
        return f"{name}: {sig.label} ({sig.confidence:.0%}{alt})"
    if isinstance(sig, DetectionSignal):
        if not sig.detected:
            return None
        found = ", ".join(sig.labels) if sig.labels else "yes"
        return f"{name}: {found}"
    if isinstance(sig, ScoreSignal):
        return f"{name}: {sig.value:.2f}"
    return None


def summarise(ticket: Ticket, signals: Mapping[str, Signal]) -> str:
    """A few lines an agent can read in seconds: what was asked, what was detected."""
    msgs = ticket.customer_messages
    channel = ticket.channel.value
    head = f"{len(msgs)} customer message{'s' if len(msgs) != 1 else ''} via {channel}"
    if ticket.customer.previous_contacts:
        head += f"; {ticket.customer.previous_contacts} earlier contact(s) on this matter"
    lines = [head + "."]
    if ticket.subject:
        lines.append(f"Subject: {_quote(ticket.subject)}")
    lines.append(f"First message: {_quote(msgs[0])}")
    if len(msgs) > 1:
        lines.append(f"Latest message: {_quote(msgs[-1])}")
    detected = [line for n, s in signals.items() if (line := _signal_line(n, s))]
    if detected:
        lines.append("Detected: " + "; ".join(detected) + ".")
    return "\n".join(lines)


def build_handoff_package(
    ticket: Ticket,
    signals: Mapping[str, Signal],
    action: Handoff | Assist,
    reasons: tuple[str, ...],
    draft: str | None,
) -> HandoffPackage:
    """Assemble the package for a ticket a human takes."""
    intent = next((s for s in signals.values() if isinstance(s, IntentSignal)), None)
    return HandoffPackage(
        kind=ActionKind(action.kind),
        queue=action.queue,
        priority=action.priority,
        tags=action.tags,
        summary=summarise(ticket, signals),
        latest_message=ticket.latest_customer_message,
        turns=ticket.turns,
        intent=intent.label if intent else None,
        intent_confidence=intent.confidence if intent else None,
        reasons=reasons,
        suggested_reply=draft,
    )
