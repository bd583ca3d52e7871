"""Calibration end to end on simulated data where the true error rate is known."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import hybridroute as hr
from hybridroute.calibration import (
    CalibrationResult,
    CapacityCap,
    DriftWarning,
    IntentOutcomes,
    MinCost,
    TargetAutomation,
    calibrate_outcomes,
)

ALPHA, DELTA = 0.02, 0.1


def simulate(n: int, rng: np.random.Generator) -> IntentOutcomes:
    """Confidence ~ Beta(4, 1); a ticket is wrong with probability 0.15 * (1 - confidence)."""
    conf = rng.beta(4, 1, size=n)
    wrong = rng.uniform(size=n) < 0.15 * (1 - conf)
    predicted = np.where(wrong, "other", "right")
    return IntentOutcomes(conf, conf / 2, list(predicted), ["right"] * n)


def true_risk(threshold: float) -> float:
    """Error rate among tickets with confidence >= threshold under :func:`simulate`.

    E[0.15 (1 - S) | S >= t] with density 4 s^3 = 0.15 (1 - t^4 - 4/5 (1 - t^5)) / (1 - t^4).
    """
    t = threshold
    return 0.15 * (1 - t**4 - 0.8 * (1 - t**5)) / (1 - t**4)


def test_guarantee_holds_over_many_calibration_draws() -> None:
    """Share of draws whose certified threshold has true error > alpha stays <= delta."""
    rng = np.random.default_rng(2026)
    reps, violations, automated = 150, 0, []
    for rep in range(reps):
        result = calibrate_outcomes(simulate(1500, rng), alpha=ALPHA, delta=DELTA, random_state=rep)
        if result.threshold is not None:
            violations += true_risk(result.threshold) > ALPHA
            automated.append(1 - result.threshold**4)
    # 150 draws: a true violation rate of 0.1 exceeds 0.15 with probability < 5%.
    assert violations / reps <= 0.15
    # and it is not vacuous (the oracle automates 80%: true_risk(0.670) = 0.02)
    assert np.mean(automated) > 0.4


def test_two_mislabelled_top_tickets_do_not_zero_the_result() -> None:
    """Starting the sequence at the strictest threshold is fragile; our planned start is not."""
    from hybridroute.calibration.sequence import run_fixed_sequence

    ours, from_top = [], []
    for seed in range(20):
        rng = np.random.default_rng(seed)
        conf = rng.beta(4, 1, size=2000)
        predicted = np.where(rng.uniform(size=2000) < 0.15 * (1 - conf), "x", "a")
        predicted[np.argsort(-conf)[:2]] = "x"  # two wrong labels among the most confident
        outcomes = IntentOutcomes(conf, conf / 2, list(predicted), ["a"] * 2000)
        ours.append(calibrate_outcomes(outcomes, alpha=ALPHA, delta=DELTA).automation_rate)
        grid = np.sort(conf)[::-1][
            113::10
        ]  # strictest first, from the fewest tickets that could pass
        naive = run_fixed_sequence(conf, outcomes.errors, grid, ALPHA, DELTA)
        from_top.append(naive.rejected)
    assert sum(r == 0 for r in from_top) == 20  # measured: the naive order certifies nothing
    assert sum(r == 0 for r in ours) <= 5  # measured: 4 of 20
    assert np.median(ours) > 0.4  # measured: 0.47


def test_all_correct_certifies_everything() -> None:
    n = 1000
    outcomes = IntentOutcomes(np.linspace(0.5, 1, n), np.full(n, 0.5), ["a"] * n, ["a"] * n)
    result = calibrate_outcomes(outcomes, alpha=ALPHA, delta=DELTA)
    assert result.certified and result.automation_rate > 0.99 and result.error_rate == 0.0


def test_all_wrong_certifies_nothing_and_automates_nothing() -> None:
    n = 1000
    outcomes = IntentOutcomes(np.linspace(0.5, 1, n), np.full(n, 0.5), ["a"] * n, ["b"] * n)
    result = calibrate_outcomes(outcomes, alpha=ALPHA, delta=DELTA)
    assert not result.certified and result.threshold is None
    assert "Automate nothing" in result.certificate.statement()
    ctx = hr.policy.Context(
        hr.Ticket(id="T", body="x"),
        {"intent": hr.IntentSignal(label="a", confidence=1.0, margin=1.0)},
    )
    assert not result.condition().matches(ctx)


def test_tiny_set_says_why_it_cannot_certify() -> None:
    n = 60
    outcomes = IntentOutcomes(np.full(n, 0.99), np.full(n, 0.9), ["a"] * n, ["a"] * n)
    result = calibrate_outcomes(outcomes, alpha=ALPHA, delta=DELTA)
    assert not result.certified
    assert any("at least 114" in note for note in result.notes)


def test_out_of_scope_tickets_count_as_errors() -> None:
    outcomes = IntentOutcomes([0.9, 0.9], [0.5, 0.5], ["a", "a"], ["a", "oos"])
    assert outcomes.errors.tolist() == [False, True]


def test_objectives_choose_among_certified_thresholds() -> None:
    outcomes = simulate(3000, np.random.default_rng(3))
    best = calibrate_outcomes(outcomes, alpha=ALPHA, delta=DELTA)
    target = calibrate_outcomes(
        outcomes, alpha=ALPHA, delta=DELTA, objective=TargetAutomation(rate=0.2)
    )
    assert best.threshold in best.certified_thresholds
    assert target.threshold in best.certified_thresholds
    assert 0.2 <= target.automation_rate < best.automation_rate
    too_much = calibrate_outcomes(
        outcomes, alpha=ALPHA, delta=DELTA, objective=TargetAutomation(rate=0.999)
    )
    assert (
        too_much.threshold == best.threshold
        and "beyond what the guarantee allows" in too_much.notes[0]
    )
    cap = calibrate_outcomes(
        outcomes,
        alpha=ALPHA,
        delta=DELTA,
        objective=CapacityCap(tickets_per_hour=1000, human_capacity_per_hour=1),
    )
    assert "more tickets per hour" in cap.notes[-1]
    cheap_humans = calibrate_outcomes(
        outcomes,
        alpha=ALPHA,
        delta=DELTA,
        objective=MinCost(human_cost=0.01, error_cost=100, automated_cost=0.02),
    )
    assert cheap_humans.threshold is None


def test_per_intent_method_learns_offsets_and_keeps_one_test() -> None:
    rng = np.random.default_rng(11)
    n = 3000
    conf = rng.beta(6, 1, size=n)
    intents = rng.choice(["easy", "hard"], size=n)
    p_wrong = np.where(intents == "hard", 0.15, 0.005)
    wrong = rng.uniform(size=n) < p_wrong
    predicted = intents.tolist()
    labels = [("x" if w else p) for w, p in zip(wrong, predicted, strict=False)]
    outcomes = IntentOutcomes(conf, conf / 2, predicted, labels)
    glob = calibrate_outcomes(outcomes, alpha=ALPHA, delta=DELTA)
    per = calibrate_outcomes(outcomes, alpha=ALPHA, delta=DELTA, method="per_intent")
    assert per.certificate.score.kind == "correctness"
    offsets = per.certificate.score.intent_offsets  # type: ignore[union-attr]
    assert offsets["easy"] > offsets["hard"]
    assert per.automation_rate > glob.automation_rate


def test_result_round_trips_into_a_policy(tmp_path) -> None:  # type: ignore[no-untyped-def]
    result = calibrate_outcomes(simulate(2000, np.random.default_rng(5)), alpha=ALPHA, delta=DELTA)
    path = tmp_path / "cert.json"
    result.save(path)
    loaded = CalibrationResult.load(path)
    assert loaded == result
    policy = hr.Policy([hr.rule(loaded.condition(), hr.auto_reply())], default=hr.handoff())
    assert hr.Policy.from_dict(policy.to_dict()) == policy
    assert result.certificate.id in str(policy)
    t = result.threshold
    assert t is not None

    class Fixed:
        name = "intent"

        def score(self, tickets):  # type: ignore[no-untyped-def]
            return [
                hr.IntentSignal(label="a", confidence=float(x.body), margin=0.1) for x in tickets
            ]

    router = hr.Router([Fixed()], policy, hr.TemplateResponder({"a": "answer"}))
    above, below = router.route_batch(
        [hr.Ticket(id="A", body=str(min(t + 1e-9, 1.0))), hr.Ticket(id="B", body=str(t - 1e-3))]
    )
    assert above.automated and not below.automated
    assert result.certificate.id in above.reasons[0]
    # the decision names the certificate that vouches for it, as data
    assert above.certificates == (result.certificate.id,)
    assert below.certificates == ()
    combined = hr.Policy(
        [hr.rule(~hr.signal("intent").label.isin(["b"]) & loaded.condition(), hr.auto_reply())],
        default=hr.handoff(),
    )
    (again,) = hr.Router([Fixed()], combined, hr.TemplateResponder({"a": "x"})).route_batch(
        [hr.Ticket(id="A", body=str(min(t + 1e-9, 1.0)))]
    )
    assert again.certificates == (result.certificate.id,)


def test_drift_check_warns_only_on_drift() -> None:
    rng = np.random.default_rng(9)
    result = calibrate_outcomes(simulate(2000, rng), alpha=ALPHA, delta=DELTA)
    same = rng.beta(4, 1, size=2000)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert not result.check_drift(same).drifted
    shifted = rng.beta(2, 1, size=2000)
    with pytest.warns(DriftWarning, match="recalibrate"):
        report = result.check_drift(shifted)
    assert report.drifted and report.automation_rate_live < report.automation_rate_calibration


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"alpha": 0}, "alpha"), ({"delta": 1.5}, "delta"), ({"tune_fraction": 1}, "tune_fraction")],
)
def test_bad_arguments_say_what_is_wrong(kwargs: dict, match: str) -> None:
    with pytest.raises(hr.UsageError, match=match):
        calibrate_outcomes(simulate(100, np.random.default_rng(0)), **kwargs)


# Two risks at once: out-of-scope tickets (10%) score Beta(2, 3), lower than in-scope
# ones (Beta(4, 1), wrong with probability 0.08 * (1 - confidence)). Certifying the
# error alone lets about 7% of out-of-scope tickets through; certifying at least 97%
# of them to a human needs a stricter threshold.
OOS_SHARE, MIN_TO_HUMAN = 0.10, 0.97


def simulate_with_oos(n: int, rng: np.random.Generator) -> IntentOutcomes:
    oos = rng.uniform(size=n) < OOS_SHARE
    conf = np.where(oos, rng.beta(2, 3, size=n), rng.beta(4, 1, size=n))
    wrong = rng.uniform(size=n) < 0.08 * (1 - conf)
    predicted = np.where(wrong, "other", "right")
    labels = np.where(oos, "oos", "right")
    return IntentOutcomes(conf, conf / 2, list(predicted), list(labels))


def true_leak(t: float) -> float:
    """Share of out-of-scope tickets scoring >= t: 1 - I_t(2, 3) = 1 - (6t^2 - 8t^3 + 3t^4)."""
    return 1 - (6 * t**2 - 8 * t**3 + 3 * t**4)


def true_risk_with_oos(t: float) -> float:
    """Error among tickets automated at t: in-scope mistakes plus every out-of-scope ticket."""
    in_auto = (1 - OOS_SHARE) * (1 - t**4)
    in_wrong = (1 - OOS_SHARE) * 0.08 * (1 - t**4 - 0.8 * (1 - t**5))
    oos_auto = OOS_SHARE * true_leak(t)
    return (in_wrong + oos_auto) / (in_auto + oos_auto)


def test_joint_out_of_scope_guarantee_holds_over_many_draws() -> None:
    rng = np.random.default_rng(7)
    reps, violations, error_only_leaks, automated = 60, 0, [], []
    for rep in range(reps):
        data = simulate_with_oos(2500, rng)
        joint = calibrate_outcomes(
            data, alpha=ALPHA, delta=DELTA, random_state=rep, min_oos_to_human=MIN_TO_HUMAN
        )
        if rep < 15:
            alone = calibrate_outcomes(data, alpha=ALPHA, delta=DELTA, random_state=rep)
            error_only_leaks.append(1.0 if alone.threshold is None else true_leak(alone.threshold))
        if joint.threshold is not None:
            t = joint.threshold
            violations += true_leak(t) > 1 - MIN_TO_HUMAN or true_risk_with_oos(t) > ALPHA
            automated.append(OOS_SHARE * true_leak(t) + (1 - OOS_SHARE) * (1 - t**4))
    # the error certificate alone lets more out-of-scope tickets through than allowed
    assert np.mean(error_only_leaks) > 1 - MIN_TO_HUMAN
    # 60 draws: a true violation rate of 0.1 exceeds 0.2 with probability about 1%
    assert violations / reps <= 0.2
    # and it is not vacuous: leak 3% needs t ~ 0.80, which automates ~53%
    assert len(automated) >= 0.9 * reps and np.mean(automated) > 0.35


def test_joint_certificate_states_both_risks(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = simulate_with_oos(4000, np.random.default_rng(3))
    result = calibrate_outcomes(data, alpha=ALPHA, delta=DELTA, min_oos_to_human=MIN_TO_HUMAN)
    cert = result.certificate
    assert result.certified and cert.min_oos_to_human == MIN_TO_HUMAN
    assert cert.n_out_of_scope > 0
    assert cert.out_of_scope_automated <= cert.n_out_of_scope
    assert cert.oos_to_human_bound is not None and cert.oos_to_human_bound >= MIN_TO_HUMAN
    assert "out-of-scope tickets go to a human" in cert.statement()
    result.save(tmp_path / "cert.json")
    assert CalibrationResult.load(tmp_path / "cert.json").certificate == cert


def test_joint_certification_needs_out_of_scope_tickets() -> None:
    no_oos = simulate(500, np.random.default_rng(0))
    with pytest.raises(hr.UsageError, match="needs out-of-scope tickets"):
        calibrate_outcomes(no_oos, min_oos_to_human=0.97)
    with pytest.raises(hr.UsageError, match="min_oos_to_human"):
        calibrate_outcomes(simulate_with_oos(500, np.random.default_rng(0)), min_oos_to_human=1.0)


def test_too_few_out_of_scope_tickets_certifies_nothing_and_says_why() -> None:
    # about 40 out-of-scope tickets in the test split; 76 are needed for 97% at delta 0.1
    data = simulate_with_oos(500, np.random.default_rng(1))
    result = calibrate_outcomes(data, alpha=0.05, delta=DELTA, min_oos_to_human=MIN_TO_HUMAN)
    assert not result.certified and result.threshold is None
    assert any("out-of-scope tickets; certifying" in note for note in result.notes)
    assert "Nothing certified" in result.certificate.statement()
