"""The worker: decides stored events and delivers planned helpdesk actions.

It only ever acts on what the store already holds, so it can be killed at any
point and restarted: undecided events are decided again (nothing was sent for
them), and planned actions are delivered again with the same idempotency keys
(the adapter makes a repeated write a no-op).
"""

from __future__ import annotations

import logging
import threading

from hybridroute.adapters.actions import DEFAULT_HANDOFF_NOTICE, apply_action, plan_actions
from hybridroute.adapters.base import HelpdeskAdapter
from hybridroute.exceptions import (
    HelpdeskError,
    HelpdeskNotFound,
    HelpdeskRateLimited,
    HelpdeskUnavailable,
)
from hybridroute.models import Role, Ticket
from hybridroute.router import Router
from hybridroute.service.records import Event, EventKind, Owner, Ownership, PendingAction
from hybridroute.service.store import OutboxStore

__all__ = ["Worker"]

log = logging.getLogger("hybridroute.service")

_NEW_TICKET = Ownership(Owner.BOT, auto_replies=0)  # a ticket never seen is the bot's to decide


class Worker:
    """Turns stored events into decisions and decisions into helpdesk actions.

    Parameters
    ----------
    store : OutboxStore
        Where events, decisions, actions and ownership live.
    router : Router
        Decides tickets.
    adapter : HelpdeskAdapter
        Reads tickets and writes replies, notes, assignments and tags.
    handoff_notice : str or None
        Told to the customer when a person takes over (never silence by default).
    max_attempts : int
        Attempts at a transient failure before an event or action is marked failed
        (it stays in the store, visible in the audit log, for a person to retry).
    backoff, max_backoff : float
        Seconds before retrying a failed event or action: ``backoff * 2**attempts``, at most
        ``max_backoff``, and never sooner than a rate limit's ``Retry-After``.
    """

    def __init__(
        self,
        store: OutboxStore,
        router: Router,
        adapter: HelpdeskAdapter,
        *,
        handoff_notice: str | None = DEFAULT_HANDOFF_NOTICE,
        max_attempts: int = 8,
        backoff: float = 0.5,
        max_backoff: float = 60.0,
    ) -> None:
        self.store = store
        self.router = router
        self.adapter = adapter
        self.handoff_notice = handoff_notice
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.wake = threading.Event()

    # -- deciding --------------------------------------------------------------------------

    def decide_event(self, event: Event) -> None:
        """Decide one event: respect ownership, route, store decision and plan atomically."""
        if event.kind is EventKind.BOT_MESSAGE:  # the helpdesk echoing our own write back
            self.store.skip_event(event, "our own message; nothing to decide")
            return
        if event.kind is EventKind.AGENT_MESSAGE:
            self._hand_to_humans(event)
            return
        try:
            ticket = self.adapter.fetch_ticket(event.ticket_id)
        except HelpdeskNotFound as exc:
            self.store.fail_event(event, f"ticket not found: {exc}", give_up=True)
            return
        except HelpdeskError as exc:
            give_up = not isinstance(exc, HelpdeskUnavailable)
            give_up = give_up or event.attempts + 1 >= self.max_attempts
            wait = self._backoff(event.attempts, exc)
            self.store.fail_event(
                event, f"{type(exc).__name__}: {exc}", give_up=give_up, retry_in=wait
            )
            return
        ownership = self.store.owner_of(ticket.id) or _NEW_TICKET
        if ownership.owner is Owner.HUMAN:
            self.store.skip_event(event, "a human owns this ticket; the bot stays silent")
            return
        if _agent_replied(ticket):
            self._hand_to_humans(event)
            return
        came_back = ownership.auto_replies > 0 and event.kind is EventKind.MESSAGE
        reason = "customer came back after an automated reply" if came_back else None
        decision = self.router.route(ticket, handoff_reason=reason)
        plan = plan_actions(decision, key=event.event_id, handoff_notice=self.handoff_notice)
        new_owner = Owner.BOT if decision.automated else Owner.HUMAN
        why = "automated reply" if decision.automated else f"handed off: {decision.rule}"
        self.store.record_decision(event, decision, plan, owner=new_owner, reason=why)

    def _hand_to_humans(self, event: Event) -> None:
        """An agent replied: the ticket is theirs, the bot stays silent from now on."""
        self.store.set_owner(event.ticket_id, Owner.HUMAN, "a human agent replied on the ticket")
        self.store.skip_event(event, "a human agent replied; ownership moved to humans")

    # -- delivering ------------------------------------------------------------------------

    def deliver(self, pending: PendingAction) -> None:
        """Deliver one planned action; transient failures are retried on a later pass."""
        try:
            receipt = apply_action(self.adapter, pending.action)
        except HelpdeskUnavailable as exc:
            give_up = pending.attempts + 1 >= self.max_attempts
            wait = self._backoff(pending.attempts, exc)
            self.store.action_failed(
                pending, f"{type(exc).__name__}: {exc}", give_up=give_up, retry_in=wait
            )
            return
        except HelpdeskError as exc:
            self.store.action_failed(pending, f"{type(exc).__name__}: {exc}", give_up=True)
            return
        self.store.action_done(pending, receipt.model_dump(mode="json"))

    def _backoff(self, attempts: int, exc: BaseException) -> float:
        """Seconds before the next try: exponential, never sooner than a ``Retry-After``."""
        wait = float(min(self.max_backoff, self.backoff * 2**attempts))
        if isinstance(exc, HelpdeskRateLimited) and exc.retry_after is not None:
            wait = max(wait, exc.retry_after)  # the helpdesk said when
        return wait

    # -- loops -----------------------------------------------------------------------------

    def run_once(self, limit: int = 100) -> tuple[int, int]:
        """One pass: decide pending events, then deliver pending actions."""
        events = self.store.pending_events(limit)
        for event in events:
            try:
                self.decide_event(event)
            except Exception as exc:  # a bug must not stop the worker; it is recorded
                log.exception("deciding event %s failed", event.event_id)
                give_up = event.attempts + 1 >= self.max_attempts
                wait = self._backoff(event.attempts, exc)
                self.store.fail_event(
                    event, f"{type(exc).__name__}: {exc}", give_up=give_up, retry_in=wait
                )
        actions = self.store.pending_actions(limit)
        for pending in actions:
            self.deliver(pending)
        return len(events), len(actions)

    def run_until_idle(self, max_passes: int = 1000) -> None:
        """Process everything pending (for tests and one-shot runs)."""
        for _ in range(max_passes):
            if self.run_once() == (0, 0):
                return

    def run_forever(self, stop: threading.Event, poll_interval: float = 0.5) -> None:
        """Process until ``stop`` is set; new webhooks ``wake`` the loop at once."""
        while not stop.is_set():
            events, actions = self.run_once()
            if events == 0 and actions == 0:
                self.wake.wait(poll_interval)
                self.wake.clear()


def _agent_replied(ticket: Ticket) -> bool:
    """A human agent (not this bot) has written on the ticket."""
    return any(m.role is Role.AGENT for m in ticket.conversation)
