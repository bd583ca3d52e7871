"""Hypothesis strategies for tickets and signals, for property-based tests.

Everything these strategies generate is valid: texts are 1 to ``max_size``
characters and never only whitespace, tickets always carry the customer's words,
and metadata survives a JSON round trip. They cover the whole of Unicode (except
lone surrogates, which cannot be encoded), emoji included.

This is the only module of :mod:`hybridroute.testing` that needs hypothesis
(``pip install hypothesis``, part of the ``test`` extra)::

    from hypothesis import given
    from hybridroute.testing.strategies import tickets

    @given(tickets())
    def test_router_never_drops_a_ticket(ticket):
        assert router.route(ticket).ticket_id == ticket.id
"""

from __future__ import annotations

from hypothesis import strategies as st

from hybridroute.models import (
    MAX_TEXT_LENGTH,
    Channel,
    Customer,
    DetectionSignal,
    IntentSignal,
    LabelScore,
    Message,
    Role,
    ScoreSignal,
    Signal,
    Ticket,
)

__all__ = [
    "customers",
    "detection_signals",
    "intent_signals",
    "messages",
    "score_signals",
    "signals",
    "texts",
    "tickets",
]

_ANY_CHARACTER = st.characters(exclude_categories=["Cs"])
_VISIBLE = st.characters(exclude_categories=["Cs", "Zs", "Zl", "Zp", "Cc"])
_LANGUAGES = ("en", "es", "fr", "de", "pt-BR", "it", "ja", "zh-Hans", "ar", "ru", "hi")
_probabilities = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)


def texts(*, min_size: int = 1, max_size: int = 200) -> st.SearchStrategy[str]:
    """Texts a :class:`~hybridroute.Message` accepts: any Unicode, not only whitespace.

    Parameters
    ----------
    min_size, max_size : int
        Length bounds, in characters (``max_size`` at most ``MAX_TEXT_LENGTH``).
    """
    if not 1 <= min_size <= max_size <= MAX_TEXT_LENGTH:
        raise ValueError(
            f"need 1 <= min_size <= max_size <= {MAX_TEXT_LENGTH}; got {min_size}, {max_size}"
        )

    def padded(parts: tuple[str, str, str]) -> str:
        before, word, after = parts
        room = max_size - len(word)
        text = before[: room // 2] + word + after[: room - room // 2]
        return text if len(text) >= min_size else text + "x" * (min_size - len(text))

    word = st.text(_VISIBLE, min_size=1, max_size=max(1, max_size))
    around = st.text(_ANY_CHARACTER, max_size=max_size)
    return st.tuples(around, word, around).map(padded)


def messages(
    *, roles: tuple[Role, ...] = tuple(Role), max_size: int = 200
) -> st.SearchStrategy[Message]:
    """Messages with any role (or those given), public or internal."""
    return st.builds(
        Message,
        text=texts(max_size=max_size),
        role=st.sampled_from(roles),
        public=st.booleans(),
    )


def customers() -> st.SearchStrategy[Customer]:
    """Customers with or without id, tier, language and previous contacts."""
    return st.builds(
        Customer,
        id=st.none() | st.text(_VISIBLE, min_size=1, max_size=20),
        tier=st.none() | st.sampled_from(["standard", "vip", "business"]),
        language=st.none() | st.sampled_from(_LANGUAGES),
        previous_contacts=st.integers(min_value=0, max_value=20),
    )


_metadata_values = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**53), max_value=2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
)


def tickets(*, max_messages: int = 5, max_size: int = 200) -> st.SearchStrategy[Ticket]:
    """Valid tickets: a body, a conversation, or both; with subject, channel, customer.

    Parameters
    ----------
    max_messages : int
        Most messages in the conversation.
    max_size : int
        Longest text of the body, each message and the subject.
    """

    @st.composite
    def build(draw: st.DrawFn) -> Ticket:
        body = draw(st.none() | texts(max_size=max_size))
        conversation = draw(st.lists(messages(max_size=max_size), max_size=max_messages))
        if body is None and not any(m.role is Role.CUSTOMER for m in conversation):
            body = draw(texts(max_size=max_size))
        return Ticket(
            id=draw(st.text(_VISIBLE, min_size=1, max_size=30)),
            body=body,
            subject=draw(st.none() | st.text(_ANY_CHARACTER, max_size=min(max_size, 1_000))),
            messages=tuple(conversation),
            channel=draw(st.sampled_from(Channel)),
            customer=draw(customers()),
            metadata=draw(st.dictionaries(st.text(max_size=15), _metadata_values, max_size=4)),
        )

    return build()


def intent_signals(
    labels: tuple[str, ...] = ("card_arrival", "refund", "fraud"),
) -> st.SearchStrategy[IntentSignal]:
    """Consistent intent signals: probabilities of ``labels`` summing to 1 (or an abstention)."""

    @st.composite
    def build(draw: st.DrawFn) -> IntentSignal:
        if draw(st.integers(min_value=0, max_value=9)) == 0:  # abstain one time in ten
            return IntentSignal(label=None, confidence=0.0, margin=0.0)
        weights = draw(st.lists(_probabilities, min_size=len(labels), max_size=len(labels)))
        total = sum(weights)
        proba = [w / total for w in weights] if total > 0 else [1 / len(labels)] * len(labels)
        ranked = sorted(zip(labels, proba, strict=True), key=lambda pair: -pair[1])
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        return IntentSignal(
            label=ranked[0][0],
            confidence=min(1.0, ranked[0][1]),
            margin=min(1.0, max(0.0, ranked[0][1] - runner_up)),
            alternatives=tuple(LabelScore(label=lb, probability=min(1.0, p)) for lb, p in ranked),
        )

    return build()


def score_signals() -> st.SearchStrategy[ScoreSignal]:
    """Score signals with any value in [0, 1]."""
    return st.builds(ScoreSignal, value=_probabilities)


def detection_signals(
    labels: tuple[str, ...] = ("fraud", "legal", "dispute"),
) -> st.SearchStrategy[DetectionSignal]:
    """Detection signals: nothing found (confidence 0), or some of ``labels`` found."""
    found = st.builds(
        DetectionSignal,
        detected=st.just(True),
        labels=st.lists(st.sampled_from(labels), min_size=1, unique=True).map(tuple),
        confidence=_probabilities,
    )
    return st.just(DetectionSignal(detected=False, confidence=0.0)) | found


def signals() -> st.SearchStrategy[Signal]:
    """Any signal: intent, score or detection."""
    return st.one_of(intent_signals(), score_signals(), detection_signals())
