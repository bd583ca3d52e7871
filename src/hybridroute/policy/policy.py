"""Policies: ordered rules, first match wins, with an explicit default."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter

from hybridroute.exceptions import PolicyDefinitionError
from hybridroute.models import Action, Assist, AutoReply, Handoff, PolicyRef, Signal, Ticket
from hybridroute.policy.conditions import Condition, ConditionLike, as_condition
from hybridroute.policy.context import Context
from hybridroute.policy.serialisation import condition_from_dict

__all__ = ["Outcome", "Policy", "Rule", "rule"]

_ACTION: TypeAdapter[Action] = TypeAdapter(Action)
_ACTIONS = (AutoReply, Handoff, Assist)


def _action_dict(action: Action) -> dict[str, Any]:
    data: dict[str, Any] = action.model_dump(mode="json", exclude_none=True)
    return data


class Rule:
    """When ``condition`` holds, do ``action``; see :func:`rule`."""

    __slots__ = ("action", "condition", "name")

    def __init__(self, condition: Condition, action: Action, name: str | None = None) -> None:
        self.condition = condition
        self.action = action
        self.name = name

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description of the rule."""
        return {
            "name": self.name,
            "when": self.condition.to_dict(),
            "then": _action_dict(self.action),
        }

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Rule) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(json.dumps(self.to_dict(), sort_keys=True, default=str))

    def __repr__(self) -> str:
        named = f", name={self.name!r}" if self.name else ""
        return f"rule({self.condition!r}, {_describe_action(self.action)}{named})"


def rule(condition: Condition | ConditionLike, action: Action, *, name: str | None = None) -> Rule:
    """A policy rule: when ``condition`` holds for a ticket, take ``action``.

    Parameters
    ----------
    condition : Condition
        Built from :func:`hybridroute.signal` and :func:`hybridroute.field`; a bare
        ``hr.signal("human_request")`` means "detected".
    action : AutoReply, Handoff or Assist
        From :func:`hybridroute.auto_reply`, :func:`hybridroute.handoff` or
        :func:`hybridroute.assist`.
    name : str, optional
        How decisions and audits refer to the rule; defaults to ``rule-<position>``.
    """
    cond = as_condition(condition)
    if not isinstance(action, _ACTIONS):
        raise PolicyDefinitionError(
            f"rule action must come from hr.auto_reply(), hr.handoff(...) or hr.assist(...), "
            f"got {action!r}"
        )
    return Rule(cond, action, name)


def _describe_action(action: Action) -> str:
    if isinstance(action, AutoReply):
        return "auto_reply()"
    bits = [repr(action.queue), f"priority={action.priority.value!r}"]
    if action.tags:
        bits.append(f"tags={list(action.tags)!r}")
    if action.reason:
        bits.append(f"reason={action.reason!r}")
    return f"{action.kind}({', '.join(bits)})"


@dataclass(frozen=True)
class Outcome:
    """What a policy decided for one ticket, before any reply is written."""

    rule: str
    action: Action
    reasons: tuple[str, ...]
    certificates: tuple[str, ...] = ()
    """Certificates whose thresholds the matched rule applied."""


class Policy:
    """An ordered list of rules; the first whose condition holds decides.

    Parameters
    ----------
    rules : iterable of Rule
        Tried in order.
    default : AutoReply, Handoff or Assist
        What happens when no rule matches. Required: there is no silent default.
    name, version : str
        Recorded in every decision and audit entry.

    Examples
    --------
    >>> import hybridroute as hr
    >>> policy = hr.Policy(
    ...     [hr.rule(hr.signal("intent").confidence >= 0.9, hr.auto_reply(), name="confident")],
    ...     default=hr.handoff("general"),
    ... )
    >>> print(policy)
    Policy 'policy' v1 (fingerprint ...)
      1. confident: when signal('intent').confidence >= 0.9 -> auto_reply()
      otherwise -> handoff('general', priority='normal')
    """

    def __init__(
        self,
        rules: Iterable[Rule],
        *,
        default: Action,
        name: str = "policy",
        version: str = "1",
    ) -> None:
        rule_list = list(rules)
        for position, item in enumerate(rule_list, start=1):
            if not isinstance(item, Rule):
                raise PolicyDefinitionError(
                    f"policy rule {position} is {item!r}; build each rule with hr.rule(condition, "
                    "action)"
                )
        if not isinstance(default, _ACTIONS):
            raise PolicyDefinitionError(
                "default must be hr.auto_reply(), hr.handoff(...) or hr.assist(...), "
                f"got {default!r}"
            )
        self.rules = tuple(
            Rule(r.condition, r.action, r.name or f"rule-{i}")
            for i, r in enumerate(rule_list, start=1)
        )
        names = [r.name for r in self.rules]
        dupes = sorted({n for n in names if names.count(n) > 1 and n is not None})
        if dupes:
            raise PolicyDefinitionError(f"rule names must be unique; repeated: {dupes}")
        if "default" in names:
            raise PolicyDefinitionError("'default' is reserved for the policy's default action")
        self.default = default
        self.name = name
        self.version = version
        self.fingerprint = hashlib.sha256(
            json.dumps(self._content(), sort_keys=True, default=str).encode()
        ).hexdigest()[:16]
        self.ref = PolicyRef(name=name, version=version, fingerprint=self.fingerprint)

    # -- evaluation --------------------------------------------------------------------

    def decide(self, ticket: Ticket, signals: Mapping[str, Signal]) -> Outcome:
        """Apply the rules to one ticket and its signals.

        Raises
        ------
        PolicyDefinitionError
            If a condition cannot be evaluated on these signals (e.g. comparing a
            label with a number). The router turns this into a handoff.
        """
        ctx = Context(ticket, signals)
        for item in self.rules:
            if item.condition.matches(ctx):
                _, why = item.condition.explain(ctx)
                assert item.name is not None
                return Outcome(
                    item.name,
                    item.action,
                    _with_reason(why, item.action),
                    tuple(sorted(item.condition.certificates())),
                )
        reasons = (f"no rule matched (tried {len(self.rules)})",)
        return Outcome("default", self.default, _with_reason(reasons, self.default))

    def signals_used(self) -> frozenset[str]:
        """Names of every signal the rules read."""
        return frozenset().union(*(r.condition.signals_used() for r in self.rules))

    # -- values ------------------------------------------------------------------------

    def _content(self) -> dict[str, Any]:
        return {
            "rules": [r.to_dict() for r in self.rules],
            "default": _action_dict(self.default),
        }

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready description, for audits; :meth:`from_dict` reverses it."""
        return {
            "name": self.name,
            "version": self.version,
            "fingerprint": self.fingerprint,
            **self._content(),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Policy:
        """Rebuild a policy from :meth:`to_dict` output (the fingerprint is recomputed)."""
        try:
            rules = [
                Rule(condition_from_dict(r["when"]), _ACTION.validate_python(r["then"]), r["name"])
                for r in data["rules"]
            ]
            default = _ACTION.validate_python(data["default"])
        except (KeyError, TypeError, ValueError) as exc:
            raise PolicyDefinitionError(f"not a policy description: {exc}") from exc
        return cls(
            rules,
            default=default,
            name=data.get("name", "policy"),
            version=data.get("version", "1"),
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Policy) and self.to_dict() == other.to_dict()

    def __hash__(self) -> int:
        return hash(self.fingerprint)

    def __repr__(self) -> str:
        return (
            f"Policy({list(self.rules)!r}, default={_describe_action(self.default)}, "
            f"name={self.name!r}, version={self.version!r})"
        )

    def __str__(self) -> str:
        lines = [f"Policy {self.name!r} v{self.version} (fingerprint {self.fingerprint})"]
        for i, r in enumerate(self.rules, start=1):
            lines.append(f"  {i}. {r.name}: when {r.condition!r} -> {_describe_action(r.action)}")
        lines.append(f"  otherwise -> {_describe_action(self.default)}")
        return "\n".join(lines)


def _with_reason(reasons: tuple[str, ...], action: Action) -> tuple[str, ...]:
    extra = getattr(action, "reason", None)
    return (extra, *reasons) if extra else reasons
