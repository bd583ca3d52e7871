"""Helpdesk adapters: read tickets from a helpdesk and act on decisions in it."""

from hybridroute.adapters.actions import (
    DEFAULT_HANDOFF_NOTICE,
    PlannedAction,
    apply_action,
    apply_plan,
    plan_actions,
    render_handoff_note,
)
from hybridroute.adapters.base import ActionReceipt, HelpdeskAction, HelpdeskAdapter
from hybridroute.adapters.options import HttpOptions, RetryPolicy

__all__ = [
    "DEFAULT_HANDOFF_NOTICE",
    "ActionReceipt",
    "HelpdeskAction",
    "HelpdeskAdapter",
    "HttpOptions",
    "PlannedAction",
    "RetryPolicy",
    "apply_action",
    "apply_plan",
    "plan_actions",
    "render_handoff_note",
]
