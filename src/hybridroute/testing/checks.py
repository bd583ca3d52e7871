"""The classifier contract as named checks, the way scikit-learn ships ``check_estimator``.

Each ``check_*`` function tests one promise of the contract of
:mod:`hybridroute.classifiers.base` and raises :class:`ContractViolation` (an
``AssertionError``) saying what the contract requires and how to fix the classifier.
Run them all with :func:`check_classifier`, or get one pytest test per check with
:func:`parametrize_with_checks`.

A classifier can declare three attributes (tags) that change what is checked:

``requires_fit`` (bool)
    True when scoring before ``fit`` must raise :class:`hybridroute.NotFittedError`.
    Default: True when the classifier has a ``fit`` method. Declare False for a
    classifier that works untrained (with default weights) and can *also* be fitted.
``deterministic`` (bool)
    False skips the checks that compare two scorings of the same tickets. Default True.
``thread_safe`` (bool)
    False skips :func:`check_thread_safe`. Default True for every classifier: one
    router (and so one classifier instance) is meant to be shared by the threads of a
    service, so a classifier that cannot be shared must say so.

Trainable classifiers are checked the way scikit-learn checks estimators: pass them
*unfitted*; the kit fits its own copy with ``fit_data`` (by default
:func:`default_fit_data`, a sample of BANKING77) and never touches your object.
"""

from __future__ import annotations

import copy
import io
import math
import pickle
import sys
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import joblib
import numpy as np

from hybridroute.classifiers.base import Classifier
from hybridroute.datasets import load_banking77
from hybridroute.exceptions import NotFittedError, UsageError
from hybridroute.models import MAX_TEXT_LENGTH, DetectionSignal, IntentSignal, ScoreSignal, Ticket
from hybridroute.testing.factories import (
    EMOJI_TEXTS,
    MIXED_SCRIPT_TEXTS,
    ORDINARY_TEXTS,
    OTHER_LANGUAGE_TEXTS,
    TicketFactory,
)

if TYPE_CHECKING:
    import pytest

__all__ = [
    "CLASSIFIER_CHECKS",
    "CheckSkipped",
    "ClassifierTags",
    "ContractViolation",
    "check_batch_matches_single",
    "check_classifier",
    "check_confidences_in_range",
    "check_deterministic",
    "check_does_not_mutate_input",
    "check_emoji_text",
    "check_has_name_and_score",
    "check_labels_among_classes",
    "check_mixed_language_text",
    "check_non_ascii_text",
    "check_one_signal_per_ticket",
    "check_pickle_round_trip",
    "check_probabilities_sum_to_one",
    "check_signals_in_ticket_order",
    "check_thread_safe",
    "check_unfitted_raises_not_fitted",
    "check_very_long_text",
    "check_whitespace_padded_text",
    "classifier_tags",
    "default_fit_data",
    "parametrize_with_checks",
]

FitData = tuple[Sequence[Any], Sequence[Any]]
"""Training input for trainable classifiers: ``(texts or tickets, labels)``."""

#: Every DEFAULT_FIT_STEP-th row of BANKING77 train: 401 rows covering all 77 intents
#: (the file is sorted by intent, so a stride samples every intent evenly).
DEFAULT_FIT_STEP = 25

#: Two scorings "agree" when every number differs by at most this much: batching can
#: change the order of floating-point sums, so bit-for-bit equality is too strict.
AGREEMENT_TOLERANCE = 1e-6

#: Rows of ``predict_proba`` must sum to 1 within this tolerance.
PROBABILITY_SUM_TOLERANCE = 1e-6

#: Threads, and batches per thread, of :func:`check_thread_safe`.
THREADS = 4
ROUNDS_PER_THREAD = 8

_SIGNAL_TYPES = (IntentSignal, ScoreSignal, DetectionSignal)


class ContractViolation(AssertionError):
    """A classifier breaks the classifier contract.

    The message names the classifier and the check, says what the contract
    requires, and how to fix the classifier.
    """


class CheckSkipped(Exception):
    """A check does not apply to this classifier; the message says why."""


@dataclass(frozen=True)
class ClassifierTags:
    """What a classifier declares about itself; see the module docstring.

    Parameters
    ----------
    requires_fit : bool
        Scoring before ``fit`` raises :class:`hybridroute.NotFittedError`.
    deterministic : bool
        The same tickets always get the same signals.
    thread_safe : bool
        One instance may score from several threads at once.
    """

    requires_fit: bool
    deterministic: bool
    thread_safe: bool


def classifier_tags(clf: Classifier) -> ClassifierTags:
    """The tags of a classifier: its declared attributes, or the documented defaults.

    Raises
    ------
    UsageError
        If a declared tag is not a bool.
    """
    trainable = callable(getattr(clf, "fit", None))
    defaults = {
        "requires_fit": trainable,
        "deterministic": True,
        "thread_safe": True,
    }
    values: dict[str, bool] = {}
    for tag, default in defaults.items():
        value = getattr(clf, tag, default)
        if not isinstance(value, bool):
            raise UsageError(
                f"{_label(clf)}.{tag} is {value!r}; declare it as True or False "
                "(a class attribute), or leave it out to use the default"
            )
        values[tag] = value
    return ClassifierTags(**values)


@lru_cache(maxsize=1)
def _banking77_sample() -> tuple[tuple[str, ...], tuple[str, ...]]:
    texts, labels = load_banking77("train", return_X_y=True)
    return tuple(texts[::DEFAULT_FIT_STEP]), tuple(labels[::DEFAULT_FIT_STEP])


def default_fit_data() -> tuple[list[str], list[str]]:
    """The training sample trainable classifiers get when no ``fit_data`` is given.

    Every 25th row of BANKING77 train (401 texts, all 77 intents): enough for an
    intent model to fit in about a second, which is all the contract checks need.

    Returns
    -------
    (list of str, list of str)
        Texts and their intents.
    """
    texts, labels = _banking77_sample()
    return list(texts), list(labels)


# -- the tickets every check scores ---------------------------------------------------


@lru_cache(maxsize=1)
def _sample() -> tuple[Ticket, ...]:
    """Ordinary, distinct tickets: single messages, a conversation, a subject line."""
    factory = TicketFactory(seed=0, prefix="check")
    tickets = [factory.build(body=text) for text in ORDINARY_TEXTS]
    tickets.append(factory.many_turns(turns=3))
    tickets.append(
        factory.build(subject="Card not working", customer={"previous_contacts": 2, "tier": "vip"})
    )
    return tuple(tickets)


def _tickets(kind: str, texts: Iterable[str]) -> tuple[Ticket, ...]:
    return tuple(Ticket(id=f"{kind}-{i}", body=text) for i, text in enumerate(texts))


_WHITESPACE_PADDED = _tickets("padded", ["   a   ", "\n\t?\n ", " 1 ", "\u00a0\u3000x\u2003"])
_VERY_LONG = (
    TicketFactory(seed=0, prefix="long").long(),
    Ticket(id="long-word", body="x" * MAX_TEXT_LENGTH),
    Ticket(id="long-punctuation", body="!?" * (MAX_TEXT_LENGTH // 2)),
)
_NON_ASCII = _tickets(
    "non-ascii",
    [*OTHER_LANGUAGE_TEXTS.values(), "Ça coûte combien ? Ñandú, Ærø, ﬁnance, İstanbul, ß"],
)
_EMOJI = _tickets("emoji", EMOJI_TEXTS)
_MIXED_LANGUAGE = _tickets("mixed", MIXED_SCRIPT_TEXTS)


# -- helpers ------------------------------------------------------------------------


def _label(clf: object) -> str:
    name = getattr(clf, "name", None)
    return f"{type(clf).__name__}({name!r})" if isinstance(name, str) else type(clf).__name__


def _violation(clf: object, problem: str, requires: str, fix: str) -> ContractViolation:
    return ContractViolation(
        f"{_label(clf)} {problem}\n"
        f"The classifier contract requires: {requires}\n"
        f"How to fix it: {fix}"
    )


def _shorten(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


_NEVER_RAISE = (
    "score(tickets) returns a signal for every valid ticket; it never raises on "
    "unusual but valid input."
)
_HANDLE_ANY_TEXT = (
    "handle any text a Ticket accepts (1 to 50,000 characters of any Unicode): "
    "normalise or ignore what your model does not know, and return a neutral "
    "signal (for example an abstaining IntentSignal(label=None, ...)) rather than raise."
)


def _score(
    clf: Classifier, tickets: Sequence[Ticket], what: str, fix: str = _HANDLE_ANY_TEXT
) -> list[Any]:
    """Score, turning an exception into a violation that names what was scored."""
    batch = tickets if isinstance(tickets, list) else list(tickets)
    try:
        return list(clf.score(batch))
    except Exception as exc:
        raise _violation(
            clf, f"raised {type(exc).__name__} when scoring {what}: {exc}", _NEVER_RAISE, fix
        ) from exc


def _require_shape(clf: Classifier, tickets: Sequence[Ticket], signals: Sequence[Any]) -> None:
    if len(signals) != len(tickets):
        raise _violation(
            clf,
            f"returned {len(signals)} signals for {len(tickets)} tickets.",
            "score(tickets) returns exactly one signal per ticket, in the same order.",
            "build the result with one entry per input ticket (e.g. "
            "[self._signal(t) for t in tickets]); never drop, merge or add entries, and "
            "return [] for an empty batch.",
        )
    for position, sig in enumerate(signals):
        if not isinstance(sig, _SIGNAL_TYPES):
            raise _violation(
                clf,
                f"returned a {type(sig).__name__} for ticket {tickets[position].id!r} "
                f"(position {position}).",
                "every signal is an IntentSignal, ScoreSignal or DetectionSignal.",
                "wrap your model's output in one of the signal types of hybridroute "
                "(hr.IntentSignal(label=..., confidence=..., margin=...), "
                "hr.ScoreSignal(value=...), hr.DetectionSignal(detected=...)).",
            )


def _numbers(sig: Any) -> list[tuple[str, Any]]:
    """Every number of a signal that must be a probability, with its field name."""
    if isinstance(sig, IntentSignal):
        found = [("confidence", sig.confidence), ("margin", sig.margin)]
        found += [
            (f"alternatives[{i}].probability", alt.probability)
            for i, alt in enumerate(sig.alternatives)
        ]
        return found
    if isinstance(sig, ScoreSignal):
        return [("value", sig.value)]
    return [("confidence", sig.confidence)]


def _is_probability(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)):
        return False
    return bool(math.isfinite(value) and 0.0 <= value <= 1.0)


def _require_ranges(clf: Classifier, tickets: Sequence[Ticket], signals: Sequence[Any]) -> None:
    for ticket, sig in zip(tickets, signals, strict=True):
        bad = [(name, value) for name, value in _numbers(sig) if not _is_probability(value)]
        if isinstance(sig, ScoreSignal):
            bad += [
                (f"features[{key!r}]", value)
                for key, value in sig.features.items()
                if not (isinstance(value, (int, float)) and math.isfinite(value))
            ]
        if bad:
            shown = ", ".join(f"{name}={value!r}" for name, value in bad)
            raise _violation(
                clf,
                f"gave ticket {ticket.id!r} a {type(sig).__name__} with {shown}.",
                "confidences, margins, probabilities and score values are finite numbers "
                "in [0, 1]; score features are finite.",
                "build signals with their constructors (which validate) instead of "
                "model_construct(), and clip or calibrate raw model outputs into [0, 1] "
                "(e.g. a softmax or a logistic function); replace NaN with a neutral value.",
            )


def _valid_signals(clf: Classifier, tickets: Sequence[Ticket], what: str) -> list[Any]:
    signals = _score(clf, tickets, what)
    _require_shape(clf, tickets, signals)
    _require_ranges(clf, tickets, signals)
    return signals


def _first_difference(left: Any, right: Any, path: str = "") -> str | None:
    """Where two dumped signals differ (numbers within the tolerance count as equal)."""
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        for key in sorted(set(left) | set(right), key=str):
            if key not in left or key not in right:
                return f"{path}.{key}: present in only one of them"
            found = _first_difference(left[key], right[key], f"{path}.{key}")
            if found:
                return found
        return None
    if isinstance(left, (list, tuple)) and isinstance(right, (list, tuple)):
        if len(left) != len(right):
            return f"{path}: {len(left)} items vs {len(right)}"
        for i, (a, b) in enumerate(zip(left, right, strict=True)):
            found = _first_difference(a, b, f"{path}[{i}]")
            if found:
                return found
        return None
    numeric = (int, float, np.floating)
    if (
        isinstance(left, numeric)
        and isinstance(right, numeric)
        and not isinstance(left, bool)
        and not isinstance(right, bool)
    ):
        if math.isclose(left, right, rel_tol=0.0, abs_tol=AGREEMENT_TOLERANCE):
            return None
        return f"{path}: {left!r} vs {right!r}"
    return None if left == right else f"{path}: {left!r} vs {right!r}"


def _difference(
    tickets: Sequence[Ticket], first: Sequence[Any], second: Sequence[Any]
) -> str | None:
    """The first ticket whose two signals differ, and how; None when all agree."""
    if len(first) != len(second):
        return f"{len(first)} signals vs {len(second)}"
    for ticket, a, b in zip(tickets, first, second, strict=True):
        if type(a) is not type(b):
            return f"ticket {ticket.id!r}: {type(a).__name__} vs {type(b).__name__}"
        found = _first_difference(a.model_dump(), b.model_dump())
        if found:
            return f"ticket {ticket.id!r}, {type(a).__name__}{found}"
    return None


def _copy(clf: Classifier) -> Classifier:
    try:
        copied: Classifier = copy.deepcopy(clf)
    except Exception as exc:
        raise _violation(
            clf,
            f"cannot be copied with copy.deepcopy: {type(exc).__name__}: {exc}",
            "a classifier can be pickled (and so copied): the router is saved with "
            "hybridroute.save and sent to worker processes.",
            "keep only picklable state; drop locks, clients and open files in "
            "__getstate__ and recreate them in __setstate__.",
        ) from exc
    return copied


# -- the checks ---------------------------------------------------------------------


def check_has_name_and_score(clf: Classifier) -> None:
    """The classifier has a non-empty ``name`` and a callable ``score`` method.

    The name is the signal name policies read (``hr.signal("intent")``).
    """
    name = getattr(clf, "name", None)
    if not isinstance(name, str) or not name:
        raise _violation(
            clf,
            f"has name {name!r}.",
            "a classifier has a `name`: the non-empty string its signal is stored under.",
            "set self.name (e.g. 'intent', 'risk_topic') in __init__, and let users "
            "override it with a name= parameter.",
        )
    if not callable(getattr(clf, "score", None)):
        raise _violation(
            clf,
            "has no callable score method.",
            "a classifier has score(tickets) returning one signal per ticket.",
            "add def score(self, tickets: Sequence[Ticket]) -> list[Signal].",
        )


def check_one_signal_per_ticket(clf: Classifier) -> None:
    """A batch of n tickets gives a list of exactly n signals (and ``[]`` gives ``[]``).

    Every signal is an ``IntentSignal``, ``ScoreSignal`` or ``DetectionSignal``.
    """
    tickets = _sample()
    _require_shape(clf, tickets, _score(clf, tickets, f"a batch of {len(tickets)} tickets"))
    empty_fix = "return an empty list for an empty batch, without calling the model."
    _require_shape(clf, [], _score(clf, [], "an empty batch", empty_fix))
    _require_shape(clf, tickets[:1], _score(clf, tickets[:1], "a batch of one ticket"))


def check_signals_in_ticket_order(clf: Classifier) -> None:
    """Signal i belongs to ticket i: reversing the batch reverses the signals.

    Skipped when the classifier declares ``deterministic = False``.
    """
    if not classifier_tags(clf).deterministic:
        raise CheckSkipped(f"{_label(clf)} declares deterministic = False")
    tickets = list(_sample())
    forward = _valid_signals(clf, tickets, "a batch of tickets")
    backward = _valid_signals(clf, tickets[::-1], "the same batch reversed")
    found = _difference(tickets, forward, backward[::-1])
    if found:
        raise _violation(
            clf,
            f"gave different signals when the batch was reversed ({found}).",
            "signal i is the signal of ticket i: score() keeps the order of its input.",
            "do not sort, group or deduplicate tickets without restoring their order; "
            "if you must, remember each ticket's position and put signals back there.",
        )


def check_confidences_in_range(clf: Classifier) -> None:
    """Confidences, margins, probabilities and score values are finite and in [0, 1]."""
    for tickets, what in (
        (_sample(), "ordinary tickets"),
        (_WHITESPACE_PADDED + _EMOJI + _MIXED_LANGUAGE, "unusual tickets"),
    ):
        _valid_signals(clf, tickets, what)


def check_probabilities_sum_to_one(clf: Classifier) -> None:
    """``predict_proba(tickets)``, if present, gives rows in [0, 1] that sum to 1.

    The array has one row per ticket and one column per class in ``classes_``.
    Skipped for classifiers without ``predict_proba``.
    """
    predict_proba = getattr(clf, "predict_proba", None)
    if not callable(predict_proba):
        raise CheckSkipped(f"{_label(clf)} has no predict_proba")
    tickets = list(_sample())
    try:
        proba = np.asarray(predict_proba(tickets), dtype=np.float64)
    except Exception as exc:
        raise _violation(
            clf,
            f"raised {type(exc).__name__} in predict_proba(tickets): {exc}",
            "predict_proba accepts the same tickets as score().",
            "accept a sequence of Ticket (use ticket.text) as well as of str.",
        ) from exc
    classes = getattr(clf, "classes_", None)
    columns = len(classes) if classes is not None else proba.shape[-1]
    if proba.shape != (len(tickets), columns):
        raise _violation(
            clf,
            f"returned predict_proba of shape {proba.shape} for {len(tickets)} tickets "
            f"and {columns} classes.",
            "predict_proba returns an array of shape (n_tickets, len(classes_)).",
            "return one row per ticket and one column per class, in the order of classes_.",
        )
    sums = proba.sum(axis=1)
    bad_rows = [
        i
        for i, row in enumerate(proba)
        if not (np.isfinite(row).all() and (row >= 0).all() and (row <= 1).all())
        or abs(sums[i] - 1.0) > PROBABILITY_SUM_TOLERANCE
    ]
    if bad_rows:
        first = bad_rows[0]
        raise _violation(
            clf,
            f"returned predict_proba rows that are not probability distributions for "
            f"{len(bad_rows)} of {len(tickets)} tickets (ticket {tickets[first].id!r} sums "
            f"to {sums[first]!r}, min {proba[first].min()!r}, max {proba[first].max()!r}).",
            "each row of predict_proba is a distribution over classes_: finite, in [0, 1], "
            "summing to 1.",
            "normalise scores with a softmax (or divide by the row sum); a one-vs-rest "
            "model's outputs do not sum to 1 on their own.",
        )


def check_labels_among_classes(clf: Classifier) -> None:
    """Every intent label (and alternative) is one of the declared ``classes_``.

    Skipped for classifiers without ``classes_``.
    """
    classes = getattr(clf, "classes_", None)
    if classes is None:
        raise CheckSkipped(f"{_label(clf)} has no classes_")
    declared = set(classes)
    tickets = _sample() + _NON_ASCII + _EMOJI
    for ticket, sig in zip(tickets, _valid_signals(clf, tickets, "tickets"), strict=True):
        if not isinstance(sig, IntentSignal):
            continue
        labels = [sig.label, *(alt.label for alt in sig.alternatives)]
        unknown = [label for label in labels if label is not None and label not in declared]
        if unknown:
            raise _violation(
                clf,
                f"gave ticket {ticket.id!r} the label(s) {unknown}, which are not in "
                f"classes_ ({len(declared)} classes).",
                "intent labels are among the declared classes_, so policies and templates "
                "can rely on them.",
                "take labels from classes_ (e.g. classes_[proba.argmax()]); to abstain, "
                "use label=None rather than an invented label.",
            )


def check_deterministic(clf: Classifier) -> None:
    """Scoring the same tickets twice, or with a copy, gives the same signals.

    Skipped when the classifier declares ``deterministic = False``.
    """
    if not classifier_tags(clf).deterministic:
        raise CheckSkipped(f"{_label(clf)} declares deterministic = False")
    tickets = list(_sample())
    first = _valid_signals(clf, tickets, "a batch of tickets")
    again = _valid_signals(clf, tickets, "the same batch again")
    copied = _valid_signals(_copy(clf), tickets, "the same batch with a copy")
    found = _difference(tickets, first, again) or _difference(tickets, first, copied)
    if found:
        raise _violation(
            clf,
            f"gave different signals for the same tickets ({found}).",
            "the same tickets get the same signals, so decisions can be reproduced, "
            "audited and tested (or the classifier declares deterministic = False).",
            "seed every random generator at construction (random_state=...), do not "
            "depend on time or call counts; if randomness is essential, set the class "
            "attribute deterministic = False.",
        )


def check_batch_matches_single(clf: Classifier) -> None:
    """Each ticket gets the same signal alone as inside a batch.

    Skipped when the classifier declares ``deterministic = False``.
    """
    if not classifier_tags(clf).deterministic:
        raise CheckSkipped(f"{_label(clf)} declares deterministic = False")
    tickets = list(_sample())
    batch = _valid_signals(clf, tickets, "a batch of tickets")
    single = [_valid_signals(clf, [t], f"ticket {t.id!r} alone")[0] for t in tickets]
    found = _difference(tickets, batch, single)
    if found:
        raise _violation(
            clf,
            f"gave a ticket a different signal in a batch than alone ({found}).",
            "a ticket's signal depends only on that ticket, not on the rest of the batch "
            "(the router retries failing batches ticket by ticket).",
            "do not normalise or fit anything across the batch at scoring time (e.g. "
            "calling a vectoriser's fit_transform inside score); fit once in fit().",
        )


def _survives(clf: Classifier, tickets: Sequence[Ticket], kind: str) -> None:
    for ticket in tickets:
        _valid_signals(clf, [ticket], f"{kind} ticket {_shorten(ticket.text)}")
    _valid_signals(clf, tickets, f"a batch of {kind} tickets")


def check_whitespace_padded_text(clf: Classifier) -> None:
    """A one-character text padded with whitespace gets a valid signal."""
    _survives(clf, _WHITESPACE_PADDED, "whitespace-padded")


def check_very_long_text(clf: Classifier) -> None:
    """A 50,000-character text (the longest a ticket allows) gets a valid signal."""
    _survives(clf, _VERY_LONG, "50,000-character")


def check_non_ascii_text(clf: Classifier) -> None:
    """Text in other languages and scripts (accents, CJK, Arabic...) gets a valid signal."""
    _survives(clf, _NON_ASCII, "non-ASCII")


def check_emoji_text(clf: Classifier) -> None:
    """Emoji, with skin tones, ZWJ sequences and flags, get a valid signal."""
    _survives(clf, _EMOJI, "emoji")


def check_mixed_language_text(clf: Classifier) -> None:
    """Several languages and scripts in one message get a valid signal."""
    _survives(clf, _MIXED_LANGUAGE, "mixed-language")


def _round_trips(clf: Classifier) -> list[tuple[str, Classifier]]:
    loaded: list[tuple[str, Classifier]] = []
    try:
        loaded.append(("pickle", pickle.loads(pickle.dumps(clf))))
        buffer = io.BytesIO()
        joblib.dump(clf, buffer)
        buffer.seek(0)
        loaded.append(("joblib", joblib.load(buffer)))
    except Exception as exc:
        how = "joblib" if loaded else "pickle"
        raise _violation(
            clf,
            f"cannot be saved and loaded with {how}: {type(exc).__name__}: {exc}",
            "a classifier survives a pickle and joblib round trip (hybridroute.save "
            "writes routers with joblib; services copy them to worker processes).",
            "keep only picklable state: use module-level functions instead of lambdas "
            "or local functions, and drop locks, clients and open files in __getstate__ "
            "(recreate them in __setstate__).",
        ) from exc
    return loaded


def check_pickle_round_trip(clf: Classifier) -> None:
    """A pickle and a joblib round trip give a classifier with identical outputs."""
    tickets = list(_sample())
    expected = _valid_signals(clf, tickets, "a batch of tickets")
    for how, loaded in _round_trips(clf):
        got = _valid_signals(loaded, tickets, f"a batch of tickets after a {how} round trip")
        found = (
            None
            if not classifier_tags(clf).deterministic
            else (_difference(tickets, expected, got))
        )
        if found:
            raise _violation(
                clf,
                f"scores differently after a {how} round trip ({found}).",
                "a saved and loaded classifier gives exactly the signals of the original.",
                "save every fitted attribute; if you define __getstate__/__setstate__, "
                "restore the full model state, not only its configuration.",
            )


def check_unfitted_raises_not_fitted(clf: Classifier) -> None:
    """A trainable classifier used before ``fit`` raises :class:`hybridroute.NotFittedError`.

    Runs on the classifier *as given* (before the kit fits its copy). Skipped for
    classifiers without ``fit`` and for those declaring ``requires_fit = False``.
    """
    if not callable(getattr(clf, "fit", None)):
        raise CheckSkipped(f"{_label(clf)} has no fit method")
    if not classifier_tags(clf).requires_fit:
        raise CheckSkipped(f"{_label(clf)} works unfitted (requires_fit = False)")
    tickets = list(_sample()[:2])
    calls: list[tuple[str, Callable[[], Any]]] = [("score(tickets)", lambda: clf.score(tickets))]
    predict_proba = getattr(clf, "predict_proba", None)
    if callable(predict_proba):
        calls.append(("predict_proba(tickets)", lambda: predict_proba(tickets)))
    for what, call in calls:
        try:
            call()
        except NotFittedError:
            continue
        except Exception as exc:
            raise _violation(
                clf,
                f"raised {type(exc).__name__} from {what} before fit(): {exc}",
                "a trainable classifier used before fit() raises hybridroute.NotFittedError, "
                "whose message tells the user to call fit().",
                "check at the start of score() and raise hybridroute.NotFittedError("
                "'... call fit(texts, labels) first') from the library's own error.",
            ) from exc
        raise _violation(
            clf,
            f"answered {what} before fit() instead of raising.",
            "a trainable classifier used before fit() raises hybridroute.NotFittedError.",
            "raise hybridroute.NotFittedError in score() while unfitted. If you passed an "
            "already-fitted classifier, pass it unfitted (the kit fits its own copy with "
            "fit_data); if it is meant to work untrained, declare requires_fit = False.",
        )


def check_does_not_mutate_input(clf: Classifier) -> None:
    """Scoring leaves the list of tickets, and every ticket in it, unchanged."""
    tickets = list(_sample())
    before_ids = [id(t) for t in tickets]
    before = [t.model_dump() for t in tickets]
    _valid_signals(clf, tickets, "a batch of tickets")
    changed = None
    if [id(t) for t in tickets] != before_ids:
        changed = "the list was reordered, shortened or had tickets replaced"
    else:
        for ticket, dumped in zip(tickets, before, strict=True):
            if ticket.model_dump() != dumped:
                changed = f"ticket {ticket.id!r} was modified"
                break
    if changed:
        raise _violation(
            clf,
            f"changed its input while scoring: {changed}.",
            "score() treats its input as read-only: the router passes the same tickets "
            "to every classifier and into the decision.",
            "work on a copy (sorted(tickets, ...), list(tickets)) and never write to a "
            "ticket's fields or its metadata dict.",
        )


def check_thread_safe(clf: Classifier) -> None:
    """Scoring from several threads at once gives the same signals as one at a time.

    Skipped when the classifier declares ``thread_safe = False``.
    """
    tags = classifier_tags(clf)
    if not tags.thread_safe:
        raise CheckSkipped(f"{_label(clf)} declares thread_safe = False")
    if not tags.deterministic:
        raise CheckSkipped(f"{_label(clf)} declares deterministic = False")
    sample = list(_sample())
    batches = [sample[i::THREADS] for i in range(THREADS)]
    expected = [_valid_signals(clf, batch, "a batch of tickets") for batch in batches]
    barrier = threading.Barrier(THREADS, timeout=60)

    def work(thread: int) -> str | None:
        barrier.wait()
        for round_ in range(ROUNDS_PER_THREAD):
            which = (thread + round_) % len(batches)
            got = list(clf.score(batches[which]))
            found = _difference(batches[which], expected[which], got)
            if found:
                return found
        return None

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, so races show up quickly
    try:
        with ThreadPoolExecutor(THREADS) as pool:
            results = list(pool.map(work, range(THREADS)))
    except Exception as exc:
        raise _violation(
            clf,
            f"raised {type(exc).__name__} when scoring from {THREADS} threads at once: {exc}",
            "a classifier is thread-safe unless it declares thread_safe = False: "
            "one router is shared by the threads of a service.",
            "keep per-call data in local variables, not on self; guard lazily built "
            "caches with a lock; or declare thread_safe = False.",
        ) from exc
    finally:
        sys.setswitchinterval(interval)
    found = next((r for r in results if r), None)
    if found:
        raise _violation(
            clf,
            f"gave wrong signals when scoring from {THREADS} threads at once ({found}).",
            "a classifier is thread-safe unless it declares thread_safe = False: "
            "one router is shared by the threads of a service.",
            "keep per-call data in local variables, not on self; guard lazily built "
            "caches with a lock; or declare thread_safe = False.",
        )


CLASSIFIER_CHECKS: tuple[Callable[[Classifier], None], ...] = (
    check_has_name_and_score,
    check_one_signal_per_ticket,
    check_signals_in_ticket_order,
    check_confidences_in_range,
    check_probabilities_sum_to_one,
    check_labels_among_classes,
    check_deterministic,
    check_batch_matches_single,
    check_whitespace_padded_text,
    check_very_long_text,
    check_non_ascii_text,
    check_emoji_text,
    check_mixed_language_text,
    check_pickle_round_trip,
    check_unfitted_raises_not_fitted,
    check_does_not_mutate_input,
    check_thread_safe,
)
"""Every check of the classifier contract, in the order :func:`check_classifier` runs them."""

_RUN_ON_UNFITTED = frozenset({check_unfitted_raises_not_fitted})


# -- running the checks -------------------------------------------------------------


class _UnderTest:
    """A classifier under test: the caller's object stays untouched; checks get copies."""

    def __init__(self, clf: Classifier, fit_data: FitData | None) -> None:
        self.original = clf
        self.fit_data = fit_data
        self._fitted: Classifier | ContractViolation | None = None
        self._lock = threading.Lock()

    def _fit(self) -> Classifier:
        clf = _copy(self.original)
        fit = getattr(clf, "fit", None)
        wanted = classifier_tags(clf).requires_fit or self.fit_data is not None
        if not (callable(fit) and wanted):
            return clf
        texts, labels = self.fit_data if self.fit_data is not None else default_fit_data()
        source = "the given fit_data" if self.fit_data is not None else "default_fit_data()"
        try:
            fitted = fit(list(texts), list(labels))
        except Exception as exc:
            raise ContractViolation(
                f"{_label(clf)} could not be fitted on {source}: {type(exc).__name__}: {exc}\n"
                "How to fix it: pass fit_data=(texts, labels) that suit this classifier."
            ) from exc
        fitted_self = fitted is clf
        if not fitted_self:
            raise _violation(
                clf,
                f"returned {type(fitted).__name__} from fit() instead of itself.",
                "fit(X, y) trains the classifier in place and returns self.",
                "end fit() with `return self`.",
            )
        return clf

    def subject_for(self, check: Callable[[Classifier], None]) -> Classifier:
        """A fresh copy for one check: unfitted, or fitted (once, then copied)."""
        if check in _RUN_ON_UNFITTED:
            return _copy(self.original)
        with self._lock:
            if self._fitted is None:
                try:
                    self._fitted = self._fit()
                except ContractViolation as exc:
                    self._fitted = exc  # report it to every check without refitting
            fitted = self._fitted
        if isinstance(fitted, ContractViolation):
            raise fitted
        return _copy(fitted)


def _selected(checks: Iterable[str | Callable[[Classifier], None]] | None) -> list[Any]:
    if checks is None:
        return list(CLASSIFIER_CHECKS)
    by_name = {c.__name__: c for c in CLASSIFIER_CHECKS}
    chosen = []
    for item in checks:
        name = item if isinstance(item, str) else item.__name__
        if name not in by_name:
            raise UsageError(f"no classifier check named {name!r}; choose among {sorted(by_name)}")
        chosen.append(by_name[name])
    return chosen


def check_classifier(
    clf: Classifier,
    *,
    fit_data: FitData | None = None,
    checks: Iterable[str | Callable[[Classifier], None]] | None = None,
) -> dict[str, str]:
    """Run the classifier contract checks on ``clf`` and report every failure at once.

    Parameters
    ----------
    clf : classifier
        Anything with ``name`` and ``score(tickets)``. Pass trainable classifiers
        unfitted: the kit fits a copy (``clf`` itself is never modified).
    fit_data : (texts, labels), optional
        Training data for trainable classifiers; by default :func:`default_fit_data`
        for those that require fitting. Given explicitly, it is also used to fit
        classifiers that declare ``requires_fit = False``.
    checks : iterable of str or check functions, optional
        Run only these checks (by name or function); all of
        :data:`CLASSIFIER_CHECKS` by default.

    Returns
    -------
    dict of str to str
        Each check's name mapped to ``"passed"`` or ``"skipped: <reason>"``.

    Raises
    ------
    ContractViolation
        If any check failed; the message holds every failed check's explanation.

    Examples
    --------
    >>> from hybridroute import SentimentScorer
    >>> results = check_classifier(SentimentScorer())
    >>> results["check_deterministic"]
    'passed'
    >>> results["check_probabilities_sum_to_one"]
    "skipped: SentimentScorer('sentiment') has no predict_proba"
    """
    under_test = _UnderTest(clf, fit_data)
    results: dict[str, str] = {}
    failures: list[str] = []
    for check in _selected(checks):
        try:
            check(under_test.subject_for(check))
        except CheckSkipped as skip:
            results[check.__name__] = f"skipped: {skip}"
        except AssertionError as exc:
            failures.append(f"{check.__name__}: {exc}")
        else:
            results[check.__name__] = "passed"
    if failures:
        total = len(failures) + len(results)
        head = f"{_label(clf)} failed {len(failures)} of {total} classifier contract checks"
        raise ContractViolation("\n\n".join([head + ":", *failures]))
    return results


class _BoundCheck:
    """One check bound to one classifier under test; what parametrize_with_checks yields."""

    def __init__(self, check: Callable[[Classifier], None], under_test: _UnderTest) -> None:
        self.check = check
        self.under_test = under_test
        self.__name__ = check.__name__
        self.__doc__ = check.__doc__

    def __call__(self, clf: Classifier) -> None:
        under_test = self.under_test
        if clf is not under_test.original:
            under_test = _UnderTest(clf, under_test.fit_data)
        try:
            self.check(under_test.subject_for(self.check))
        except CheckSkipped as skip:
            import pytest

            pytest.skip(str(skip))

    def __repr__(self) -> str:
        return self.check.__name__


def parametrize_with_checks(
    classifiers: Sequence[Classifier], *, fit_data: FitData | None = None
) -> pytest.MarkDecorator:
    """A pytest decorator giving one test per (classifier, check), like scikit-learn's.

    The test function takes two arguments, ``classifier`` and ``check``, and calls
    ``check(classifier)``. Test ids read ``IntentClassifier(intent)-check_emoji_text``.
    Each trainable classifier is fitted once (lazily, at its first check), on a copy.

    Parameters
    ----------
    classifiers : sequence of classifiers
        Pass trainable ones unfitted; see :func:`check_classifier`.
    fit_data : (texts, labels), optional
        Training data for trainable classifiers, as in :func:`check_classifier`. It
        is given to every trainable classifier in the list, so group classifiers by
        the data they learn from (intents, escalations...), one decorator per group.

    Returns
    -------
    pytest.MarkDecorator
        ``pytest.mark.parametrize("classifier, check", ...)``.

    Examples
    --------
    .. code-block:: python

        from hybridroute.testing import parametrize_with_checks

        @parametrize_with_checks([MyClassifier()])
        def test_contract(classifier, check):
            check(classifier)
    """
    import pytest

    params = []
    for clf in classifiers:
        under_test = _UnderTest(clf, fit_data)
        name = getattr(clf, "name", "?")
        for check in CLASSIFIER_CHECKS:
            params.append(
                pytest.param(
                    clf,
                    _BoundCheck(check, under_test),
                    id=f"{type(clf).__name__}({name})-{check.__name__}",
                )
            )
    return pytest.mark.parametrize(("classifier", "check"), params)
