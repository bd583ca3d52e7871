"""The policy algebra: composition, explanations, values, and misuse."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import hybridroute as hr
from hybridroute.policy import Condition, Context, condition_from_dict
from hybridroute.policy.conditions import All, AnyOf
from hybridroute.policy.scores import CertifiedThreshold, ConfidenceScore, MarginScore

TICKET = hr.Ticket(id="T", body="hello", channel="email", customer={"tier": "vip"})


def ctx(**signals: Any) -> Context:
    return Context(TICKET, signals)


def intent(label: str = "a", confidence: float = 0.9, margin: float = 0.5) -> hr.IntentSignal:
    return hr.IntentSignal(label=label, confidence=confidence, margin=margin)


def detection(*labels: str) -> hr.DetectionSignal:
    return hr.DetectionSignal(detected=bool(labels), labels=labels)


# -- strategies: random condition trees and random signal values -------------------------

atoms = st.one_of(
    st.floats(0, 1).map(lambda v: hr.signal("intent").confidence >= v),
    st.floats(0, 1).map(lambda v: hr.signal("score") < v),
    st.sampled_from(["a", "b", "c"]).map(lambda v: hr.signal("intent").label == v),
    st.sets(st.sampled_from(["fraud", "legal", "x"]), min_size=1).map(
        lambda v: hr.signal("risk").isin(v)
    ),
    st.just(hr.signal("risk")).map(lambda s: s & hr.ALWAYS),
    st.sampled_from(["email", "chat"]).map(lambda v: hr.field("channel") == v),
)


def _extend(children: st.SearchStrategy[Condition]) -> st.SearchStrategy[Condition]:
    return st.one_of(
        st.tuples(children, children).map(lambda p: p[0] & p[1]),
        st.tuples(children, children).map(lambda p: p[0] | p[1]),
        children.map(lambda c: ~c),
    )


conditions = st.recursive(atoms, _extend, max_leaves=8)

contexts = st.builds(
    lambda conf, label, score, risk: ctx(
        intent=intent(label, conf, 0.1),
        score=hr.ScoreSignal(value=score),
        risk=detection(*risk),
    ),
    st.floats(0, 1),
    st.sampled_from(["a", "b", "c"]),
    st.floats(0, 1),
    st.sets(st.sampled_from(["fraud", "legal", "x"])),
)


@settings(max_examples=300, deadline=None)
@given(conditions, conditions, contexts)
def test_operators_follow_boolean_algebra(a: Condition, b: Condition, c: Context) -> None:
    assert (a & b).matches(c) == (a.matches(c) and b.matches(c))
    assert (a | b).matches(c) == (a.matches(c) or b.matches(c))
    assert (~a).matches(c) == (not a.matches(c))
    assert (~(a & b)).matches(c) == ((~a) | (~b)).matches(c)  # De Morgan
    assert (~(a | b)).matches(c) == ((~a) & (~b)).matches(c)
    assert (~~a).matches(c) == a.matches(c)


@settings(max_examples=300, deadline=None)
@given(conditions, contexts)
def test_explanation_agrees_with_evaluation(a: Condition, c: Context) -> None:
    ok, reasons = a.explain(c)
    assert ok == a.matches(c)
    assert reasons and all(isinstance(r, str) and r for r in reasons)


@settings(max_examples=300, deadline=None)
@given(conditions, contexts)
def test_conditions_survive_dict_round_trip(a: Condition, c: Context) -> None:
    back = condition_from_dict(a.to_dict())
    assert back == a
    assert hash(back) == hash(a)
    assert back.matches(c) == a.matches(c)


@settings(max_examples=200, deadline=None)
@given(st.lists(conditions, min_size=1, max_size=5), contexts)
def test_first_matching_rule_wins(conds: list[Condition], c: Context) -> None:
    policy = hr.Policy(
        [hr.rule(cond, hr.handoff(f"q{i}")) for i, cond in enumerate(conds)],
        default=hr.handoff("default-queue"),
    )
    outcome = policy.decide(c.ticket, c.signals)
    first = next((i for i, cond in enumerate(conds) if cond.matches(c)), None)
    if first is None:
        assert outcome.rule == "default"
        assert outcome.action.queue == "default-queue"
    else:
        assert outcome.rule == f"rule-{first + 1}"
        assert outcome.action.queue == f"q{first}"


def test_comparison_explains_with_actual_values() -> None:
    cond = (hr.signal("intent").confidence >= 0.9) & (hr.signal("score") < 0.5)
    ok, reasons = cond.explain(ctx(intent=intent(confidence=0.95), score=hr.ScoreSignal(value=0.2)))
    assert ok
    assert reasons == ("intent.confidence = 0.95 >= 0.9", "score = 0.2 < 0.5")
    ok, reasons = cond.explain(ctx(intent=intent(confidence=0.5), score=hr.ScoreSignal(value=0.2)))
    assert not ok
    assert reasons == ("intent.confidence = 0.5 < 0.9",)


def test_missing_signal_never_satisfies_a_comparison() -> None:
    cond = hr.signal("intent").confidence >= 0.0
    assert not cond.matches(ctx())
    assert cond.explain(ctx())[1] == ("intent.confidence is missing",)


def test_isin_on_detection_means_any_label_and_on_intent_means_the_label() -> None:
    assert hr.signal("risk").isin({"fraud"}).matches(ctx(risk=detection("fraud", "legal")))
    assert not hr.signal("risk").isin({"dispute"}).matches(ctx(risk=detection("fraud")))
    assert hr.signal("intent").isin({"a", "b"}).matches(ctx(intent=intent("a")))
    assert not hr.signal("intent").isin({"b"}).matches(ctx(intent=intent("a")))


def test_bare_signal_means_detected() -> None:
    assert hr.rule(hr.signal("risk"), hr.handoff()).condition.matches(ctx(risk=detection("x")))
    assert not hr.rule(hr.signal("risk"), hr.handoff()).condition.matches(ctx(risk=detection()))


def test_bare_score_signal_is_refused_with_advice() -> None:
    cond = hr.rule(hr.signal("score"), hr.handoff()).condition
    with pytest.raises(hr.PolicyDefinitionError, match="compare it instead"):
        cond.matches(ctx(score=hr.ScoreSignal(value=0.3)))


def test_ticket_fields() -> None:
    assert (hr.field("customer.tier") == "vip").matches(ctx())
    assert (hr.field("channel") == "email").matches(ctx())
    assert not (hr.field("metadata.plan") == "pro").matches(ctx())
    with pytest.raises(hr.PolicyDefinitionError, match="start the path"):
        hr.field("colour")


@pytest.mark.parametrize(
    "misuse",
    [
        lambda: bool(hr.signal("intent").confidence >= 0.9),
        lambda: (hr.signal("a") > 0.1) and (hr.signal("b") > 0.2),
        lambda: not (hr.signal("a") > 0.1),
        lambda: 0.1 < hr.signal("a") < 0.5,
        lambda: bool(hr.signal("a")),
        lambda: hr.signal("a").isin("fraud"),
        lambda: hr.signal("a") > hr.signal("b"),
        lambda: hr.signal("a").between(0.9, 0.1),
        lambda: hr.signal("a").margin_of_error,
    ],
)
def test_misuse_raises_a_helpful_error(misuse: Any) -> None:
    with pytest.raises((hr.PolicyDefinitionError, AttributeError)):
        misuse()


def test_bool_misuse_message_says_what_to_write_instead() -> None:
    with pytest.raises(hr.PolicyDefinitionError, match=r"Combine them with &"):
        bool(hr.signal("a") > 0.1)


def test_policy_is_a_printable_comparable_serialisable_value() -> None:
    def make() -> hr.Policy:
        return hr.Policy(
            [
                hr.rule(hr.signal("human_request"), hr.handoff("general"), name="asked"),
                hr.rule(hr.signal("intent").confidence >= 0.9, hr.auto_reply()),
            ],
            default=hr.assist("general", tags=["check"]),
            name="support",
            version="3",
        )

    a, b = make(), make()
    assert a == b and hash(a) == hash(b) and a.fingerprint == b.fingerprint
    assert hr.Policy.from_dict(a.to_dict()) == a
    text = str(a)
    assert "1. asked: when signal('human_request')" in text
    assert "otherwise -> assist('general'" in text
    changed = hr.Policy(a.rules[:1], default=a.default, name="support", version="3")
    assert changed != a and changed.fingerprint != a.fingerprint


def test_policy_refuses_malformed_definitions() -> None:
    with pytest.raises(hr.PolicyDefinitionError, match="unique"):
        hr.Policy(
            [
                hr.rule(hr.ALWAYS, hr.handoff(), name="x"),
                hr.rule(hr.ALWAYS, hr.handoff(), name="x"),
            ],
            default=hr.handoff(),
        )
    with pytest.raises(hr.PolicyDefinitionError, match=r"hr\.rule"):
        hr.Policy([hr.signal("a") > 1], default=hr.handoff())  # type: ignore[list-item]
    with pytest.raises(TypeError):
        hr.Policy([])  # type: ignore[call-arg]  # default is required: no silent default
    with pytest.raises(hr.ValidationError, match="queue"):
        hr.handoff("Not A Queue!")


def test_handoff_reason_leads_the_reasons() -> None:
    policy = hr.Policy(
        [hr.rule(hr.ALWAYS, hr.handoff(reason="VIP customers get a person"))], default=hr.handoff()
    )
    assert policy.decide(TICKET, {}).reasons == ("VIP customers get a person", "always")


# -- the walk over a tree: signals and certificates come from its leaves -----------------

Tree = tuple[Condition, frozenset[str], frozenset[str]]
"""A condition with the signals and certificates its leaves read, known independently."""

_names = st.sampled_from(["intent", "score", "risk", "other"])


def _leaf(cond: Condition, signals: set[str], certs: frozenset[str] = frozenset()) -> Tree:
    return cond, frozenset(signals), certs


leaves = st.one_of(
    st.tuples(_names, st.floats(0, 1)).map(lambda p: _leaf(hr.signal(p[0]).margin < p[1], {p[0]})),
    _names.map(lambda n: _leaf(hr.signal(n).isin({"x", 1}), {n})),
    _names.map(lambda n: _leaf(hr.rule(hr.signal(n), hr.handoff()).condition, {n})),
    st.sampled_from(["email", "chat"]).map(lambda v: _leaf(hr.field("channel") != v, set())),
    st.just(_leaf(hr.ALWAYS, set())),
    st.tuples(
        _names,
        st.one_of(st.none(), st.floats(0, 1)),
        st.sampled_from(["cert-1", "cert-2"]),
        st.sampled_from([ConfidenceScore, MarginScore]),
    ).map(
        lambda p: _leaf(
            CertifiedThreshold(p[3](signal=p[0]), p[1], p[2]), {p[0]}, frozenset({p[2]})
        )
    ),
)


def _combine(children: st.SearchStrategy[Tree]) -> st.SearchStrategy[Tree]:
    def join(a: Tree, b: Tree, cond: Condition) -> Tree:
        return cond, a[1] | b[1], a[2] | b[2]

    return st.one_of(
        st.tuples(children, children).map(lambda p: join(*p, p[0][0] & p[1][0])),
        st.tuples(children, children).map(lambda p: join(*p, p[0][0] | p[1][0])),
        children.map(lambda t: (~t[0], t[1], t[2])),
    )


trees = st.recursive(leaves, _combine, max_leaves=10)


@settings(max_examples=300, deadline=None)
@given(trees)
def test_signals_and_certificates_are_the_union_over_the_leaves(tree: Tree) -> None:
    cond, signals, certs = tree
    assert cond.signals_used() == signals
    assert cond.certificates() == certs
    leaf_nodes = [node for node in cond.walk() if not node.children()]
    assert frozenset().union(*(leaf.signals_used() for leaf in leaf_nodes)) == signals


@settings(max_examples=300, deadline=None)
@given(trees)
def test_every_condition_tree_survives_dict_round_trip(tree: Tree) -> None:
    cond, signals, certs = tree
    back = condition_from_dict(cond.to_dict())
    assert back == cond and hash(back) == hash(cond) and repr(back) == repr(cond)
    assert back.signals_used() == signals and back.certificates() == certs


def test_junctions_keep_their_names_reprs_and_serialised_form() -> None:
    a, b, c = hr.signal("x") > 1, hr.signal("y") < 2, hr.field("channel") == "chat"
    both, either = (a & b) & c, a | (b | c)
    assert type(both) is All and type(either) is AnyOf  # nested junctions flatten
    assert repr(both) == "(signal('x') > 1) & (signal('y') < 2) & (field('channel') == 'chat')"
    assert repr(either) == "(signal('x') > 1) | (signal('y') < 2) | (field('channel') == 'chat')"
    assert both.to_dict() == {"all": [a.to_dict(), b.to_dict(), c.to_dict()]}
    assert either.to_dict() == {"any": [a.to_dict(), b.to_dict(), c.to_dict()]}
    assert (a & b) != (a | b) and hash(a & b) == hash(b.__rand__(a))
    assert ((a | b) & c).children() == (a | b, c)


def test_a_condition_missing_a_method_cannot_be_instantiated() -> None:
    class Incomplete(Condition):
        def matches(self, ctx: Context) -> bool:
            return True

    with pytest.raises(TypeError, match="abstract"):
        Incomplete()  # type: ignore[abstract]


@pytest.mark.parametrize("build", [hr.handoff, hr.assist])
def test_an_unknown_priority_lists_the_valid_ones(build: Any) -> None:
    with pytest.raises(hr.PolicyDefinitionError, match=r"'critical'.*'low', 'normal', 'high'"):
        build("vip", priority="critical")
    assert build("vip", priority="urgent").priority is hr.Priority.URGENT
