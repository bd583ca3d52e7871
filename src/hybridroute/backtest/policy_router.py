"""A router for backtesting an intent classifier and a policy, before any answers exist."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from hybridroute.classifiers.base import Classifier
from hybridroute.models import Signal, Ticket
from hybridroute.policy import Policy
from hybridroute.router import Router

__all__ = ["PLACEHOLDER_ANSWER", "policy_router"]

PLACEHOLDER_ANSWER = "(automated answer)"
"""What the placeholder responder of :func:`policy_router` answers."""


class _PlaceholderResponder:
    """Has an answer for every ticket, so only the policy decides what is automated."""

    name = "placeholder"

    def respond(self, ticket: Ticket, signals: Mapping[str, Signal]) -> str:
        return PLACEHOLDER_ANSWER


def policy_router(
    classifiers: Sequence[Classifier],
    policy: Policy,
    *,
    human_request_signal: str | None = "human_request",
) -> Router:
    """A router that measures a policy's decisions, not the coverage of answer templates.

    Every auto-reply gets a placeholder answer, no disclosure and no drafts for
    handoffs, so a backtest counts exactly the tickets the policy would automate.
    Backtest your production router instead to include tickets that fall back to
    a human because no template exists.

    Parameters
    ----------
    classifiers : sequence of classifiers
        Typically one intent classifier (or :class:`PrecomputedSignals`).
    policy : Policy
        The policy to measure.
    human_request_signal : str or None
        As :class:`~hybridroute.Router`: the "asked for a human" safeguard, active
        only if a classifier produces that signal.

    Examples
    --------
    >>> import hybridroute as hr
    >>> policy = hr.Policy([hr.rule(hr.signal("intent").confidence >= 0.9, hr.auto_reply())],
    ...                    default=hr.handoff("general"))
    >>> router = policy_router([clf], policy)  # doctest: +SKIP
    """
    return Router(
        classifiers,
        policy,
        _PlaceholderResponder(),
        disclosure=None,
        human_request_signal=human_request_signal,
        draft_for_handoffs=False,
    )
