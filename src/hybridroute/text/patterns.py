"""Compile many whole-word alternatives into one regular expression that is fast to scan.

Python's ``re`` tries the alternatives of ``a|b|c`` one after another at every
position. With a few hundred alternatives (the risk topics in seven languages)
most of the time goes into alternatives that fail on their first letter.
:func:`compile_alternatives` groups the alternatives by their first letter, so
``re`` checks one letter per group instead of one per alternative. Alternatives
that share a first letter keep their order, and two alternatives with different
first letters can never both match at one position, so matches are the same.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import pairwise

__all__ = ["compile_alternatives"]

_META = frozenset("\\()[]{}?*+|.^$")
_QUANTIFIERS = ("?", "*", "+", "{")


def compile_alternatives(patterns: Iterable[str], flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """One pattern matching any of ``patterns`` as whole words, grouped by first letter.

    Parameters
    ----------
    patterns : iterable of str
        Regular expressions; each may itself be an alternation.
    flags : int
        Flags of :func:`re.compile`; case-insensitive by default.

    Returns
    -------
    re.Pattern
        ``(?<!\\w)(?:p1|p2|...)(?!\\w)``, with the alternatives regrouped.
    """
    alternatives = [
        alt
        for p in patterns
        for part in (_split_top(p) if _regroupable(p) else [f"(?:{p})"])
        for alt in _expand(part)
    ]
    return re.compile(rf"(?<!\w)(?:{_grouped(alternatives, flags)})(?!\w)", flags)


# Named groups, backreferences and conditionals would break if a group were copied.
_NOT_REGROUPABLE = re.compile(r"\(\?P|\\[1-9]|\(\?\(")


def _regroupable(pattern: str) -> bool:
    return _NOT_REGROUPABLE.search(pattern) is None


def _structure(pattern: str) -> Iterator[tuple[int, str, int]]:
    """Each character outside escapes and classes, its index, and the group depth after it."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        else:
            depth += (char == "(") - (char == ")")
            yield i, char, depth
        i += 1


def _split_top(pattern: str) -> list[str]:
    """``pattern`` cut at its top-level ``|`` (not inside a group or a class)."""
    cuts = [i for i, char, depth in _structure(pattern) if char == "|" and depth == 0]
    bounds = [-1, *cuts, len(pattern)]
    return [pattern[a + 1 : b] for a, b in pairwise(bounds)]


def _closing_paren(pattern: str) -> int:
    """Index of the ``)`` closing the group that opens ``pattern``, or -1."""
    return next((i for i, char, depth in _structure(pattern) if char == ")" and depth == 0), -1)


def _expand(alternative: str) -> list[str]:
    """``(?:a|b)c`` as ``ac``, ``bc``: the same matches, in the same order."""
    if not alternative.startswith("(?:") or not _regroupable(alternative):
        return [alternative]
    end = _closing_paren(alternative)
    if end < 0 or alternative[end + 1 : end + 2] in _QUANTIFIERS:
        return [alternative]
    tail = alternative[end + 1 :]
    return [alt for part in _split_top(alternative[3:end]) for alt in _expand(part + tail)]


def _first_letter(alternative: str) -> str | None:
    head = alternative[:1]
    if not head.isascii() or not head.isalpha() or alternative[1:2] in _QUANTIFIERS:
        return None
    return head.lower()


def _grouped(alternatives: list[str], flags: int) -> str:
    if not flags & re.IGNORECASE:
        return "|".join(f"(?:{alt})" for alt in alternatives)
    groups: dict[str, list[str]] = {}
    order: list[str] = []
    for alt in alternatives:
        letter = _first_letter(alt)
        if letter is None:
            order.append(f"(?:{alt})")
        elif letter not in groups:
            groups[letter] = [alt[1:]]
            order.append(letter)
        else:
            groups[letter].append(alt[1:])
    return "|".join(f"{key}(?:{'|'.join(groups[key])})" if key in groups else key for key in order)
