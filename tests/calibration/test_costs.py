"""One cost model: calibration's MinCost, the backtest's CostModel and calibrate agree."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hybridroute.backtest import CostModel
from hybridroute.calibration import (
    Certificate,
    IntentOutcomes,
    MaxAutomation,
    MinCost,
    calibrate_outcomes,
)
from hybridroute.calibration.costs import expected_cost_per_ticket, routing_cost

price = st.floats(min_value=0.01, max_value=1000.0)
count = st.integers(min_value=0, max_value=10_000)


@given(human=price, error=price, automated=price, n_human=count, n_correct=count, n_wrong=count)
def test_min_cost_and_cost_model_price_tickets_the_same(
    human, error, automated, n_human, n_correct, n_wrong
) -> None:
    n = n_human + n_correct + n_wrong
    model = CostModel(human_cost=human, error_cost=error, automated_cost=automated)
    objective = MinCost(human_cost=human, error_cost=error, automated_cost=automated)
    total = model.cost(n_human=n_human, n_correct=n_correct, n_wrong=n_wrong)
    assert total == pytest.approx(n_human * human + n_correct * automated + n_wrong * error)
    assert routing_cost(objective, n_human=n_human, n_correct=n_correct, n_wrong=n_wrong) == total
    if n:
        rate = (n_correct + n_wrong) / n
        err = n_wrong / (n_correct + n_wrong) if n_correct + n_wrong else 0.0
        per_ticket = model.summarise(n_human=n_human, n_correct=n_correct, n_wrong=n_wrong)
        assert per_ticket.per_ticket == pytest.approx(
            expected_cost_per_ticket(objective, rate, err), rel=1e-9, abs=1e-9
        )


def test_the_per_ticket_cost_works_on_arrays_of_thresholds() -> None:
    objective = MinCost(human_cost=4.0, error_cost=30.0, automated_cost=0.5)
    rates, errs = np.array([0.0, 0.5, 1.0]), np.array([0.0, 0.1, 0.2])
    costs = expected_cost_per_ticket(objective, rates, errs)
    expected = [4.0, 0.5 * 4.0 + 0.5 * (0.1 * 30.0 + 0.9 * 0.5), 0.2 * 30.0 + 0.8 * 0.5]
    assert costs == pytest.approx(expected)


def _priced(certificate: Certificate, model: CostModel) -> float:
    n, n_auto, n_wrong = certificate.n_test, certificate.n_automated, certificate.errors
    summary = model.summarise(n_human=n - n_auto, n_correct=n_auto - n_wrong, n_wrong=n_wrong)
    return summary.per_ticket


def test_calibrate_minimises_the_cost_the_backtest_reports() -> None:
    rng = np.random.default_rng(5)
    n = 4000
    conf = rng.beta(5, 1, size=n)
    wrong = rng.uniform(size=n) > conf  # less confident, more often wrong
    predicted = ["card"] * n
    labels = ["pin" if w else "card" for w in wrong]
    outcomes = IntentOutcomes(conf, conf / 2, predicted, labels)
    prices = {"human_cost": 4.0, "error_cost": 60.0, "automated_cost": 0.5}
    cheapest = calibrate_outcomes(outcomes, alpha=0.05, delta=0.1, objective=MinCost(**prices))
    laxest = calibrate_outcomes(outcomes, alpha=0.05, delta=0.1, objective=MaxAutomation())
    model = CostModel(**prices)
    cert = cheapest.certificate
    assert cheapest.certified and laxest.certified
    assert _priced(cert, model) == pytest.approx(
        expected_cost_per_ticket(MinCost(**prices), cert.automation_rate, cert.error_rate)
    )
    assert _priced(cert, model) <= _priced(laxest.certificate, model)
    assert _priced(cert, model) < prices["human_cost"]
