"""Choose auto-reply thresholds from labelled data, with a finite-sample guarantee."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from hybridroute._version import __version__
from hybridroute.calibration.bounds import certified_error_bound, min_tickets_to_certify
from hybridroute.calibration.costs import expected_cost_per_ticket
from hybridroute.calibration.objectives import (
    CapacityCap,
    MaxAutomation,
    MinCost,
    Objective,
    TargetAutomation,
)
from hybridroute.calibration.result import (
    CalibrationResult,
    Certificate,
    RiskCoveragePoint,
    SequenceSummary,
)
from hybridroute.calibration.sequence import (
    LeakRisk,
    counts_at,
    plan_sequences,
    run_fixed_sequence,
)
from hybridroute.classifiers.base import Classifier, as_tickets
from hybridroute.datasets import OUT_OF_SCOPE
from hybridroute.exceptions import UsageError
from hybridroute.models import IntentSignal, Ticket
from hybridroute.policy.scores import (
    ConfidenceScore,
    CorrectnessScore,
    MarginScore,
    ScoreFunction,
)

__all__ = ["IntentOutcomes", "calibrate", "calibrate_outcomes", "intent_outcomes"]

Method = Literal["global", "margin", "per_intent"]


class IntentOutcomes:
    """Per-ticket intent predictions and whether automating each would be wrong.

    Attributes
    ----------
    confidence, margin : ndarray of float
        From each ticket's intent signal (0 when the classifier abstained).
    predicted : list of str or None
        The predicted intents.
    labels : list of str
        The true intents (``"oos"`` for out of scope).
    errors : ndarray of bool
        True where an automated answer would be wrong: a wrong intent, an
        abstention, or an out-of-scope ticket (never to be automated).
    """

    def __init__(
        self,
        confidence: Sequence[float] | NDArray[np.float64],
        margin: Sequence[float] | NDArray[np.float64],
        predicted: Sequence[str | None],
        labels: Sequence[str],
        *,
        out_of_scope: str = OUT_OF_SCOPE,
    ) -> None:
        n = len(labels)
        if not (len(confidence) == len(margin) == len(predicted) == n):
            raise UsageError(
                f"confidence ({len(confidence)}), margin ({len(margin)}), predicted "
                f"({len(predicted)}) and labels ({n}) must have one entry per ticket"
            )
        self.confidence = np.asarray(confidence, dtype=float)
        self.margin = np.asarray(margin, dtype=float)
        self.predicted = list(predicted)
        self.labels = [str(y) for y in labels]
        self.out_of_scope = out_of_scope
        self.errors = np.array(
            [
                p is None or y == out_of_scope or p != y
                for p, y in zip(self.predicted, self.labels, strict=False)
            ],
            dtype=bool,
        )

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, index: NDArray[np.int64]) -> IntentOutcomes:
        """The outcomes of the tickets at ``index``."""
        return IntentOutcomes(
            self.confidence[index],
            self.margin[index],
            [self.predicted[i] for i in index],
            [self.labels[i] for i in index],
            out_of_scope=self.out_of_scope,
        )

    def scores(self, fn: ScoreFunction) -> NDArray[np.float64]:
        """Each ticket's score under ``fn`` (abstentions score -inf: never automated)."""
        names = [p if p is not None else "" for p in self.predicted]
        out = fn.batch(self.confidence, self.margin, names)
        abstained = np.array([p is None for p in self.predicted])
        return np.where(abstained, -np.inf, out)

    @property
    def out_of_scope_mask(self) -> NDArray[np.bool_]:
        """True for the out-of-scope tickets."""
        return np.array([y == self.out_of_scope for y in self.labels], dtype=bool)

    def sha256(self) -> str:
        """A fingerprint of the outcomes (labels, predictions, confidences)."""
        digest = hashlib.sha256()
        for p, y, c in zip(self.predicted, self.labels, self.confidence, strict=False):
            digest.update(f"{p}\x1f{y}\x1f{c:.6f}\x1e".encode())
        return digest.hexdigest()


def intent_outcomes(
    classifier: Classifier,
    X: Iterable[str | Ticket],
    y: Iterable[Any],
    *,
    out_of_scope: str = OUT_OF_SCOPE,
) -> IntentOutcomes:
    """Score labelled tickets (or texts) with an intent classifier, in one batch."""
    tickets = as_tickets(X, prefix="calibration")
    labels = [str(label) for label in y]
    if len(tickets) != len(labels):
        raise UsageError(f"got {len(tickets)} tickets but {len(labels)} labels")
    signals = list(classifier.score(tickets))
    if not all(isinstance(s, IntentSignal) for s in signals):
        raise UsageError(
            f"classifier {classifier.name!r} does not produce intent signals; calibrate "
            "the intent classifier"
        )
    intents = [s for s in signals if isinstance(s, IntentSignal)]
    return IntentOutcomes(
        [s.confidence for s in intents],
        [s.margin for s in intents],
        [s.label for s in intents],
        labels,
        out_of_scope=out_of_scope,
    )


def _fit_correctness(tune: IntentOutcomes, C: float = 1.0) -> CorrectnessScore | None:
    """Learn P(correct | confidence, margin, intent) on the tuning split."""
    from sklearn.linear_model import LogisticRegression

    correct = ~tune.errors
    if correct.all() or not correct.any():
        return None
    intents = sorted({p for p in tune.predicted if p is not None})
    column = {label: i for i, label in enumerate(intents)}
    conf = np.clip(tune.confidence, 1e-6, 1 - 1e-6)
    onehot = np.zeros((len(tune), len(intents)))
    for row, p in enumerate(tune.predicted):
        if p is not None:
            onehot[row, column[p]] = 1.0
    features = np.column_stack([np.log(conf / (1 - conf)), tune.margin, onehot])
    model = LogisticRegression(C=C, max_iter=2000).fit(features, correct)
    coef = model.coef_[0]
    return CorrectnessScore(
        intercept=float(model.intercept_[0]),
        w_confidence=float(coef[0]),
        w_margin=float(coef[1]),
        intent_offsets={label: float(coef[2 + i]) for i, label in enumerate(intents)},
    )


def _choose(
    objective: Objective,
    certified: NDArray[np.float64],
    n_auto: NDArray[np.int64],
    n_err: NDArray[np.int64],
    n_total: int,
) -> tuple[int | None, list[str]]:
    """Index into ``certified`` (sorted strict to lax) that the objective picks."""
    rate = n_auto / n_total
    laxest = len(certified) - 1
    if isinstance(objective, MaxAutomation):
        return laxest, []
    if isinstance(objective, TargetAutomation):
        hit = np.flatnonzero(rate >= objective.rate)
        if hit.size:
            return int(hit[0]), []
        return laxest, [
            f"target automation {objective.rate:.1%} is beyond what the guarantee allows "
            f"({rate[laxest]:.1%}); using the laxest certified threshold"
        ]
    if isinstance(objective, CapacityCap):
        need = objective.min_automation
        hit = np.flatnonzero(rate >= need)
        if hit.size:
            return int(hit[0]), []
        overflow = (1 - rate[laxest]) * objective.tickets_per_hour
        overflow -= objective.human_capacity_per_hour
        return laxest, [
            f"capacity needs {need:.1%} automation but the guarantee allows {rate[laxest]:.1%}: "
            f"expect about {overflow:.0f} more tickets per hour than the team can handle"
        ]
    assert isinstance(objective, MinCost)
    err_rate = np.divide(n_err, np.maximum(n_auto, 1))
    cost = expected_cost_per_ticket(objective, rate, err_rate)
    best = int(np.argmin(cost))
    if objective.human_cost <= cost[best]:
        return None, ["automating costs more than handing off at every certified threshold"]
    return best, []


def _curve(
    scores: NDArray[np.float64], errors: NDArray[np.bool_], delta: float
) -> tuple[RiskCoveragePoint, ...]:
    finite = scores[np.isfinite(scores)]
    if finite.size == 0:
        return ()
    thresholds = np.unique(np.quantile(finite, np.linspace(0, 1, 101), method="higher"))[::-1]
    n, k = counts_at(scores, errors, thresholds)
    return tuple(
        RiskCoveragePoint(
            threshold=float(t),
            automation_rate=float(ni / scores.size),
            error_rate=float(ki / ni) if ni else 0.0,
            error_bound=certified_error_bound(int(ki), int(ni), delta),
        )
        for t, ni, ki in zip(thresholds, n, k, strict=False)
    )


def calibrate_outcomes(
    outcomes: IntentOutcomes,
    *,
    alpha: float = 0.02,
    delta: float = 0.1,
    method: Method = "global",
    objective: Objective | None = None,
    tune_fraction: float = 0.2,
    random_state: int = 0,
    grid_size: int = 200,
    backup_share: float = 0.1,
    min_oos_to_human: float | None = None,
    data_sha256: str | None = None,
) -> CalibrationResult:
    """Certify a threshold from precomputed outcomes; see :func:`calibrate`."""
    _check_arguments(alpha, delta, tune_fraction, len(outcomes))
    leak_limit = _check_oos_target(min_oos_to_human, outcomes)
    objective = objective or MaxAutomation()
    rng = np.random.default_rng(random_state)
    order = rng.permutation(len(outcomes))
    n_tune = round(tune_fraction * len(outcomes))
    tune, test = outcomes.subset(order[:n_tune]), outcomes.subset(order[n_tune:])
    notes: list[str] = []

    score_fn: ScoreFunction = ConfidenceScore() if method == "global" else MarginScore()
    if method == "per_intent":
        learned = _fit_correctness(tune)
        if learned is None:
            notes.append("tuning split has no errors (or no correct answers): used confidence")
            score_fn = ConfidenceScore()
        else:
            score_fn = learned

    s_tune, s_test = tune.scores(score_fn), test.scores(score_fn)
    tune_leak = test_leak = None
    if leak_limit is not None:
        tune_leak = LeakRisk(tune.out_of_scope_mask, leak_limit)
        test_leak = LeakRisk(test.out_of_scope_mask, leak_limit)
    sequences = plan_sequences(
        s_tune,
        tune.errors,
        alpha,
        delta,
        test_size=len(test),
        grid_size=grid_size,
        backup_share=backup_share,
        tune_leak=tune_leak,
    )
    runs = [
        run_fixed_sequence(s_test, test.errors, t, alpha, level, leak=test_leak)
        for t, level in sequences
    ]
    certified = np.array(sorted({t for r in runs for t in r.certified_thresholds}, reverse=True))
    needed = min_tickets_to_certify(alpha, delta)
    if len(test) < needed:
        notes.append(
            f"the test split has {len(test)} tickets; certifying alpha={alpha} at "
            f"delta={delta} needs at least {needed} automated tickets even with zero errors"
        )
    n_oos = int(test.out_of_scope_mask.sum())
    if leak_limit is not None:
        needed_oos = min_tickets_to_certify(leak_limit, delta)
        if n_oos < needed_oos:
            notes.append(
                f"the test split has {n_oos} out-of-scope tickets; certifying that at least "
                f"{min_oos_to_human:.1%} of them go to a human needs at least {needed_oos} "
                "even if none is automated: add labelled out-of-scope tickets"
            )

    chosen: float | None = None
    if certified.size:
        n_auto, n_err = counts_at(s_test, test.errors, certified)
        pick, more = _choose(objective, certified, n_auto, n_err, len(test))
        notes.extend(more)
        chosen = None if pick is None else float(certified[pick])
    else:
        notes.append("no threshold could be certified: automate nothing")

    cut = np.inf if chosen is None else chosen
    n_automated = int((s_test >= cut).sum())
    errors = int((test.errors & (s_test >= cut)).sum())
    oos_automated = int((test.out_of_scope_mask & (s_test >= cut)).sum())
    stamp = datetime.now(timezone.utc)
    core: dict[str, Any] = {
        "certified": bool(certified.size),
        "alpha": alpha,
        "delta": delta,
        "threshold": chosen,
        "score": score_fn,
        "n_calibration": len(outcomes),
        "n_tuning": len(tune),
        "n_test": len(test),
        "n_automated": n_automated,
        "errors": errors,
        "error_rate": errors / n_automated if n_automated else 0.0,
        "error_bound": certified_error_bound(errors, n_automated, delta),
        "automation_rate": n_automated / len(test) if len(test) else 0.0,
        "min_oos_to_human": min_oos_to_human,
        "n_out_of_scope": n_oos,
        "out_of_scope_automated": oos_automated,
        "oos_to_human_bound": (
            1.0 - certified_error_bound(oos_automated, n_oos, delta) if n_oos else None
        ),
        "sequences": tuple(
            SequenceSummary(
                start_threshold=r.thresholds[0] if r.thresholds else float("nan"),
                level=r.level,
                tested=min(r.rejected + 1, len(r.thresholds)),
                certified=r.rejected,
            )
            for r in runs
            if r.thresholds
        ),
        "data_sha256": data_sha256 or outcomes.sha256(),
        "created_at": stamp,
        "hybridroute_version": __version__,
    }
    digest = hashlib.sha256(repr(sorted((k, repr(v)) for k, v in core.items())).encode())
    certificate = Certificate(id=digest.hexdigest()[:12], **core)
    return CalibrationResult(
        certificate=certificate,
        objective=objective,
        threshold=chosen,
        automation_rate=certificate.automation_rate,
        error_rate=certificate.error_rate,
        certified_thresholds=tuple(float(t) for t in certified),
        curve=_curve(s_test, test.errors, delta),
        reference_scores=tuple(float(round(s, 6)) for s in s_test if np.isfinite(s)),
        notes=tuple(notes),
    )


def _check_oos_target(min_oos_to_human: float | None, outcomes: IntentOutcomes) -> float | None:
    """The leak limit ``1 - min_oos_to_human``, after checking it can be tested at all."""
    if min_oos_to_human is None:
        return None
    if not 0 < min_oos_to_human < 1:
        raise UsageError(
            "min_oos_to_human is the share of out-of-scope tickets that must go to a human, "
            f"strictly between 0 and 1 (for example 0.97); got {min_oos_to_human}"
        )
    if not outcomes.out_of_scope_mask.any():
        raise UsageError(
            f"min_oos_to_human needs out-of-scope tickets (label {outcomes.out_of_scope!r}) in "
            "the calibration data, in the share live traffic has; none were found. Add "
            "labelled out-of-scope tickets, or leave min_oos_to_human unset"
        )
    return 1.0 - min_oos_to_human


def _check_arguments(alpha: float, delta: float, tune_fraction: float, n: int) -> None:
    if not 0 < alpha < 1:
        raise UsageError(
            f"alpha is the error rate to certify, strictly between 0 and 1; got {alpha}"
        )
    if not 0 < delta < 1:
        raise UsageError(f"delta is the failure probability, strictly between 0 and 1; got {delta}")
    if not 0 < tune_fraction < 1:
        raise UsageError(f"tune_fraction must be strictly between 0 and 1; got {tune_fraction}")
    if n < 2:
        raise UsageError(f"calibration needs labelled tickets; got {n}")


def calibrate(
    classifier: Classifier,
    X: Iterable[str | Ticket],
    y: Iterable[Any],
    *,
    alpha: float = 0.02,
    delta: float = 0.1,
    method: Method = "global",
    objective: Objective | None = None,
    tune_fraction: float = 0.2,
    random_state: int = 0,
    out_of_scope: str = OUT_OF_SCOPE,
    eligible: Sequence[bool] | None = None,
    min_oos_to_human: float | None = None,
) -> CalibrationResult:
    """Certify an auto-reply threshold: at most ``alpha`` wrong, with probability ``1 - delta``.

    The labelled calibration tickets are split at random: a *tuning* part
    (``tune_fraction``) learns the score (for ``method="per_intent"``) and plans
    the tested sequence; the *test* part runs the fixed-sequence binomial tests.
    Only one family of tests touches the test part, so the guarantee is not split
    across intents.

    Parameters
    ----------
    classifier : intent classifier
        Fitted; must produce :class:`~hybridroute.IntentSignal`.
    X : iterable of str or Ticket
        Calibration tickets, never used for training.
    y : iterable
        Their true intents; ``"oos"`` marks out-of-scope tickets, which count as
        errors if automated.
    alpha : float
        Largest acceptable error rate among automated tickets.
    delta : float
        Largest acceptable probability that the guarantee fails.
    method : {"global", "margin", "per_intent"}
        Score to threshold: the intent's confidence, its margin over the runner-up,
        or a learned probability of being right with per-intent offsets.
    objective : MaxAutomation, TargetAutomation, MinCost or CapacityCap
        How to choose among the certified thresholds (default: automate the most).
    tune_fraction : float
        Share of the calibration tickets used for tuning.
    random_state : int
        Seed of the tuning/test split.
    out_of_scope : str
        Label of out-of-scope tickets.
    eligible : sequence of bool, optional
        Which tickets the rest of the policy would let the bot answer if the
        threshold were met (not risky, intent has a template...). Calibrate on
        exactly the population the threshold will gate: the guarantee then holds
        for the tickets actually automated. Default: all tickets.
    min_oos_to_human : float, optional
        Also certify that at least this share of out-of-scope tickets is handed to
        a human (for example 0.97), jointly with ``alpha`` at the same ``delta``:
        each tested threshold must pass both binomial tests. The calibration data
        must contain out-of-scope tickets in the share live traffic has. Default:
        out-of-scope tickets only count as errors.

    Returns
    -------
    CalibrationResult
        Use ``result.condition()`` in a policy rule; ``result.save(path)`` to keep it.

    Examples
    --------
    >>> result = hr.calibrate(clf, cal_texts, cal_labels, alpha=0.02, delta=0.1)  # doctest: +SKIP
    >>> policy = hr.Policy([hr.rule(result.condition(), hr.auto_reply())],
    ...                    default=hr.handoff("general"))  # doctest: +SKIP
    """
    tickets = as_tickets(X, prefix="calibration")
    labels = [str(label) for label in y]
    if eligible is not None:
        keep = list(eligible)
        if len(keep) != len(tickets):
            raise UsageError(f"eligible has {len(keep)} entries for {len(tickets)} tickets")
        tickets = [t for t, k in zip(tickets, keep, strict=False) if k]
        labels = [y for y, k in zip(labels, keep, strict=False) if k]
    outcomes = intent_outcomes(classifier, tickets, labels, out_of_scope=out_of_scope)
    digest = hashlib.sha256()
    for t, label in zip(tickets, labels, strict=False):
        digest.update(f"{t.text}\x1f{label}\x1e".encode())
    return calibrate_outcomes(
        outcomes,
        alpha=alpha,
        delta=delta,
        method=method,
        objective=objective,
        tune_fraction=tune_fraction,
        random_state=random_state,
        min_oos_to_human=min_oos_to_human,
        data_sha256=digest.hexdigest(),
    )
