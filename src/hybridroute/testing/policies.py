"""Assert how a router or a policy routes one ticket, with a readable diff when it does not.

>>> import hybridroute as hr
>>> from hybridroute.testing import assert_routes, detected
>>> policy = hr.Policy(
...     [hr.rule(hr.signal("risk_topic").isin({"fraud"}), hr.handoff("risk"), name="fraud")],
...     default=hr.handoff("general"),
... )
>>> outcome = assert_routes(policy, "my card was stolen", queue="risk", rule="fraud",
...                         signals={"risk_topic": detected("fraud")})
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

from hybridroute.exceptions import UsageError
from hybridroute.models import (
    ActionKind,
    Decision,
    DetectionSignal,
    IntentSignal,
    Priority,
    ScoreSignal,
    Signal,
    Ticket,
)
from hybridroute.policy import Outcome, Policy
from hybridroute.router import Router

__all__ = ["TicketLike", "assert_routes"]

TicketLike = Ticket | Mapping[str, Any] | str
"""A ticket, a mapping validated into one, or a text (a ticket ``T-1`` with that body)."""

_UNSET: Any = object()
_SIGNAL_TYPES = (IntentSignal, ScoreSignal, DetectionSignal)


def _as_ticket(ticket: TicketLike) -> Ticket:
    if isinstance(ticket, Ticket):
        return ticket
    if isinstance(ticket, str):
        return Ticket(id="T-1", body=ticket)
    validated: Ticket = Ticket.model_validate(ticket)
    return validated


def _choice(value: Any, kind: type[ActionKind] | type[Priority], what: str) -> str:
    try:
        return str(kind(value).value)
    except ValueError:
        choices = ", ".join(repr(k.value) for k in kind)
        raise UsageError(f"{what}={value!r} is not one of {choices}") from None


def _signal_line(name: str, sig: Signal | None) -> str:
    if sig is None:
        return f"  {name}: missing"
    if isinstance(sig, IntentSignal):
        return (
            f"  {name}: intent {sig.label!r} confidence={sig.confidence:.3g} "
            f"margin={sig.margin:.3g}"
        )
    if isinstance(sig, ScoreSignal):
        return f"  {name}: score {sig.value:.3g}"
    assert isinstance(sig, DetectionSignal)
    if not sig.detected:
        return f"  {name}: not detected"
    return f"  {name}: detected {list(sig.labels)} confidence={sig.confidence:.3g}"


def _actual_of(result: Decision | Outcome) -> tuple[dict[str, Any], tuple[str, ...]]:
    if isinstance(result, Decision):
        package = result.handoff
        actual = {
            "action": result.action.value,
            "queue": package.queue if package else None,
            "priority": package.priority.value if package else None,
            "rule": result.rule,
        }
        return actual, result.reasons
    action = result.action
    queue = getattr(action, "queue", None)
    priority = getattr(action, "priority", None)
    actual = {
        "action": action.kind,
        "queue": queue,
        "priority": priority.value if priority is not None else None,
        "rule": result.rule,
    }
    return actual, result.reasons


def _report(
    ticket: Ticket,
    rows: list[tuple[str, str, str, bool]],
    reasons: tuple[str, ...],
    signals: Mapping[str, Signal],
    expected_signals: frozenset[str],
    who: str,
    rule: str,
) -> str:
    width = max(len(label) for label, *_ in rows)
    exp_width = max(len("expected"), *(len(e) for _, e, _, _ in rows))
    act_width = max(len("actual"), *(len(a) for _, _, a, _ in rows))
    lines = [
        f"ticket {ticket.id!r} was not routed as expected by {who}:",
        f"  {'':{width}}  {'expected':{exp_width}}  actual",
    ]
    for label, expected, actual, ok in rows:
        row = f"  {label:{width}}  {expected:{exp_width}}  {actual:{act_width}}"
        lines.append(row.rstrip() if ok else f"{row}  <-- differs")
    if not any(label == "rule" for label, *_ in rows):
        lines.append(f"decided by rule {rule!r}")
    lines.append("reasons:")
    lines.extend(f"  - {r}" for r in reasons or ("(none)",))
    lines.append("signals:")
    names = sorted(set(signals) | expected_signals)
    lines.extend(_signal_line(n, signals.get(n)) for n in names)
    if not names:
        lines.append("  (none)")
    return "\n".join(lines)


@overload
def assert_routes(
    router_or_policy: Router,
    ticket: TicketLike,
    *,
    action: ActionKind | str | None = ...,
    queue: str | None = ...,
    priority: Priority | str | None = ...,
    rule: str | None = ...,
    reason_contains: str | None = ...,
    signals: None = ...,
) -> Decision: ...
@overload
def assert_routes(
    router_or_policy: Policy,
    ticket: TicketLike,
    *,
    action: ActionKind | str | None = ...,
    queue: str | None = ...,
    priority: Priority | str | None = ...,
    rule: str | None = ...,
    reason_contains: str | None = ...,
    signals: Mapping[str, Signal] | None = ...,
) -> Outcome: ...
def assert_routes(
    router_or_policy: Router | Policy,
    ticket: TicketLike,
    *,
    action: ActionKind | str | None = _UNSET,
    queue: str | None = _UNSET,
    priority: Priority | str | None = _UNSET,
    rule: str | None = _UNSET,
    reason_contains: str | None = None,
    signals: Mapping[str, Signal] | None = None,
) -> Decision | Outcome:
    """Assert that a ticket is routed as expected; show expected versus actual if not.

    Only the expectations you give are checked. ``queue=None`` (or
    ``priority=None``) asserts there is none, as for an automated reply.

    Parameters
    ----------
    router_or_policy : Router or Policy
        A router (its classifiers compute the signals) or a bare policy (then
        ``signals`` gives the signal values).
    ticket : Ticket, mapping or str
        The ticket; a string becomes ``Ticket(id="T-1", body=text)``.
    action : ActionKind or {"auto_reply", "handoff", "assist"}, optional
        Expected action.
    queue : str or None, optional
        Expected queue of a handoff or assist.
    priority : Priority or {"low", "normal", "high", "urgent"} or None, optional
        Expected priority of a handoff or assist.
    rule : str, optional
        Expected name of the rule that decided (``"default"`` when none matched,
        ``"safeguard:..."`` or ``"failure"`` for a router's overrides).
    reason_contains : str, optional
        Text that one of the decision's reasons must contain (case-sensitive).
    signals : mapping of str to Signal, optional
        For a bare policy: the signals it decides from (a signal it reads but is not
        given counts as missing, which no comparison matches). Build them with
        :func:`~hybridroute.testing.intent`, :func:`~hybridroute.testing.score` and
        :func:`~hybridroute.testing.detected`.

    Returns
    -------
    Decision or Outcome
        The router's decision, or the policy's outcome, for further assertions.

    Raises
    ------
    AssertionError
        If any expectation fails; the message shows every expected field next to
        the actual one, the reasons, and the signals.
    UsageError
        If no expectation is given, a value is not a valid choice, or ``signals``
        is given with a router (give the router stub classifiers instead).
    """
    expected: dict[str, Any] = {}
    if action is not _UNSET and action is not None:
        expected["action"] = _choice(action, ActionKind, "action")
    if queue is not _UNSET:
        expected["queue"] = queue
    if priority is not _UNSET:
        expected["priority"] = None if priority is None else _choice(priority, Priority, "priority")
    if rule is not _UNSET and rule is not None:
        expected["rule"] = rule
    if not expected and reason_contains is None:
        raise UsageError(
            "assert_routes needs at least one expectation: action=, queue=, priority=, "
            "rule= or reason_contains="
        )
    item = _as_ticket(ticket)
    result: Decision | Outcome
    if isinstance(router_or_policy, Router):
        if signals is not None:
            raise UsageError(
                "signals= is for a bare Policy; a Router computes signals with its "
                "classifiers. Give the router StubClassifier(name, signal) classifiers, "
                "or pass router.policy with signals="
            )
        result = router_or_policy.route(item)
        used = dict(result.signals)
        who = repr(router_or_policy)
    elif isinstance(router_or_policy, Policy):
        used = dict(signals or {})
        wrong = sorted(n for n, s in used.items() if not isinstance(s, _SIGNAL_TYPES))
        if wrong:
            raise UsageError(
                f"signals {wrong} are not signals; build them with intent(...), score(...) "
                "or detected(...) from hybridroute.testing"
            )
        result = router_or_policy.decide(item, used)
        who = f"policy {router_or_policy.name!r} v{router_or_policy.version}"
    else:
        raise UsageError(
            f"assert_routes takes a Router or a Policy; got {type(router_or_policy).__name__}"
        )
    actual, reasons = _actual_of(result)
    rows = [
        (field, repr(want), repr(actual[field]), want == actual[field])
        for field, want in expected.items()
    ]
    if reason_contains is not None:
        found = any(reason_contains in r for r in reasons)
        rows.append(("reasons", f"contain {reason_contains!r}", "(see below)", found))
    if not all(ok for *_, ok in rows):
        policy = (
            router_or_policy.policy if isinstance(router_or_policy, Router) else router_or_policy
        )
        raise AssertionError(
            _report(item, rows, reasons, used, policy.signals_used(), who, actual["rule"])
        )
    return result
