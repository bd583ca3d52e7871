"""Our names (queues, agents) to a helpdesk's ids, and back.

One lookup order for every adapter: **the mapping first, then a numeric string taken
as the id itself** (where the adapter allows ids), else :class:`HelpdeskRejected`
naming the setting to fix. A name the mapping lists always wins, even when it is made
of digits.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

from hybridroute.exceptions import HelpdeskRejected

IdT = TypeVar("IdT")


def lookup(
    mapping: Mapping[str, IdT],
    name: str,
    what: str,
    vendor: str,
    *,
    numeric: Callable[[str], IdT] | None = None,
) -> IdT:
    """``mapping[name]``; else ``numeric(name)`` for digits; else :class:`HelpdeskRejected`.

    Examples
    --------
    >>> lookup({"billing": 7}, "billing", "queue", "zendesk")
    7
    >>> lookup({"billing": 7}, "42", "agent", "zendesk", numeric=int)
    42
    """
    if name in mapping:
        return mapping[name]
    if numeric is not None and name.isdigit():
        return numeric(name)
    digits = " or pass the numeric id" if numeric is not None else ""
    raise HelpdeskRejected(
        f"{vendor}: {what} {name!r} has no {vendor} id; add it to the adapter's "
        f"{what}s mapping{digits} (known: {sorted(mapping)})",
        vendor=vendor,
    )


def name_for(mapping: Mapping[str, IdT], vendor_id: object) -> str | None:
    """Our name for a helpdesk id (the reverse of ``mapping``), None when unlisted.

    When two names share an id, the last one listed is the name read back.

    Examples
    --------
    >>> name_for({"billing": 7, "risk": 9}, 9)
    'risk'
    """
    found = None
    for name, known in mapping.items():
        if known == vendor_id:
            found = name
    return found
