"""Adding tags without duplicates, the same way in every adapter."""

from __future__ import annotations

from collections.abc import Callable, Iterable


def new_tags(
    present: Iterable[str], wanted: Iterable[object], *, fold: Callable[[str], str] = str
) -> list[str]:
    """The ``wanted`` tags not yet ``present``, deduplicated, in the order asked.

    ``fold`` says when two tags are the same (``str.casefold`` where case is ignored).

    Examples
    --------
    >>> new_tags(["vip"], ["vip", "refund", "refund"])
    ['refund']
    """
    seen = {fold(t) for t in present}
    found: list[str] = []
    for tag in map(str, wanted):
        if fold(tag) not in seen:
            seen.add(fold(tag))
            found.append(tag)
    return found


def merged_tags(present: Iterable[str], wanted: Iterable[object]) -> list[str]:
    """``present`` followed by the ``wanted`` tags it lacks (for a PUT that replaces)."""
    current = list(present)
    return current + new_tags(current, wanted)
