"""Backtests count what a router would have done, ticket by ticket, exactly."""

from __future__ import annotations

import json

import numpy as np
import pytest

import hybridroute as hr
from hybridroute.backtest import (
    CostModel,
    PrecomputedSignals,
    ReplayRecords,
    backtest,
    policy_router,
)
from hybridroute.calibration import MinCost, clopper_pearson_interval
from hybridroute.calibration.costs import expected_cost_per_ticket

# text -> (what the scripted model predicts), label = the truth
HISTORY = [
    ("card 0.95", "card"),  # automated, right
    ("card 0.90", "card"),  # automated, right
    ("card 0.85", "pin"),  # automated, WRONG intent
    ("pin 0.99", "oos"),  # automated, WRONG: out of scope is never right
    ("pin 0.50", "pin"),  # below threshold -> general
    ("refund 0.99", "refund"),  # money rule -> billing
    ("card 0.10", "oos"),  # below threshold -> general (oos to a human)
]


def run(scripted, policy, history=HISTORY, **kwargs):
    texts = [t for t, _ in history]
    labels = [y for _, y in history]
    return backtest(policy_router([scripted], policy), texts, labels, **kwargs)


def test_counts_rates_and_interval(scripted, policy) -> None:
    result = run(scripted, policy)
    assert result.n_tickets == 7
    assert result.n_automated == 4
    assert result.n_wrong == 2
    assert result.automation_rate == pytest.approx(4 / 7)
    assert result.error_rate_automated == pytest.approx(0.5)
    assert result.error_interval == pytest.approx(clopper_pearson_interval(2, 4, 0.95))


def test_out_of_scope_counts_as_wrong_when_automated(scripted, policy) -> None:
    result = run(scripted, policy)
    assert result.n_out_of_scope == 2
    assert result.oos_to_human_rate == pytest.approx(0.5)
    # in-scope accuracy ignores out-of-scope tickets: 4 of the 5 in-scope are right
    assert result.accuracy == pytest.approx(4 / 5)


def test_handoffs_by_rule_and_queue(scripted, policy) -> None:
    result = run(scripted, policy)
    assert result.automated_by_rule == {"confident": 4}
    assert result.handoffs_by_rule == {"default": 2, "money": 1}
    assert result.handoffs_by_queue == {"general": 2, "billing": 1}


def test_per_intent_table(scripted, policy) -> None:
    rows = {row.intent: row for row in run(scripted, policy).per_intent}
    assert rows["card"].n == 2 and rows["card"].n_automated == 2 and rows["card"].errors == 0
    assert rows["pin"].n == 2 and rows["pin"].errors == 1 and rows["pin"].automated_share == 0.5
    # the wrong answer to the pin ticket was given as "card"; the oos one as "pin"
    assert rows["card"].wrongly_predicted_as == 1
    assert rows["oos"].errors == 1 and rows["oos"].automated_share == 0.5
    assert sum(r.n for r in rows.values()) == 7


def test_expected_cost_matches_the_min_cost_objective(scripted, policy) -> None:
    costs = CostModel(human_cost=4.0, error_cost=30.0, automated_cost=0.5)
    result = run(scripted, policy, costs=costs)
    assert result.cost is not None
    assert result.cost.total == pytest.approx(3 * 4.0 + 2 * 0.5 + 2 * 30.0)
    assert result.cost.all_human_total == pytest.approx(7 * 4.0)
    # the same accounting as calibration's MinCost objective, per ticket
    objective = MinCost(human_cost=4.0, error_cost=30.0, automated_cost=0.5)
    rate, err = 4 / 7, 0.5
    per_ticket = (1 - rate) * objective.human_cost + rate * (
        err * objective.error_cost + (1 - err) * objective.automated_cost
    )
    assert result.cost.per_ticket == pytest.approx(per_ticket)
    assert result.cost.per_ticket == pytest.approx(expected_cost_per_ticket(objective, rate, err))


def test_a_failing_classifier_sends_the_ticket_to_a_human(scripted, policy) -> None:
    result = run(scripted, policy, history=[*HISTORY, ("boom", "card")])
    assert result.n_tickets == 8
    assert result.handoffs_by_rule.get("failure") == 1
    assert result.records.failed.sum() == 1
    assert result.n_automated == 4


def test_to_dict_is_json_ready(scripted, policy) -> None:
    data = json.loads(
        json.dumps(run(scripted, policy, costs=CostModel(human_cost=1, error_cost=5)).to_dict())
    )
    for key in (
        "automation_rate",
        "error_rate_automated",
        "error_interval",
        "handoffs_by_queue",
        "per_intent",
        "curve",
        "cost",
        "oos_to_human_rate",
    ):
        assert key in data
    assert "records" not in data


def test_curve_is_over_the_score_alone(scripted, policy) -> None:
    curve = run(scripted, policy).curve
    rates = [p.automation_rate for p in curve]
    assert rates == sorted(rates) and rates[-1] == 1.0
    # the strictest point: only the 0.99 tickets, one right (refund) one oos (wrong)
    assert curve[0].automation_rate == pytest.approx(2 / 7) and curve[0].error_rate == 0.5


def picklable_history(scripted, copies: int):
    """Tickets and a router whose classifier worker processes can unpickle."""
    tickets = [hr.Ticket(id=f"T-{i}", body=text) for i, (text, _) in enumerate(HISTORY * copies)]
    labels = [y for _, y in HISTORY] * copies
    stored = dict(zip([t.id for t in tickets], scripted.score(tickets), strict=True))
    return tickets, labels, PrecomputedSignals(stored)


def comparable(result) -> dict:
    return result.to_dict(curve=False) | {
        "seconds": 0,
        "tickets_per_second": 0,
        "n_jobs": 0,
        "backend": "",
    }


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_parallel_batches_give_the_same_result(scripted, policy, backend) -> None:
    tickets, labels, clf = picklable_history(scripted, 30)
    router = policy_router([clf], policy)
    serial = backtest(router, tickets, labels, batch_size=16)
    parallel = backtest(router, tickets, labels, batch_size=16, n_jobs=2, backend=backend)
    assert comparable(parallel) == comparable(serial)
    np.testing.assert_array_equal(parallel.records.automated, serial.records.automated)
    assert parallel.backend == backend and parallel.n_jobs == 2


@pytest.mark.slow
def test_dask_backend_runs_the_same_code(scripted, policy) -> None:
    pytest.importorskip("distributed")
    tickets, labels, clf = picklable_history(scripted, 10)
    router = policy_router([clf], policy)
    serial = backtest(router, tickets, labels, batch_size=20)
    on_dask = backtest(router, tickets, labels, batch_size=20, n_jobs=2, backend="dask")
    assert on_dask.backend == "dask"
    assert comparable(on_dask) == comparable(serial)


def test_dask_backend_without_dask_says_what_to_install(scripted, policy, monkeypatch) -> None:
    import builtins

    real_import = builtins.__import__

    def no_distributed(name, *args, **kwargs):
        if name.split(".")[0] == "distributed":
            raise ImportError("No module named 'distributed'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_distributed)
    with pytest.raises(hr.UsageError, match=r"hybridroute\[dask\]"):
        run(scripted, policy, backend="dask", n_jobs=2)


def test_precomputed_signals_replay_without_the_model(scripted, policy) -> None:
    tickets = [hr.Ticket(id=f"T-{i}", body=t) for i, (t, _) in enumerate(HISTORY)]
    stored = dict(zip([t.id for t in tickets], scripted.score(tickets), strict=True))
    labels = [y for _, y in HISTORY]
    live = backtest(policy_router([scripted], policy), tickets, labels)
    replayed = backtest(policy_router([PrecomputedSignals(stored)], policy), tickets, labels)
    assert (replayed.n_automated, replayed.n_wrong) == (live.n_automated, live.n_wrong)
    # a ticket without a stored signal is a classifier failure: a human takes it
    extra = hr.Ticket(id="unknown", body="card 0.99")
    result = backtest(policy_router([PrecomputedSignals(stored)], policy), [extra], ["card"])
    assert result.n_automated == 0 and result.handoffs_by_rule == {"failure": 1}


def test_usage_errors_say_how_to_fix(scripted, policy) -> None:
    with pytest.raises(hr.UsageError, match="policy_router"):
        backtest(scripted, ["card 0.9"], ["card"])  # type: ignore[arg-type]
    with pytest.raises(hr.UsageError, match="one each"):
        backtest(policy_router([scripted], policy), ["card 0.9"], ["card", "pin"])
    with pytest.raises(hr.UsageError, match="backend"):
        run(scripted, policy, backend="spark", n_jobs=2)


def test_records_concat_keeps_codes_consistent(scripted, policy) -> None:
    whole = run(scripted, policy).records
    parts = [whole.take(np.arange(0, 3)), whole.take(np.arange(3, 7))]
    # re-encode each part with its own, smaller name tables, as a worker would
    rebuilt = [
        ReplayRecords.from_decisions(
            policy_router([scripted], policy).route_batch(
                [hr.Ticket(id=str(i), body=HISTORY[i][0]) for i in idx]
            ),
            [HISTORY[i][1] for i in idx],
        )
        for idx in (range(0, 3), range(3, 7))
    ]
    merged = ReplayRecords.concat(rebuilt)
    assert merged.label_names() == whole.label_names()
    assert merged.predicted_names() == whole.predicted_names()
    np.testing.assert_array_equal(merged.wrong, whole.wrong)
    assert len(ReplayRecords.concat(parts)) == 7
