"""Writes that must happen at most once: look for the marker, write, build the receipt.

The helpdesks take no idempotency key on a new comment, so each write carries the
marker of :mod:`hybridroute.adapters.markers` and the adapter looks for it before
writing and before retrying an ambiguous failure (:meth:`JsonApi.write`). These
helpers are that step, written once for every adapter.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from hybridroute.adapters.base import ActionReceipt, HelpdeskAction
from hybridroute.adapters.http import JsonApi
from hybridroute.adapters.markers import carries_marker


def marked_id(items: Iterable[Mapping[str, Any]], key: str, fields: Sequence[str]) -> str | None:
    """The id of the first item whose text ``fields`` carry the marker of ``key``."""
    for item in items:
        if any(carries_marker(str(item.get(f) or ""), key) for f in fields):
            return str(item.get("id"))
    return None


def created_id(answer: Any) -> str | None:
    """The ``id`` of what a write created, from the helpdesk's JSON answer."""
    created = answer.get("id") if isinstance(answer, Mapping) else None
    return str(created) if created is not None else None


def write_once(
    api: JsonApi,
    method: str,
    path: str,
    *,
    json: Any,
    ticket_id: str,
    action: HelpdeskAction,
    find: Callable[[], str | None],
    new_id: Callable[[Any], str | None] = created_id,
    check_first: bool = True,
) -> ActionReceipt:
    """Send a write at most once; its receipt, ``duplicate`` when ``find`` saw it done.

    Parameters
    ----------
    api : JsonApi
        The adapter's API.
    method, path : str
        The write's HTTP method and path.
    json : object
        The body, carrying the marker of the idempotency key.
    ticket_id : str
        The ticket written to, as the receipt names it.
    action : HelpdeskAction
        Which write this is, as the receipt names it.
    find : callable
        The helpdesk's id of this very write (its marker found), or None.
    new_id : callable
        The id of what the write created, from the answer (:func:`created_id`).
    check_first : bool
        False when the caller has just looked for the marker itself.
    """

    def receipt(external_id: str | None) -> ActionReceipt:
        return ActionReceipt(ticket_id=ticket_id, action=action, external_id=external_id)

    def already_done() -> ActionReceipt | None:
        found = find()
        return receipt(found) if found is not None else None

    return api.write(
        method,
        path,
        json=json,
        already_done=already_done,
        receipt=lambda answer: receipt(new_id(answer)),
        check_first=check_first,
    )
