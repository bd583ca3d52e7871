"""normalize_for_matching: the one text every built-in detector reads."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hybridroute as hr
from hybridroute.classifiers.human_request import HumanRequestDetector
from hybridroute.classifiers.risk import RiskTopicDetector
from hybridroute.text import fold_pattern, normalize_for_matching
from hybridroute.text._unicode_tables import CONFUSABLES

FORMAT_CHARACTERS = [
    chr(cp) for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp)) == "Cf"
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hu\u200bman", "human"),  # zero-width space
        ("hu\u00adman", "human"),  # soft hyphen
        ("hu\u2060m\ufeffa\u200dn", "human"),  # word joiner, BOM, zero-width joiner
        ("\u202ehuman\u202c", "human"),  # bidi override and pop
        ("hum\u0430n", "human"),  # Cyrillic a
        ("h\u03bfme", "home"),  # Greek omicron
        ("\u0570uman", "human"),  # Armenian ho
        ("\uff28\uff35\uff2d\uff21\uff2e", "human"),  # fullwidth capitals
        ("hu\u0301ma\u0300n", "human"),  # combining accents
        ("Größe", "grosse"),
        ("speak\u00a0\u00a0to   a\t human", "speak to a human"),
        ("I\u2019m", "i'm"),
        ("  first line  \n\n   second  ", "first line\nsecond"),
        ("", ""),
    ],
)
def test_folds_what_looks_alike_to_one_form(text: str, expected: str) -> None:
    assert normalize_for_matching(text) == expected


def test_casefold_false_keeps_the_case_and_folds_the_rest() -> None:
    assert (
        normalize_for_matching("SPEAK to a HU\u200bM\u0410N", casefold=False) == "SPEAK to a HUMAN"
    )


def test_ascii_letters_and_digits_are_never_remapped() -> None:
    text = "0O1lI Order 10 cards"
    assert normalize_for_matching(text, casefold=False) == text
    assert all(code > 127 for code in CONFUSABLES)
    assert all(len(t) == 1 and t.isascii() and t.isalnum() for t in CONFUSABLES.values())


def test_the_ticket_itself_is_not_changed() -> None:
    body = "I want to speak to a hu\u200bman."
    ticket = hr.Ticket(id="T", body=body)
    HumanRequestDetector().score([ticket])
    RiskTopicDetector().score([ticket])
    assert ticket.body == body


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalize_for_matching(text)
    assert normalize_for_matching(once) == once
    cased = normalize_for_matching(text, casefold=False)
    assert normalize_for_matching(cased, casefold=False) == cased


@settings(max_examples=200, deadline=None)
@given(
    phrase=st.sampled_from(
        [
            "I want to speak to a human",
            "quiero hablar con una persona",
            "je veux parler à un conseiller",
            "ich möchte mit einem Mitarbeiter sprechen",
        ]
    ),
    inserts=st.lists(
        st.tuples(st.integers(min_value=0), st.sampled_from(FORMAT_CHARACTERS)), max_size=6
    ),
)
def test_format_characters_anywhere_in_a_request_do_not_hide_it(
    phrase: str, inserts: list[tuple[int, str]]
) -> None:
    text = phrase
    for position, char in inserts:
        index = position % (len(text) + 1)
        text = text[:index] + char + text[index:]
    signal = HumanRequestDetector().score([hr.Ticket(id="T", body=f"Hello. {text}.")])[0]
    assert signal.detected, ascii(text)


@settings(max_examples=100, deadline=None)
@given(
    inserts=st.lists(
        st.tuples(st.integers(min_value=0), st.sampled_from(FORMAT_CHARACTERS)), max_size=4
    )
)
def test_format_characters_do_not_hide_a_risk_topic(inserts: list[tuple[int, str]]) -> None:
    text = "Alguien robó mi tarjeta"
    for position, char in inserts:
        index = position % (len(text) + 1)
        text = text[:index] + char + text[index:]
    assert RiskTopicDetector().score([hr.Ticket(id="T", body=text)])[0].labels == ("fraud",)


def test_results_are_cached_per_text() -> None:
    from hybridroute.text.normalize import _folded

    text = "A text seen by several detectors \u200b once"
    normalize_for_matching(text)
    hits = _folded.cache_info().hits
    normalize_for_matching(text)
    assert _folded.cache_info().hits == hits + 1
    assert _folded.cache_info().maxsize is not None


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("мошенник", "МОШЕННИК"),
        ("[мМ]ошенник", "Мошенник"),
        (r"\bαπάτη\b", "ΑΠΆΤΗ"),
        ("straße", "STRASSE"),
        (r"caf\w", "café"),
    ],
)
def test_a_folded_pattern_matches_the_normalised_text_in_either_case(
    pattern: str, text: str
) -> None:
    for casefold in (True, False):
        normalised = normalize_for_matching(text, casefold=casefold)
        assert re.search(fold_pattern(pattern), normalised, re.IGNORECASE), (pattern, casefold)


def test_fold_pattern_leaves_ascii_and_regex_syntax_alone() -> None:
    assert fold_pattern(r"(?:\S+)\s[a-z]{2,}") == r"(?:\S+)\s[a-z]{2,}"


def test_fold_pattern_keeps_the_ends_of_a_range_so_the_range_does_not_grow() -> None:
    folded = fold_pattern("[а-я]+")
    assert re.fullmatch(folded, "мошенник", re.IGNORECASE)
    assert not re.search(folded, "hello 123", re.IGNORECASE)
