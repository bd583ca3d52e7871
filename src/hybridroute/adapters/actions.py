"""What a decision means in a helpdesk: a plan of idempotent actions, then applying it.

Planning is pure (no I/O), so the service can store the plan durably *before* any
helpdesk call, and a crash between two calls resumes with the rest of the plan.
Every action carries an idempotency key derived from the decision, so replaying a
plan never acts twice.
"""

from __future__ import annotations

from collections.abc import Sequence

from hybridroute.adapters.base import ActionReceipt, HelpdeskAction, HelpdeskAdapter
from hybridroute.models import ActionKind, Decision, HandoffPackage, Priority
from hybridroute.models._base import FrozenModel

__all__ = [
    "DEFAULT_HANDOFF_NOTICE",
    "PlannedAction",
    "apply_action",
    "apply_plan",
    "plan_actions",
    "render_handoff_note",
]

DEFAULT_HANDOFF_NOTICE = (
    "Thanks for your message. A member of our team is taking over and will reply here; "
    "you won't need to repeat anything."
)
"""Told to the customer when a ticket goes to a human, so a handoff is never silence."""


class PlannedAction(FrozenModel):
    """One helpdesk write, ready to store and replay."""

    kind: HelpdeskAction
    ticket_id: str
    idempotency_key: str
    text: str | None = None
    queue: str | None = None
    priority: Priority | None = None
    tags: tuple[str, ...] = ()


def render_handoff_note(package: HandoffPackage, decision: Decision) -> str:
    """The internal note an agent reads: summary, intent, what was tried, why a human.

    The same text as ``package.render(decision)``; ``str(package)`` is this note
    without the decision's part (what failed, which policy and rule decided).
    """
    return package.render(decision)


def plan_actions(
    decision: Decision,
    *,
    key: str | None = None,
    handoff_notice: str | None = DEFAULT_HANDOFF_NOTICE,
) -> list[PlannedAction]:
    """The helpdesk writes that carry out ``decision``, in order.

    Parameters
    ----------
    decision : Decision
        What the router decided.
    key : str, optional
        Unique per decision (the service uses the event id); defaults to the ticket
        id and decision time. Idempotency keys are ``f"{key}:{kind}"``.
    handoff_notice : str or None
        Public message telling the customer a person is taking over. None to stay
        silent (not recommended: customers read silence as being ignored).
    """
    base = key or f"{decision.ticket_id}:{decision.decided_at.isoformat()}"
    tid = decision.ticket_id
    if decision.action is ActionKind.AUTO_REPLY:
        assert decision.reply is not None
        return [
            PlannedAction(
                kind="reply",
                ticket_id=tid,
                idempotency_key=f"{base}:reply",
                text=decision.reply.text,
            )
        ]
    package = decision.handoff
    assert package is not None
    plan = [
        PlannedAction(
            kind="note",
            ticket_id=tid,
            idempotency_key=f"{base}:note",
            text=render_handoff_note(package, decision),
        ),
        PlannedAction(
            kind="assign",
            ticket_id=tid,
            idempotency_key=f"{base}:assign",
            queue=package.queue,
            priority=package.priority,
        ),
    ]
    if package.tags:
        plan.append(
            PlannedAction(
                kind="tags", ticket_id=tid, idempotency_key=f"{base}:tags", tags=package.tags
            )
        )
    if handoff_notice:
        plan.append(
            PlannedAction(
                kind="reply", ticket_id=tid, idempotency_key=f"{base}:notice", text=handoff_notice
            )
        )
    return plan


def apply_action(adapter: HelpdeskAdapter, action: PlannedAction) -> ActionReceipt:
    """Carry out one planned action through an adapter."""
    key = action.idempotency_key
    if action.kind == "reply":
        assert action.text is not None
        return adapter.post_reply(action.ticket_id, action.text, idempotency_key=key)
    if action.kind == "note":
        assert action.text is not None
        return adapter.post_note(action.ticket_id, action.text, idempotency_key=key)
    if action.kind == "assign":
        return adapter.assign(
            action.ticket_id, queue=action.queue, priority=action.priority, idempotency_key=key
        )
    return adapter.add_tags(action.ticket_id, list(action.tags), idempotency_key=key)


def apply_plan(adapter: HelpdeskAdapter, plan: Sequence[PlannedAction]) -> list[ActionReceipt]:
    """Apply every action in order (the service does this one durable step at a time)."""
    return [apply_action(adapter, a) for a in plan]
