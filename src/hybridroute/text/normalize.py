r"""The one text normalisation every built-in detector reads through.

A customer, or an attacker, can write the same words in many ways that look
alike on screen: "hu\u200bman" with a zero-width space, "hu\u00adman" with a
soft hyphen, "hum\u0430n" with a Cyrillic "a", "\uff48\uff55\uff4d\uff41\uff4e" in
fullwidth letters, "human" with a combining accent, "speak\u00a0to" with a no-break space. The
detectors (:class:`~hybridroute.classifiers.HumanRequestDetector`,
:class:`~hybridroute.classifiers.RiskTopicDetector`,
:class:`~hybridroute.classifiers.SentimentScorer`) match their patterns against
:func:`normalize_for_matching` of the ticket text, which, in this order:

1. makes typographic apostrophes straight (U+2019 and its kin -> "'");
2. applies Unicode compatibility decomposition (NFKD: the NFKC mappings, so
   fullwidth and styled letters, ligatures and no-break spaces become their
   plain forms, with accents split from their letters);
3. removes format characters (category Cf: zero-width spaces and joiners,
   U+2060, the BOM, the soft hyphen, bidirectional controls), non-spacing and
   enclosing marks (the accents split off in step 2) and invisible fillers;
   removing an invisible character joins the word around it ("hu\u200bman" ->
   "human");
4. folds confusable letters to the ASCII letter or digit they imitate, using the
   skeleton prototypes of Unicode Technical Standard #39 (Cyrillic "a" U+0430,
   Greek omicron U+03BF, Armenian "ho" U+0570 become "a", "o", "h"), and "ß" to
   "ss";
5. case-folds (unless ``casefold=False``);
6. collapses each run of spaces and tabs to one space and each run of blank
   space around a line break to one line break, and strips both ends.

The ticket is never changed: the agent, the helpdesk and the responders see the
text as the customer wrote it; only the detectors read the normalised copy, so
the evidence phrases they report may come from it (accents removed, invisible
characters gone).

Results are cached per text (a bounded LRU cache), so the detectors of one
router normalise a ticket once.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from hybridroute.text._unicode_tables import CONFUSABLES, IGNORABLE_CLASS

__all__ = ["fold_pattern", "normalize_for_matching"]

# Enough for the tickets of one scoring batch, so each detector of a router finds
# the text its predecessor normalised.
_CACHE_SIZE = 4096

_APOSTROPHES = dict.fromkeys(map(ord, "\u2018\u2019\u02bc\u2032"), "'")
_FOLD_LETTERS = str.maketrans({**CONFUSABLES, **_APOSTROPHES, 0xDF: "ss", 0x1E9E: "SS"})
_IGNORABLE = re.compile(IGNORABLE_CLASS)
# Runs of two or more blanks, or one blank that is not a plain space (tab, NBSP).
_SPACES = re.compile(r"[^\S\n]{2,}|[^\S\n ]")
_LINE_BREAKS = re.compile(r" ?\n[\s]*")


def normalize_for_matching(text: str, *, casefold: bool = True) -> str:
    """Return the form of ``text`` that the built-in detectors match against.

    See the module docstring for the steps. The result is idempotent:
    normalising it again returns it unchanged.

    Parameters
    ----------
    text : str
        Any text, such as :attr:`Ticket.text`.
    casefold : bool
        True (default) case-folds the result; False keeps the case, for
        detectors that look at capitals (shouting) or report evidence in the
        customer's case.

    Returns
    -------
    str
        The normalised text.

    Examples
    --------
    >>> normalize_for_matching("I want a hu\\u200bman, NOT a bot")
    'i want a human, not a bot'
    >>> normalize_for_matching("Parler  à un \\uff23\\uff2f\\uff2e", casefold=False)
    'Parler a un CON'
    >>> normalize_for_matching("hum\\u0430n")  # Cyrillic a
    'human'
    """
    return _folded(text) if casefold else _cased(text)


@lru_cache(maxsize=_CACHE_SIZE)
def _cased(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = _IGNORABLE.sub("", text).translate(_FOLD_LETTERS)
    return _collapse_spaces(text)


@lru_cache(maxsize=_CACHE_SIZE)
def _folded(text: str) -> str:
    cased = _cased(text)
    if cased.isascii():
        return cased.lower()
    # Case folding can yield new compatibility forms or look-alikes (U+0149 -> U+02BC "n"),
    # so the folded text goes through the steps once more.
    return _cased(cased.casefold()).lower()


def _collapse_spaces(text: str) -> str:
    text = _SPACES.sub(" ", text)
    if "\n" in text:
        text = _LINE_BREAKS.sub("\n", text)
    return text.strip()


def fold_pattern(pattern: str) -> str:
    """Rewrite a regular expression so it matches :func:`normalize_for_matching` text.

    A pattern a user writes in their own script ("мошенник", "απάτη", "Betrüger")
    must see the text the way the detectors do: accents gone, look-alike letters
    folded to Latin. Each non-ASCII character is replaced by what normalisation makes
    of it in either case (with and without case folding), as alternatives when those
    differ; ASCII, and so the regular-expression syntax, is left as written. Inside a
    character class (``[...]``) only single-character forms are added, and the ends of
    a range are left as written.

    Parameters
    ----------
    pattern : str
        A regular expression, as given to a detector.

    Returns
    -------
    str
        The expression to compile (with ``re.IGNORECASE``).

    Examples
    --------
    >>> import re
    >>> text = normalize_for_matching("Это МОШЕННИК", casefold=False)
    >>> bool(re.search(fold_pattern("мошенник"), text, re.IGNORECASE))
    True
    >>> fold_pattern("Betrüger")
    'Betruger'
    """
    if pattern.isascii():
        return pattern
    out: list[str] = []
    in_class = escaped = False
    for i, char in enumerate(pattern):
        if escaped or char.isascii():
            out.append(char)
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == "[":
                in_class = True
            elif char == "]":
                in_class = False
            continue
        forms = _forms(char)
        if in_class and "-" in (pattern[i - 1], pattern[i + 1 : i + 2]):
            out.append(char)  # an end of a range: replacing it would change the range
        elif in_class:
            out.append("".join(f for f in forms if len(f) == 1) or re.escape(char))
        elif len(forms) == 1:
            out.append(re.escape(forms[0]))
        else:
            out.append("(?:" + "|".join(re.escape(f) for f in forms) + ")")
    return "".join(out)


def _forms(char: str) -> list[str]:
    """What normalisation makes of ``char`` (and of its other case), distinct, in order."""
    if char.isspace():
        return [" "]
    forms: dict[str, str] = {}  # keyed by case fold: the pattern is compiled IGNORECASE
    for variant in (char, char.lower(), char.upper()):
        for casefold in (True, False):
            form = _folded(variant) if casefold else _cased(variant)
            forms.setdefault(form.casefold(), form)
    return [f for f in forms.values() if f] or [""]
