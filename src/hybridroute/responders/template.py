"""Answers written ahead of time, one per intent, with ticket fields filled in."""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from hybridroute.exceptions import ResponderError, UsageError
from hybridroute.models import IntentSignal, Signal, Ticket

__all__ = ["TemplateResponder"]

_ROOTS = ("ticket", "intent", "confidence")


def _check_template(intent: str, template: str) -> None:
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise UsageError(
            f"template for intent {intent!r} is not a valid format string ({exc}); "
            "write placeholders as {ticket.id} and literal braces as {{ }}"
        ) from exc
    for _, field_name, _, _ in parsed:
        if field_name is None:
            continue
        root = field_name.split(".")[0].split("[")[0]
        if root not in _ROOTS or "__" in field_name:
            raise UsageError(
                f"template for intent {intent!r} uses placeholder {{{field_name}}}; "
                "placeholders must start with ticket, intent or confidence, e.g. "
                "{ticket.id}, {ticket.customer.tier}, {ticket.metadata[order_id]}"
            )


class TemplateResponder:
    """Answers from a template per intent, with ticket fields substituted.

    Parameters
    ----------
    templates : mapping of str to str
        Intent label -> answer. Placeholders use :meth:`str.format` syntax on
        ``ticket`` (the :class:`~hybridroute.Ticket`), ``intent`` and ``confidence``:
        ``"Hi, your order {ticket.metadata[order_id]} ships today."``
    intent_signal : str
        Name of the intent signal to read.
    name : str
        Shown as the reply's source.

    Notes
    -----
    A template whose placeholder the ticket cannot fill (say, a missing metadata
    key) raises :class:`~hybridroute.ResponderError`; the router then hands the
    ticket off rather than send a half-filled answer.

    Examples
    --------
    >>> import hybridroute as hr
    >>> responder = hr.TemplateResponder({"card_arrival": "Cards arrive in 3-5 days."})
    >>> "card_arrival" in responder
    True
    """

    def __init__(
        self,
        templates: Mapping[str, str],
        *,
        intent_signal: str = "intent",
        name: str = "template",
    ) -> None:
        for intent, template in templates.items():
            if not isinstance(template, str) or not template.strip():
                raise UsageError(f"template for intent {intent!r} must be non-empty text")
            _check_template(intent, template)
        self.templates = dict(templates)
        self.intent_signal = intent_signal
        self.name = name

    def __contains__(self, intent: object) -> bool:
        return intent in self.templates

    def respond(self, ticket: Ticket, signals: Mapping[str, Signal]) -> str | None:
        """The filled-in template for the ticket's intent, or None if there is none."""
        sig = signals.get(self.intent_signal)
        if not isinstance(sig, IntentSignal) or sig.label not in self.templates:
            return None
        values: dict[str, Any] = {
            "ticket": ticket,
            "intent": sig.label,
            "confidence": sig.confidence,
        }
        try:
            return self.templates[sig.label].format(**values)
        except (KeyError, AttributeError, IndexError) as exc:
            raise ResponderError(
                f"template for intent {sig.label!r} needs {exc}, which ticket {ticket.id!r} "
                "does not have"
            ) from exc

    def __repr__(self) -> str:
        return f"TemplateResponder({len(self.templates)} intents, name={self.name!r})"
