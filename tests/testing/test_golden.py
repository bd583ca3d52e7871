"""Golden files: every changed decision is reported at once, and an update rewrites the file."""

from __future__ import annotations

from pathlib import Path

import pytest

import hybridroute as hr
from hybridroute.testing import GoldenChange, StubClassifier, check_golden, detected, intent
from hybridroute.testing.stubs import not_detected


def _risk(ticket: hr.Ticket) -> hr.DetectionSignal:
    return detected("fraud") if "stolen" in ticket.text else not_detected()


def _intent(ticket: hr.Ticket) -> hr.IntentSignal:
    return intent("card_arrival", 0.6 if "maybe" in ticket.text else 0.95)


def make_router(threshold: float = 0.9, vip_queue: str = "vip") -> hr.Router:
    policy = hr.Policy(
        [
            hr.rule(
                hr.signal("risk_topic").isin({"fraud"}),
                hr.handoff("risk", priority="high"),
                name="fraud",
            ),
            hr.rule(hr.field("customer.tier") == "vip", hr.handoff(vip_queue), name="vip"),
            hr.rule(hr.signal("intent").confidence >= threshold, hr.auto_reply(), name="confident"),
        ],
        default=hr.handoff("general"),
    )
    return hr.Router(
        [StubClassifier("intent", _intent), StubClassifier("risk_topic", _risk)],
        policy,
        hr.TemplateResponder({"card_arrival": "Cards arrive in 3-5 days."}),
    )


YAML = """\
- ticket: {id: T-1, body: "Where is my card?"}
  expected: {action: auto_reply, queue: null, priority: null, rule: confident}
- ticket: {id: T-2, body: "My card was stolen"}
  expected: {action: handoff, queue: risk, priority: high, rule: fraud}
- ticket: {id: T-3, body: "maybe my card is late", customer: {tier: vip}}
  expected: {action: handoff, queue: vip}
- ticket:
    id: T-4
    messages: [{text: "Hello"}, {text: "Thanks, bye", role: agent}]
  expected: {action: auto_reply}
"""

CSV = """\
id,body,customer.tier,action,queue,priority,rule
T-1,Where is my card?,,auto_reply,,,confident
T-2,My card was stolen,,handoff,risk,high,fraud
T-3,maybe my card is late,vip,handoff,vip,normal,vip
"""


@pytest.fixture
def yaml_file(tmp_path: Path) -> Path:
    path = tmp_path / "routing.yaml"
    path.write_text(YAML, encoding="utf-8")
    return path


@pytest.fixture
def csv_file(tmp_path: Path) -> Path:
    path = tmp_path / "routing.csv"
    path.write_text(CSV, encoding="utf-8")
    return path


def test_unchanged_decisions_pass(yaml_file: Path, csv_file: Path) -> None:
    assert check_golden(make_router(), yaml_file) == []
    assert check_golden(make_router(), csv_file) == []


def test_every_changed_decision_is_reported_in_one_failure(yaml_file: Path) -> None:
    with pytest.raises(AssertionError) as caught:
        check_golden(make_router(threshold=0.99, vip_queue="priority"), yaml_file)
    report = str(caught.value)
    assert report.startswith(
        "3 of 4 golden decisions changed:\n"
        "  T-1 'Where is my card?'\n"
        "      action: expected 'auto_reply', got 'handoff'\n"
        "      queue: expected None, got 'general'\n"
        "      priority: expected None, got 'normal'\n"
        "      rule: expected 'confident', got 'default'\n"
        "  T-3 'maybe my card is late'\n"
        "      queue: expected 'vip', got 'priority'\n"
        "  T-4 'Hello'\n"
        "      action: expected 'auto_reply', got 'handoff'\n"
    )
    assert f"({yaml_file})" in report
    assert "rerun with HYBRIDROUTE_UPDATE_GOLDEN=1" in report


def test_csv_reports_every_change_too(csv_file: Path) -> None:
    with pytest.raises(AssertionError) as caught:
        check_golden(make_router(vip_queue="priority"), csv_file)
    assert str(caught.value).startswith(
        "1 of 3 golden decisions changed:\n"
        "  T-3 'maybe my card is late'\n"
        "      queue: expected 'vip', got 'priority'\n"
    )


def test_update_rewrites_only_the_fields_each_case_checks(yaml_file: Path) -> None:
    changed = make_router(threshold=0.99, vip_queue="priority")
    changes = check_golden(changed, yaml_file, update=True)
    assert GoldenChange("T-3", "queue", "vip", "priority") in changes
    assert len(changes) == 6
    assert check_golden(changed, yaml_file) == []
    text = yaml_file.read_text(encoding="utf-8")
    assert text.startswith("# Golden decisions checked by hybridroute.testing.check_golden.")
    assert "queue: priority" in text
    # T-3 still checks only action and queue; its ticket is written as it was given.
    assert "  expected:\n    action: handoff\n    queue: priority\n- ticket:\n    id: T-4" in text
    assert "customer:\n      tier: vip" in text


def test_environment_variable_requests_an_update(
    csv_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HYBRIDROUTE_UPDATE_GOLDEN", "1")
    assert check_golden(make_router(vip_queue="priority"), csv_file) == [
        GoldenChange("T-3", "queue", "vip", "priority")
    ]
    assert csv_file.read_text(encoding="utf-8") == CSV.replace(
        ",vip,normal,vip", ",priority,normal,vip"
    )
    monkeypatch.delenv("HYBRIDROUTE_UPDATE_GOLDEN")
    assert check_golden(make_router(vip_queue="priority"), csv_file) == []


def test_new_cases_are_reported_then_recorded(tmp_path: Path) -> None:
    path = tmp_path / "new.csv"
    path.write_text("id,body\nT-1,My card was stolen\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"T-1 'My card was stolen'\n +no expected decision"):
        check_golden(make_router(), path)
    check_golden(make_router(), path, update=True)
    assert path.read_text(encoding="utf-8") == (
        "id,body,action,queue,priority,rule\nT-1,My card was stolen,handoff,risk,high,fraud\n"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("dupes.csv", "id,body,action\nT-1,a,handoff\nT-1,b,handoff\n", "repeated: \\['T-1'\\]"),
        (
            "typo.yaml",
            "- ticket: {id: T-1, body: a}\n  expected: {acton: handoff}\n",
            "unknown expected field\\(s\\) \\['acton'\\]",
        ),
        ("list.yaml", "ticket: {id: T-1}\n", "a list of"),
        ("table.json", "[]", "golden files are .yaml, .yml or .csv"),
        ("noid.csv", "body,action\na,handoff\n", "needs an 'id' column"),
    ],
)
def test_malformed_golden_files_are_usage_errors(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(hr.UsageError, match=message):
        check_golden(make_router(), path)


def test_missing_golden_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(hr.UsageError, match="does not exist"):
        check_golden(make_router(), tmp_path / "missing.yaml")
