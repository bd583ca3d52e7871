"""The report: metrics.json, a self-contained HTML page and readable PNG plots."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from hybridroute.backtest import ReplayRecords, summarise
from hybridroute.calibration import IntentOutcomes, calibrate_outcomes
from hybridroute.report import (
    expected_calibration_error,
    reliability_bins,
    top_confusions,
    write_report,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def records(n: int = 600, seed: int = 0) -> ReplayRecords:
    """Tickets over four intents (one with a name that needs HTML escaping) and oos."""
    rng = np.random.default_rng(seed)
    intents = ("<b>bold</b>", "card", "oos", "pin", "refund")
    label = rng.integers(0, 5, size=n).astype(np.int32)
    confidence = rng.beta(5, 1, size=n)
    wrong = rng.uniform(size=n) > confidence
    predicted = np.where(wrong, (label + 1) % 5, label).astype(np.int32)
    predicted[label == 2] = 1  # out of scope always looks like "card"
    automated = confidence >= 0.8
    return ReplayRecords(
        intents=intents,
        label=label,
        predicted=predicted,
        confidence=confidence,
        margin=confidence / 2,
        automated=automated,
        rules=("certified", "default"),
        rule=np.where(automated, 0, 1).astype(np.int32),
        queues=("general",),
        queue=np.where(automated, -1, 0).astype(np.int32),
        failed=np.zeros(n, dtype=bool),
    )


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    rec = records()
    outcomes = IntentOutcomes(rec.confidence, rec.margin, rec.predicted_names(), rec.label_names())
    calibration = calibrate_outcomes(outcomes, alpha=0.2, delta=0.1)
    result = summarise(rec)
    baseline = summarise(rec.take(np.arange(300)))
    out = tmp_path_factory.mktemp("report")
    files = write_report(
        out,
        result,
        alpha=0.2,
        delta=0.1,
        calibration=calibration,
        baselines={"hand-set <fallback>": baseline},
        oracle=(0.7, 0.19),
        metrics={"model": "test-model"},
        notes=("a note & more",),
    )
    return files, result, calibration


def test_writes_metrics_html_and_four_pngs(written) -> None:
    files, _, _ = written
    assert files.metrics.exists() and files.html.exists()
    assert len(files.figures) == 4
    for path in files.figures.values():
        data = path.read_bytes()
        assert data.startswith(PNG_MAGIC) and len(data) > 10_000
        assert path.parent == files.directory


def test_metrics_json_has_the_headline_numbers(written) -> None:
    files, result, calibration = written
    metrics = json.loads(files.metrics.read_text())
    assert metrics["automation_rate"] == pytest.approx(result.automation_rate)
    assert metrics["error_rate_automated"] == pytest.approx(result.error_rate_automated)
    assert metrics["certified"] is calibration.certified
    assert metrics["alpha"] == 0.2 and metrics["delta"] == 0.1
    assert metrics["n_test"] == 600
    assert metrics["oos_to_human_rate"] == pytest.approx(result.oos_to_human_rate)
    assert metrics["certificate"]["id"] == calibration.certificate.id
    assert metrics["model"] == "test-model"  # extra metrics are merged in


def test_html_is_self_contained_and_escaped(written) -> None:
    files, _, calibration = written
    html = files.html.read_text()
    for path in files.figures.values():
        assert f'src="{path.name}"' in html  # beside the page, by relative path
    assert "http://" not in html and "https://" not in html  # nothing fetched
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "hand-set &lt;fallback&gt;" in html and "a note &amp; more" in html
    assert calibration.certificate.statement().split(",")[0] in html
    assert "exchangeable" in html  # the assumption is stated


def test_importing_the_library_does_not_import_matplotlib_or_dask() -> None:
    code = (
        "import sys, hybridroute, hybridroute.backtest, hybridroute.report; "
        "print(sorted(m for m in ('matplotlib', 'dask', 'distributed') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_reliability_bins_measure_accuracy_per_confidence() -> None:
    conf = np.array([0.05, 0.15, 0.95, 0.95, 0.95, 1.0])
    correct = np.array([False, False, True, True, False, True])
    bins = reliability_bins(conf, correct, n_bins=10)
    assert [b.n for b in bins] == [1, 1, 4]
    assert bins[-1].accuracy == 0.75 and bins[-1].high == 1.0
    perfect = reliability_bins(np.full(10, 0.95), np.array([True] * 9 + [False] * 1))
    assert expected_calibration_error(perfect) == pytest.approx(0.05)


def test_top_confusions_picks_the_most_frequent_mix_ups() -> None:
    labels = ["a"] * 5 + ["b"] * 5 + ["c", "d"]
    predicted = ["b"] * 4 + ["a"] + ["a"] * 2 + ["b"] * 3 + ["d", None]
    table = top_confusions(labels, predicted, max_intents=2)
    assert table.intents == ("a", "b")
    assert table.pairs[0] == ("a", "b", 4)
    assert table.counts.tolist() == [[1, 4], [2, 3]]


def _pct2(x: float) -> str:
    return f"{100 * x:.2f}%"


def test_the_page_names_the_interval_level_of_the_backtest(written, tmp_path) -> None:
    assert "95% interval" in written[0].html.read_text()
    result = summarise(records(), confidence_level=0.9)
    files = write_report(tmp_path / "ninety", result, alpha=0.2, delta=0.1)
    html = files.html.read_text()
    low, high = result.error_interval
    assert "90% interval" in html and "95% interval" not in html
    assert f"{_pct2(low)} - {_pct2(high)}</td>" in html


def test_rows_at_different_levels_each_name_their_own(tmp_path) -> None:
    rec = records()
    ninety = summarise(rec, confidence_level=0.9)
    files = write_report(
        tmp_path / "mixed",
        ninety,
        alpha=0.2,
        delta=0.1,
        baselines={"at 99%": summarise(rec, confidence_level=0.99)},
    )
    html = files.html.read_text()
    assert "<th>interval</th>" in html
    low, high = ninety.error_interval
    assert f"{_pct2(low)} - {_pct2(high)} (90%)</td>" in html and " (99%)</td>" in html
