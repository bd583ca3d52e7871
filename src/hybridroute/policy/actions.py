"""The three things a policy rule can do with a ticket."""

from __future__ import annotations

from collections.abc import Iterable

from hybridroute.exceptions import PolicyDefinitionError
from hybridroute.models import Assist, AutoReply, Handoff, Priority

__all__ = ["assist", "auto_reply", "handoff"]


def auto_reply() -> AutoReply:
    """Answer automatically with the router's responder.

    If the responder has no answer for the ticket, or fails, the router hands the
    ticket off instead (to the router's ``fallback``), with the reason recorded.
    """
    return AutoReply()


def handoff(
    queue: str = "general",
    *,
    priority: Priority | str = Priority.NORMAL,
    tags: Iterable[str] = (),
    reason: str | None = None,
) -> Handoff:
    """Hand the ticket to a human queue.

    Parameters
    ----------
    queue : str
        The helpdesk group that takes it (lower-case, ``a-z0-9_.-``).
    priority : {"low", "normal", "high", "urgent"}
        How soon a human should look.
    tags : iterable of str
        Tags to add in the helpdesk.
    reason : str, optional
        Why, in words an agent understands.

    Examples
    --------
    >>> import hybridroute as hr
    >>> hr.handoff("risk", priority="high", tags=["fraud"])
    Handoff(kind='handoff', queue='risk', priority=<Priority.HIGH: 'high'>, tags=('fraud',), reason=None)
    """  # noqa: E501
    return Handoff(queue=queue, priority=_priority(priority), tags=tuple(tags), reason=reason)


def assist(
    queue: str = "general",
    *,
    priority: Priority | str = Priority.NORMAL,
    tags: Iterable[str] = (),
    reason: str | None = None,
) -> Assist:
    """A human answers, starting from the responder's suggested draft.

    Use it for tickets the bot could probably answer but a person should check
    (new intents, VIP customers). Parameters are those of :func:`handoff`.
    """
    return Assist(queue=queue, priority=_priority(priority), tags=tuple(tags), reason=reason)


def _priority(value: Priority | str) -> Priority:
    try:
        return Priority(value)
    except ValueError:
        choices = ", ".join(repr(p.value) for p in Priority)
        raise PolicyDefinitionError(
            f"unknown priority {value!r}; use one of {choices} (or hr.Priority.HIGH, ...)"
        ) from None
