"""``hybridroute evaluate`` on small CSV files: the contract users script against."""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest

import hybridroute as hr
from hybridroute.cli.main import main
from hybridroute.datasets import load_banking77, load_clinc150
from hybridroute.evaluation import intent_models

INTENTS = (
    "card_arrival",
    "exchange_rate",
    "lost_or_stolen_card",
    "passcode_forgotten",
    "top_up_failed",
    "verify_my_identity",
)
REQUIRED = (
    "automation_rate",
    "error_rate_automated",
    "certified",
    "alpha",
    "delta",
    "n_test",
    "n_calibration",
    "accuracy",
    "oos_to_human_rate",
    "certificate",
    "methods",
    "fallback_baseline",
)


def write_csv(path: Path, rows: list[tuple[str, str]], header=("text", "label")) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def rows_of(subset: str, per_intent: int) -> list[tuple[str, str]]:
    texts, labels = load_banking77(subset, return_X_y=True)
    taken: dict[str, int] = {}
    rows = []
    for text, label in zip(texts, labels, strict=True):
        if label in INTENTS and taken.get(label, 0) < per_intent:
            taken[label] = taken.get(label, 0) + 1
            rows.append((text, label))
    return rows


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("csv")
    oos = [t for t, y in zip(*load_clinc150("train", return_X_y=True), strict=True) if y == "oos"]
    train = rows_of("train", 45) + [(t, "oos") for t in oos[:60]]
    test = rows_of("test", 25) + [(t, "oos") for t in oos[:20]]  # seen in training
    return {
        "train": write_csv(folder / "train.csv", train),
        "test": write_csv(folder / "test.csv", test),
        "folder": folder,
    }


def evaluate(data: dict[str, Path], out: Path, *options: str, train: Path | None = None) -> int:
    """Exit code of ``hybridroute evaluate`` on the test CSVs; ``train`` replaces TRAIN.csv."""
    train_file = data["train"] if train is None else train
    argv = ["evaluate", "--train", str(train_file), "--test", str(data["test"]), "--out", str(out)]
    return main([*argv, *options, "--quiet"])


@pytest.fixture(scope="module")
def evaluated(data, tmp_path_factory) -> tuple[Path, int]:
    out = tmp_path_factory.mktemp("out")
    return out, evaluate(data, out, "--alpha", "0.1", "--delta", "0.1")


def test_writes_metrics_with_the_contract_keys(evaluated, data) -> None:
    out, code = evaluated
    assert code == 0
    metrics = json.loads((out / "metrics.json").read_text())
    for key in REQUIRED:
        assert key in metrics, key
    assert metrics["alpha"] == 0.1 and metrics["delta"] == 0.1
    assert metrics["n_test"] == 6 * 25 + 20
    assert metrics["n_calibration"] == round(0.2 * (6 * 45 + 60))
    assert isinstance(metrics["certified"], bool)
    assert set(metrics["methods"]) == {"global", "margin", "per_intent"}
    assert 0.0 <= metrics["accuracy"] <= 1.0
    assert (out / "report.html").exists() and len(list(out.glob("*.png"))) == 4


def test_out_of_scope_is_handed_off_and_counted_wrong_if_automated(evaluated) -> None:
    metrics = json.loads((evaluated[0] / "metrics.json").read_text())
    assert metrics["oos_training"] == "explicit class"
    # the oos test tickets are ones the model learned as out of scope: all go to a human
    assert metrics["oos_to_human_rate"] == 1.0
    assert metrics["handoffs_by_rule"].get("predicted_out_of_scope", 0) >= 20
    oos_row = next(r for r in metrics["per_intent"] if r["intent"] == "oos")
    assert oos_row["errors"] == oos_row["n_automated"]  # never counted as a right answer


def test_the_certified_threshold_can_be_loaded_into_a_policy(evaluated) -> None:
    out = evaluated[0]
    metrics = json.loads((out / "metrics.json").read_text())
    result = hr.CalibrationResult.load(out / "calibration.json")
    assert result.threshold == metrics["threshold"]
    assert result.certificate.id == metrics["certificate"]["id"]
    policy = hr.Policy([hr.rule(result.condition(), hr.auto_reply())], default=hr.handoff())
    assert policy.signals_used() == {"intent"}


def test_prints_the_certified_policy_next_to_the_hand_set_fallback(data, tmp_path, capsys) -> None:
    calibration = write_csv(tmp_path / "cal.csv", rows_of("train", 60)[-6 * 15 :])
    code = evaluate(data, tmp_path / "o", "--calibration", str(calibration), "--per-intent")
    assert code == 0
    printed = capsys.readouterr().out
    assert "hand-set fallback (0.3 / 0.1)" in printed and "certified, per_intent *" in printed
    metrics = json.loads((tmp_path / "o" / "metrics.json").read_text())
    assert metrics["method"] == "per_intent"
    assert metrics["n_calibration"] == 6 * 15  # the given file, not a split of train
    # tiny calibration set at alpha 0.02: nothing certified, nothing automated
    assert metrics["certified"] is False and metrics["automation_rate"] == 0.0


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("txt,label\nhello,card\n", r"line 1: missing column\(s\) text"),
        ("text,label\nhello,\n", r"line 2: empty label"),
        ("text,label\n", r"no data rows"),
        ("", r"the file is empty"),
    ],
)
def test_bad_csv_names_the_file_the_line_and_the_fix(data, tmp_path, capsys, content, expected):
    bad = tmp_path / "bad.csv"
    bad.write_text(content, encoding="utf-8")
    code = evaluate(data, tmp_path / "o", train=bad)
    err = capsys.readouterr().err
    assert code == 2
    assert str(bad) in err
    assert re.search(expected, err), err


def _latin1_csv(folder: Path) -> Path:
    latin = folder / "latin1.csv"
    latin.write_bytes("text,label\ncaf\xe9 card,card\n".encode("latin-1"))
    return latin


@pytest.mark.parametrize(
    ("make_file", "expected"),
    [
        (_latin1_csv, ("line 2: not valid UTF-8", "save the file as UTF-8")),
        (lambda folder: folder / "missing.csv", ("file not found",)),
    ],
    ids=["not-utf8", "missing"],
)
def test_unreadable_csv(data, tmp_path, capsys, make_file, expected) -> None:
    assert evaluate(data, tmp_path / "o", train=make_file(tmp_path)) == 2
    err = capsys.readouterr().err
    for phrase in expected:
        assert phrase in err, err


def test_help_lists_the_models(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["evaluate", "--help"])
    printed = capsys.readouterr().out
    for name in ("tfidf", "tfidf-svm", "minilm", "ensemble", "ensemble-oos", "best"):
        assert name in printed


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        ("ensemble", "pip install 'hybridroute[embeddings]'"),
        ("nope", "choose one of tfidf, tfidf-svm, minilm, ensemble, ensemble-oos, best"),
    ],
    ids=["not-installed", "unknown"],
)
def test_unavailable_model_says_what_to_do(data, tmp_path, capsys, monkeypatch, model, expected):
    monkeypatch.setattr(intent_models, "_installed", lambda module: False)
    assert evaluate(data, tmp_path / "o", "--model", model) == 2
    assert expected in capsys.readouterr().err
    # with no extra installed, best is the strongest TF-IDF model
    assert intent_models.resolve_model("best").name == "tfidf-svm"


def test_best_model_depends_on_out_of_scope_traffic(monkeypatch) -> None:
    monkeypatch.setattr(intent_models, "_installed", lambda module: True)
    assert intent_models.resolve_model("best").name == "ensemble"
    best = intent_models.resolve_model("best", out_of_scope_traffic=True)
    assert best.name == "ensemble-oos"
    # without the embeddings extra: the SVMs certify more on BANKING77, the plain
    # TF-IDF model on CLINC150's out-of-scope traffic
    monkeypatch.setattr(intent_models, "_installed", lambda module: False)
    assert intent_models.resolve_model("best").name == "tfidf-svm"
    assert intent_models.resolve_model("best", out_of_scope_traffic=True).name == "tfidf"


def test_too_few_out_of_scope_rows_to_certify_the_oos_target_says_so(data, tmp_path) -> None:
    out = tmp_path / "o"
    assert evaluate(data, out, "--alpha", "0.1", "--min-oos-to-human", "0.97") == 0
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["min_oos_to_human"] == 0.97
    assert metrics["certificate"]["min_oos_to_human"] == 0.97
    # about a dozen out-of-scope calibration rows: 97% cannot be shown, so nothing is certified
    assert metrics["certified"] is False and metrics["automation_rate"] == 0.0
    assert any("out-of-scope tickets; certifying" in n for n in metrics["calibration_notes"])


def test_no_drift_alarm_when_test_and_calibration_are_the_same_tickets(data, tmp_path) -> None:
    # tickets predicted out of scope are abstentions on both sides of the drift check
    out = tmp_path / "o"
    assert evaluate(data, out, "--calibration", str(data["test"]), "--alpha", "0.1") == 0
    metrics = json.loads((out / "metrics.json").read_text())
    drift = metrics["drift"]
    assert drift["checked"] and not drift["drifted"], drift["message"]
    abstained = metrics["handoffs_by_rule"]["predicted_out_of_scope"]
    assert abstained >= 20
    assert f"on {metrics['n_test'] - abstained} tickets" in drift["message"]


def with_empty_texts(source: Path, folder: Path) -> Path:
    """``source`` with two rows whose text is empty, at lines 3 and 5 of the file."""
    with source.open(newline="", encoding="utf-8") as f:
        rows = [tuple(row) for row in csv.reader(f)][1:]
    first, second, *rest = rows
    assert "\n" not in first[0] + second[0]  # one physical line each, so the numbers hold
    return write_csv(
        folder / "gappy.csv", [first, ("", "card_arrival"), second, (" ", "oos"), *rest]
    )


def test_rows_with_an_empty_text_are_skipped_and_reported(data, tmp_path, capsys) -> None:
    gappy = with_empty_texts(data["train"], tmp_path)
    out = tmp_path / "o"
    assert evaluate(data, out, "--alpha", "0.1", train=gappy) == 0
    printed = capsys.readouterr().out
    assert f"skipped 2 row(s) with an empty text in {gappy}: line(s) 3, 5" in printed
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["skipped_rows"]["train"] == {"file": str(gappy), "count": 2, "lines": [3, 5]}
    assert metrics["skipped_rows"]["test"]["count"] == 0
    assert "calibration" not in metrics["skipped_rows"]  # split off train, counted there
    assert metrics["n_train"] + metrics["n_calibration"] == 6 * 45 + 60


def test_strict_stops_at_the_first_empty_text(data, tmp_path, capsys) -> None:
    gappy = with_empty_texts(data["train"], tmp_path)
    assert evaluate(data, tmp_path / "o", "--strict", train=gappy) == 2
    err = capsys.readouterr().err
    assert f"{gappy}, line 3: empty text" in err
    assert not (tmp_path / "o" / "metrics.json").exists()
