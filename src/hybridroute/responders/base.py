"""The responder contract, and the disclosure every automated reply carries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol, runtime_checkable

from hybridroute.models import Signal, Ticket
from hybridroute.models._base import FrozenModel

__all__ = ["Disclosure", "Responder"]


@runtime_checkable
class Responder(Protocol):
    """Anything that writes an answer for a ticket.

    ``respond`` returns the answer's text, or None when it has no answer (the
    router then hands the ticket to a human). It may raise; the router records the
    failure and hands off. ``name`` says where answers came from in decisions.
    """

    name: str

    def respond(self, ticket: Ticket, signals: Mapping[str, Signal]) -> str | None:
        """Return the answer to ``ticket``, or None if there is none."""
        ...


class Disclosure(FrozenModel):
    """The lines appended to every automated reply.

    Regulators increasingly expect customers to be told that a bot answered and
    how to reach a person; both are on by default.

    Parameters
    ----------
    ai_notice : str, optional
        Says the reply was automated. None to omit.
    human_offer : str, optional
        Tells the customer how to reach a person. None to omit.
    separator : str
        Put between the answer and the disclosure.
    """

    ai_notice: str | None = "This answer was written by our automated assistant."
    human_offer: str | None = "If it doesn't help, reply 'agent' and a person will take over."
    separator: str = "\n\n"

    @property
    def text(self) -> str | None:
        """The disclosure as one line, or None when both parts are off."""
        parts = [p for p in (self.ai_notice, self.human_offer) if p]
        return " ".join(parts) if parts else None

    def apply(self, body: str) -> str:
        """``body`` followed by the disclosure, if any."""
        line = self.text
        return body if line is None else f"{body}{self.separator}{line}"
