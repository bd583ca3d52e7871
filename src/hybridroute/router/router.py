"""The router: classifiers score, the policy decides, the responder answers."""

from __future__ import annotations

import time
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from hybridroute.classifiers.base import Classifier
from hybridroute.exceptions import PolicyDefinitionError, UsageError
from hybridroute.models import (
    Action,
    ActionKind,
    Assist,
    AutoReply,
    Decision,
    DetectionSignal,
    Failure,
    Handoff,
    Reply,
    Signal,
    Ticket,
)
from hybridroute.policy import Outcome, Policy, handoff
from hybridroute.responders import Disclosure, Responder
from hybridroute.router.listeners import notify
from hybridroute.router.package import build_handoff_package
from hybridroute.router.scoring import score_batch

__all__ = ["Router"]


class Router:
    """Routes tickets: score with classifiers, decide with a policy, answer or hand off.

    Parameters
    ----------
    classifiers : sequence of classifiers
        Anything with ``name`` and ``score(tickets)``; run in order, once per batch.
        Their names must be unique: they name the signals the policy reads.
    policy : Policy
        Decides each ticket from its signals.
    responder : Responder, optional
        Writes automated answers; required if the policy can auto-reply.
    disclosure : Disclosure or None
        Appended to every automated reply (AI notice and offer of a human). On by
        default; pass None to switch it off.
    fallback : Handoff
        Where tickets go when something fails or no answer exists.
    human_request_signal : str or None
        Name of a detection signal meaning "the customer asked for a human". When it
        fires, the ticket goes to a human even if the policy said auto-reply. None
        switches this safeguard off.
    draft_for_handoffs : bool
        Ask the responder for a suggested reply for every ticket a human takes (it
        is always asked for ``assist``). Switch off if answers are expensive.

    Notes
    -----
    A router holds no mutable state, so one instance can be shared by many threads
    as long as its classifiers and responder are thread-safe (the built-ins are).
    Nothing is ever dropped: if a classifier, the policy or the responder fails on
    a ticket, that ticket goes to ``fallback`` with the failure recorded.

    Examples
    --------
    >>> import hybridroute as hr
    >>> router = hr.Router(
    ...     classifiers=[hr.HumanRequestDetector()],
    ...     policy=hr.Policy([], default=hr.handoff("general")),
    ... )
    >>> router.route(hr.Ticket(id="T-1", body="Can I talk to a person?")).action
    <ActionKind.HANDOFF: 'handoff'>
    """

    def __init__(
        self,
        classifiers: Sequence[Classifier],
        policy: Policy,
        responder: Responder | None = None,
        *,
        disclosure: Disclosure | None = Disclosure(),
        fallback: Handoff = handoff("general", reason="routing could not finish"),
        human_request_signal: str | None = "human_request",
        draft_for_handoffs: bool = True,
    ) -> None:
        self.classifiers = tuple(classifiers)
        self.policy = policy
        self.responder = responder
        self.disclosure = disclosure
        self.fallback = fallback
        self.human_request_signal = human_request_signal
        self.draft_for_handoffs = draft_for_handoffs
        self._validate()

    def _validate(self) -> None:
        if not isinstance(self.policy, Policy):
            raise UsageError(f"policy must be an hr.Policy, got {type(self.policy).__name__}")
        names: list[str] = []
        for clf in self.classifiers:
            if not isinstance(clf, Classifier):
                raise UsageError(
                    f"{clf!r} is not a classifier: it needs a 'name' attribute and a "
                    "score(tickets) method returning one signal per ticket"
                )
            uses = getattr(clf, "uses", ())
            if not isinstance(uses, tuple):
                raise UsageError(f"{clf.name}.uses must be a tuple of signal names")
            names.append(clf.name)
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise UsageError(
                f"two classifiers produce the signal(s) {dupes}; give each a unique name"
            )
        missing = sorted(self.policy.signals_used() - set(names))
        if missing:
            raise PolicyDefinitionError(
                f"the policy reads signal(s) {missing} that no classifier produces "
                f"(classifiers: {names}); add the classifier or fix the name in the policy"
            )
        can_auto = any(isinstance(r.action, AutoReply) for r in self.policy.rules) or isinstance(
            self.policy.default, AutoReply
        )
        if can_auto and self.responder is None:
            raise UsageError(
                "the policy can auto-reply but the router has no responder; pass "
                "responder=hr.TemplateResponder({...}) or another responder"
            )
        if self.responder is not None and not isinstance(self.responder, Responder):
            raise UsageError(
                f"{self.responder!r} is not a responder: it needs a 'name' and a "
                "respond(ticket, signals) method returning text or None"
            )
        if not isinstance(self.fallback, Handoff):
            raise UsageError("fallback must be hr.handoff(...): a human takes failed tickets")

    # -- routing ------------------------------------------------------------------------

    def route(
        self, ticket: Ticket | Mapping[str, Any], *, handoff_reason: str | None = None
    ) -> Decision:
        """Decide one ticket. A mapping is validated into a :class:`Ticket` first.

        Parameters
        ----------
        ticket : Ticket or mapping
            The ticket.
        handoff_reason : str, optional
            Skip the policy and hand the ticket to ``fallback`` for this reason (the
            service uses it for a customer who came back after an automated reply);
            classifiers still run, so the agent's package has the signals.
        """
        return self.route_batch([ticket], handoff_reasons=[handoff_reason])[0]

    def route_batch(
        self,
        tickets: Iterable[Ticket | Mapping[str, Any]],
        *,
        handoff_reasons: Sequence[str | None] | None = None,
    ) -> list[Decision]:
        """Decide many tickets; each classifier runs once over the whole batch.

        Returns one decision per ticket, in order. No ticket is dropped: failures
        turn into handoffs with the reason recorded. ``handoff_reasons[i]``, if
        given and not None, sends ticket ``i`` to a human for that reason.
        """
        batch = [t if isinstance(t, Ticket) else Ticket.model_validate(t) for t in tickets]
        if not batch:
            return []
        forced = list(handoff_reasons) if handoff_reasons is not None else [None] * len(batch)
        if len(forced) != len(batch):
            raise UsageError("handoff_reasons needs one entry (or None) per ticket")
        start = time.perf_counter()
        scores = score_batch(self.classifiers, batch)
        shared_ms = (time.perf_counter() - start) * 1000 / len(batch)
        decisions = []
        for ticket, signals, failures, reason in zip(
            batch, scores.signals, scores.failures, forced, strict=False
        ):
            t0 = time.perf_counter()
            if reason is not None and not failures:
                decision = self._human(
                    ticket, signals, "safeguard:forced", self.fallback, (reason,), []
                )
            else:
                decision = self._decide(ticket, signals, failures)
            own_ms = (time.perf_counter() - t0) * 1000
            decisions.append(decision.model_copy(update={"latency_ms": shared_ms + own_ms}))
        notify(decisions)
        return decisions

    def _decide(
        self, ticket: Ticket, signals: dict[str, Signal], failures: list[Failure]
    ) -> Decision:
        if failures:
            reasons = tuple(f"{f.component} failed: {f.error}: {f.message}" for f in failures)
            return self._human(ticket, signals, "failure", self.fallback, reasons, failures)
        try:
            outcome = self.policy.decide(ticket, signals)
        except Exception as exc:
            failure = Failure(component="policy", error=type(exc).__name__, message=str(exc))
            reason = f"policy failed: {type(exc).__name__}: {exc}"
            return self._human(ticket, signals, "failure", self.fallback, (reason,), [failure])
        outcome = self._apply_safeguards(outcome, signals)
        if isinstance(outcome.action, AutoReply):
            return self._auto_reply(ticket, signals, outcome)
        return self._human(ticket, signals, outcome.rule, outcome.action, outcome.reasons, [])

    def _apply_safeguards(self, outcome: Outcome, signals: Mapping[str, Signal]) -> Outcome:
        """An explicit request for a human beats an automated answer, whatever the policy."""
        name = self.human_request_signal
        if name is None or not isinstance(outcome.action, AutoReply):
            return outcome
        sig = signals.get(name)
        if not (isinstance(sig, DetectionSignal) and sig.detected):
            return outcome
        reason = "customer asked for a human (safeguard overrides the policy)"
        return Outcome(f"safeguard:{name}", self.fallback, (reason, *outcome.reasons))

    def _auto_reply(self, ticket: Ticket, signals: dict[str, Signal], outcome: Outcome) -> Decision:
        assert self.responder is not None
        try:
            body = self.responder.respond(ticket, signals)
        except Exception as exc:
            failure = Failure(
                component=f"responder:{self.responder.name}",
                error=type(exc).__name__,
                message=str(exc)[:500],
            )
            reasons = (*outcome.reasons, f"responder failed: {type(exc).__name__}: {exc}")
            return self._human(ticket, signals, outcome.rule, self.fallback, reasons, [failure])
        if body is None or not body.strip():
            intent = next((s.label for s in signals.values() if s.kind == "intent"), None)
            why = f"no automated answer for intent {intent!r}" if intent else "no automated answer"
            reasons = (*outcome.reasons, why)
            return self._human(
                ticket, signals, outcome.rule, self.fallback, reasons, [], ask_for_draft=False
            )
        text = body if self.disclosure is None else self.disclosure.apply(body)
        reply = Reply(
            text=text,
            body=body,
            disclosure=None if self.disclosure is None else self.disclosure.text,
            source=self.responder.name,
        )
        return Decision(
            ticket_id=ticket.id,
            action=ActionKind.AUTO_REPLY,
            rule=outcome.rule,
            reasons=outcome.reasons,
            certificates=outcome.certificates,
            signals=signals,
            reply=reply,
            policy=self.policy.ref,
            decided_at=datetime.now(timezone.utc),
            latency_ms=0.0,
        )

    def _draft(self, ticket: Ticket, signals: Mapping[str, Signal], action: Action) -> str | None:
        wanted = isinstance(action, Assist) or self.draft_for_handoffs
        if self.responder is None or not wanted:
            return None
        try:
            return self.responder.respond(ticket, signals)
        except Exception:
            return None  # a draft is a courtesy to the agent; its absence loses nothing

    def _human(
        self,
        ticket: Ticket,
        signals: dict[str, Signal],
        rule: str,
        action: Handoff | Assist,
        reasons: tuple[str, ...],
        failures: list[Failure],
        *,
        ask_for_draft: bool = True,
    ) -> Decision:
        draft = self._draft(ticket, signals, action) if ask_for_draft and not failures else None
        package = build_handoff_package(ticket, signals, action, reasons, draft or None)
        return Decision(
            ticket_id=ticket.id,
            action=ActionKind(action.kind),
            rule=rule,
            reasons=reasons,
            signals=signals,
            handoff=package,
            failures=tuple(failures),
            policy=self.policy.ref,
            decided_at=datetime.now(timezone.utc),
            latency_ms=0.0,
        )

    def __repr__(self) -> str:
        names = [c.name for c in self.classifiers]
        return (
            f"Router(classifiers={names}, policy={self.policy.name!r} v{self.policy.version}, "
            f"responder={self.responder!r})"
        )
