"""The routing of a small online shop: its intents, policy, answers and triage loop."""

from __future__ import annotations

from collections.abc import Iterable

from keyword_classifier import KeywordIntentClassifier

import hybridroute as hr
from hybridroute.adapters import HelpdeskAdapter, apply_plan, plan_actions

TRAINING_EXAMPLES = [
    ("where is my order", "where_is_my_order"),
    ("my parcel has not arrived yet", "where_is_my_order"),
    ("when will my package be delivered", "where_is_my_order"),
    ("tracking number for my order please", "where_is_my_order"),
    ("the delivery is late, where is it", "where_is_my_order"),
    ("I want to return these shoes", "return_item"),
    ("how do I send an item back", "return_item"),
    ("the jacket does not fit, can I return it", "return_item"),
    ("return label for my order", "return_item"),
    ("I would like a refund for a return", "return_item"),
    ("cancel my order please", "cancel_order"),
    ("I ordered by mistake, cancel it", "cancel_order"),
    ("can I still cancel the order I placed today", "cancel_order"),
    ("stop my order before it ships", "cancel_order"),
    ("I was charged twice for one order", "payment_problem"),
    ("my card payment failed", "payment_problem"),
    ("why was my card declined at checkout", "payment_problem"),
    ("there is a charge I do not recognise", "payment_problem"),
    ("the payment went through but no order", "payment_problem"),
]
"""Example customer messages and their intents (a real shop would use its ticket history)."""

TEMPLATES = {
    "where_is_my_order": "You can follow your parcel from the link in your shipping email.",
    "return_item": "Start a return from Orders > Return an item; the label is free.",
    "cancel_order": "Orders can be cancelled from Orders > Cancel until they ship.",
}


def build_policy() -> hr.Policy:
    """Payments go to billing; confident, clear intents are answered; the rest go to people."""
    intent = hr.signal("intent")
    return hr.Policy(
        [
            hr.rule(
                (intent.label == "payment_problem") & (intent.confidence >= 0.5),
                hr.handoff("billing", priority="high", tags=["payment"]),
                name="payments",
            ),
            hr.rule(
                (intent.confidence >= 0.7) & (intent.margin >= 0.3),
                hr.auto_reply(),
                name="confident",
            ),
        ],
        default=hr.handoff("general"),
        name="shop",
        version="3",
    )


def build_router(intents: hr.Classifier | None = None) -> hr.Router:
    """The shop's router; trains the keyword classifier on TRAINING_EXAMPLES if none is given."""
    if intents is None:
        texts, labels = zip(*TRAINING_EXAMPLES, strict=True)
        intents = KeywordIntentClassifier().fit(texts, labels)
    return hr.Router(
        [intents, hr.HumanRequestDetector()],
        build_policy(),
        hr.TemplateResponder(TEMPLATES),
    )


def triage(router: hr.Router, helpdesk: HelpdeskAdapter, ticket_ids: Iterable[str]) -> int:
    """Route new tickets from the helpdesk and carry out each decision; return how many."""
    tickets = [helpdesk.fetch_ticket(ticket_id) for ticket_id in ticket_ids]
    for decision in router.route_batch(tickets):
        apply_plan(helpdesk, plan_actions(decision, key=f"triage:{decision.ticket_id}"))
    return len(tickets)
