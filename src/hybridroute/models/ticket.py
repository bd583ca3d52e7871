"""A customer-service ticket: who wrote what, on which channel."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

from pydantic import Field, StringConstraints, field_validator, model_validator

from hybridroute.models._base import FrozenModel

__all__ = [
    "MAX_TEXT_LENGTH",
    "Channel",
    "Customer",
    "Message",
    "Role",
    "Ticket",
]

#: Longest text accepted in one message or body, in characters. Longer input is
#: rejected rather than truncated, so nothing the customer wrote is silently lost.
MAX_TEXT_LENGTH = 50_000

#: Metadata values are JSON scalars, so a ticket always survives a JSON round trip.
MetadataValue = str | int | float | bool | None

Text = Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT_LENGTH)]
Identifier = Annotated[str, StringConstraints(min_length=1, max_length=200)]


def _require_words(text: str) -> str:
    if not text.strip():
        raise ValueError("text is only whitespace; it needs the customer's words")
    return text


class Role(str, Enum):
    """Who wrote a message."""

    CUSTOMER = "customer"
    AGENT = "agent"
    BOT = "bot"
    SYSTEM = "system"


class Channel(str, Enum):
    """Where the ticket came in."""

    EMAIL = "email"
    CHAT = "chat"
    WEB = "web"
    PHONE = "phone"
    SOCIAL = "social"
    API = "api"
    OTHER = "other"


class Message(FrozenModel):
    """One message of a conversation.

    Parameters
    ----------
    text : str
        What was written; 1 to ``MAX_TEXT_LENGTH`` characters, not only whitespace.
    role : Role
        Who wrote it; a customer by default.
    sent_at : datetime, optional
        When it was sent.
    public : bool
        False for internal notes that the customer never saw.
    """

    text: Text
    role: Role = Role.CUSTOMER
    sent_at: datetime | None = None
    public: bool = True

    @field_validator("text")
    @classmethod
    def _not_blank(cls, text: str) -> str:
        return _require_words(text)


class Customer(FrozenModel):
    """What the helpdesk knows about the person who wrote in.

    Parameters
    ----------
    id : str, optional
        The helpdesk's customer id.
    tier : str, optional
        Service tier as the helpdesk names it (``"vip"``, ``"business"``...).
    language : str, optional
        Preferred language as a BCP 47 tag (``"en"``, ``"pt-BR"``).
    previous_contacts : int
        How many times this customer wrote in recently about the same matter;
        a repeat contact is a strong sign the first answer did not help.
    """

    id: Identifier | None = None
    tier: Annotated[str, StringConstraints(min_length=1, max_length=50)] | None = None
    language: (
        Annotated[str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")] | None
    ) = None
    previous_contacts: Annotated[int, Field(ge=0)] = 0


class Ticket(FrozenModel):
    """A customer-service request, as hybridroute sees it.

    Give either ``body`` (a single message) or ``messages`` (a conversation), or
    both: ``body`` then counts as the first customer message.

    Parameters
    ----------
    id : str
        The helpdesk's ticket id.
    body : str, optional
        The customer's message, for single-message tickets.
    subject : str, optional
        Subject line, if the channel has one.
    messages : tuple of Message
        The conversation so far, oldest first.
    channel : Channel
        Where the ticket came in.
    customer : Customer
        Who wrote in.
    metadata : dict
        Free-form JSON scalars from the helpdesk (order id, product, ...).
    created_at, updated_at : datetime, optional
        Timestamps from the helpdesk.

    Examples
    --------
    >>> import hybridroute as hr
    >>> t = hr.Ticket(id="T-1", body="I still haven't received my card")
    >>> t.text
    "I still haven't received my card"
    """

    id: Identifier
    body: Text | None = None
    subject: Annotated[str, StringConstraints(max_length=1_000)] | None = None
    messages: tuple[Message, ...] = ()
    channel: Channel = Channel.OTHER
    customer: Customer = Customer()
    metadata: dict[str, MetadataValue] = Field(default_factory=dict)
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @field_validator("body")
    @classmethod
    def _body_not_blank(cls, body: str | None) -> str | None:
        return None if body is None else _require_words(body)

    @model_validator(mode="after")
    def _has_customer_words(self) -> Ticket:
        if self.body is None and not any(m.role is Role.CUSTOMER for m in self.messages):
            raise ValueError(
                "a ticket needs the customer's words: pass body='...' or at least one "
                "message with role='customer'"
            )
        return self

    @property
    def conversation(self) -> tuple[Message, ...]:
        """All messages, with ``body`` (if given) as the first customer message."""
        if self.body is None:
            return self.messages
        return (Message(text=self.body), *self.messages)

    @property
    def customer_messages(self) -> tuple[str, ...]:
        """The customer's messages, oldest first."""
        return tuple(m.text for m in self.conversation if m.role is Role.CUSTOMER)

    @property
    def text(self) -> str:
        """The text classifiers read: subject and every customer message, in order."""
        parts = [self.subject] if self.subject else []
        parts.extend(self.customer_messages)
        return "\n".join(parts)

    @property
    def latest_customer_message(self) -> str:
        """The customer's most recent message."""
        return self.customer_messages[-1]

    @property
    def turns(self) -> int:
        """How many messages the customer has written on this ticket."""
        return len(self.customer_messages)
