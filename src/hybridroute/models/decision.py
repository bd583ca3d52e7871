"""What the router decided for a ticket, and everything needed to explain it."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from hybridroute.models._base import FrozenModel
from hybridroute.models.signals import Signal

__all__ = [
    "Action",
    "ActionKind",
    "Assist",
    "AutoReply",
    "Decision",
    "Failure",
    "Handoff",
    "HandoffPackage",
    "PolicyRef",
    "Priority",
    "QueueName",
    "Reply",
]

QueueName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{0,63}$")]
"""A queue (helpdesk group) name: lower-case letters, digits, ``_.-``; 1-64 chars."""

Tag = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]


class ActionKind(str, Enum):
    """What happens to a ticket."""

    AUTO_REPLY = "auto_reply"
    """The customer gets an automated answer."""
    HANDOFF = "handoff"
    """A human takes the ticket."""
    ASSIST = "assist"
    """A human answers, starting from a suggested draft."""


class Priority(str, Enum):
    """How soon a human should look at a handed-off ticket."""

    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class AutoReply(FrozenModel):
    """Policy action: answer automatically (falls back to a handoff if no answer exists)."""

    kind: Literal["auto_reply"] = "auto_reply"


class Handoff(FrozenModel):
    """Policy action: hand the ticket to a human queue.

    Parameters
    ----------
    queue : str
        Which team takes it.
    priority : Priority
        How urgent it is.
    tags : tuple of str
        Tags to add in the helpdesk.
    reason : str, optional
        Why, in words an agent understands; added to the decision's reasons.
    """

    kind: Literal["handoff"] = "handoff"
    queue: QueueName = "general"
    priority: Priority = Priority.NORMAL
    tags: tuple[Tag, ...] = ()
    reason: str | None = None


class Assist(FrozenModel):
    """Policy action: a human answers, with a suggested draft from the responder.

    Parameters are those of :class:`Handoff`.
    """

    kind: Literal["assist"] = "assist"
    queue: QueueName = "general"
    priority: Priority = Priority.NORMAL
    tags: tuple[Tag, ...] = ()
    reason: str | None = None


Action = Annotated[AutoReply | Handoff | Assist, Field(discriminator="kind")]
"""Any policy action, told apart by ``kind``."""


class Reply(FrozenModel):
    """An automated answer, ready to send.

    Parameters
    ----------
    text : str
        Exactly what the customer will read: ``body`` plus the disclosure, if any.
    body : str
        The answer itself.
    disclosure : str, optional
        The AI-disclosure line and offer of a human appended to ``body``.
    source : str
        Where the answer came from (``"template:card_arrival"``, ``"callable:llm"``).
    """

    text: str
    body: str
    disclosure: str | None = None
    source: str


class Failure(FrozenModel):
    """A component that failed while routing a ticket."""

    component: str
    error: str
    message: str


class HandoffPackage(FrozenModel):
    """Everything an agent needs so the customer never has to repeat themselves.

    Parameters
    ----------
    kind : ActionKind
        ``HANDOFF`` or ``ASSIST``.
    queue, priority, tags
        Where the ticket goes and how urgent it is.
    summary : str
        The conversation so far, in a few lines.
    latest_message : str
        The customer's most recent message, verbatim.
    turns : int
        How many messages the customer has written.
    intent : str, optional
        The detected intent, if any, and ``intent_confidence`` its probability.
    reasons : tuple of str
        Why a human is needed.
    suggested_reply : str, optional
        A draft answer for the agent (always present for ``ASSIST`` when the
        responder had one).
    """

    kind: Literal[ActionKind.HANDOFF, ActionKind.ASSIST]
    queue: QueueName
    priority: Priority
    tags: tuple[Tag, ...] = ()
    summary: str
    latest_message: str
    turns: int
    intent: str | None = None
    intent_confidence: float | None = None
    reasons: tuple[str, ...]
    suggested_reply: str | None = None

    def render(self, decision: Decision | None = None) -> str:
        """The internal note an agent reads: summary, intent, what was tried, why a human.

        Parameters
        ----------
        decision : Decision, optional
            The decision this package belongs to; when given, the note also says what
            failed and which policy and rule decided (the note the helpdesk adapters post).

        Examples
        --------
        >>> import hybridroute as hr
        >>> package = hr.HandoffPackage(
        ...     kind=hr.ActionKind.HANDOFF, queue="billing", priority=hr.Priority.HIGH,
        ...     summary="Customer was charged twice.", latest_message="Charged twice!",
        ...     turns=1, reasons=("rule 'refunds' matched",),
        ... )
        >>> print(package)
        [hybridroute] handoff to queue 'billing' (priority high)
        <BLANKLINE>
        Customer was charged twice.
        <BLANKLINE>
        Why a human: rule 'refunds' matched
        """
        lines = [
            f"[hybridroute] {self.kind.value} to queue '{self.queue}' "
            f"(priority {self.priority.value})",
            "",
            self.summary,
            "",
            "Why a human: " + "; ".join(self.reasons),
        ]
        if self.intent:
            conf = f" ({self.intent_confidence:.0%})" if self.intent_confidence is not None else ""
            lines.append(f"Detected intent: {self.intent}{conf}")
        if decision is not None and decision.failures:
            failed = "; ".join(f"{f.component}: {f.message}" for f in decision.failures)
            lines.append("Failed: " + failed)
        if self.suggested_reply:
            lines += ["", "Suggested reply (not sent):", self.suggested_reply]
        if decision is not None:
            policy = decision.policy
            lines += [
                "",
                f"Decided by policy {policy.name} v{policy.version} "
                f"({policy.fingerprint}), rule '{decision.rule}'.",
            ]
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.render()


class PolicyRef(FrozenModel):
    """Which policy decided: its name, version and content fingerprint."""

    name: str
    version: str
    fingerprint: str


class Decision(FrozenModel):
    """The router's decision for one ticket, with its explanation.

    Parameters
    ----------
    ticket_id : str
        The ticket decided on.
    action : ActionKind
        What happens: auto-reply, handoff or assist.
    rule : str
        The policy rule that matched (``"default"`` when none did, ``"safeguard:..."``
        when a router safeguard overrode the policy).
    reasons : tuple of str
        Why, in plain words, including the signal values that made the rule match.
    certificates : tuple of str
        For an automated answer, the ids of the calibration certificates whose
        thresholds the matched rule applied (what vouches for it); empty otherwise.
    signals : dict of str to Signal
        Everything the classifiers said.
    reply : Reply, optional
        The automated answer (set exactly when ``action`` is ``AUTO_REPLY``).
    handoff : HandoffPackage, optional
        The package for the agent (set exactly when a human takes the ticket).
    failures : tuple of Failure
        Components that failed on this ticket; any failure means a human.
    policy : PolicyRef
        The policy that decided.
    decided_at : datetime
        When (UTC).
    latency_ms : float
        Time spent on this ticket; for a batch, its share of the batch.
    """

    ticket_id: str
    action: ActionKind
    rule: str
    reasons: tuple[str, ...]
    certificates: tuple[str, ...] = ()
    signals: dict[str, Signal]
    reply: Reply | None = None
    handoff: HandoffPackage | None = None
    failures: tuple[Failure, ...] = ()
    policy: PolicyRef
    decided_at: datetime
    latency_ms: Annotated[float, Field(ge=0.0)]

    @model_validator(mode="after")
    def _consistent(self) -> Decision:
        if self.action is ActionKind.AUTO_REPLY:
            if self.reply is None or self.handoff is not None:
                raise ValueError("an auto_reply decision carries a reply and no handoff")
            if self.failures:
                raise ValueError("a decision with failures must go to a human")
        elif self.handoff is None:
            raise ValueError(f"a {self.action.value} decision carries a handoff package")
        return self

    @property
    def automated(self) -> bool:
        """True when the customer gets an automated answer."""
        return self.action is ActionKind.AUTO_REPLY

    @property
    def intent(self) -> str | None:
        """The label of the first intent signal, if any."""
        for signal in self.signals.values():
            if signal.kind == "intent":
                return signal.label
        return None
