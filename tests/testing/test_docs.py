"""docs/testing.md shows the example files verbatim and lists every classifier check."""

from __future__ import annotations

import builtins
import re
from pathlib import Path

from hybridroute.testing.checks import CLASSIFIER_CHECKS

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")
LISTING = re.compile(r"<!-- file: (\S+) -->\n```python\n(.*?)```\n", re.DOTALL)


def test_listings_are_the_example_files_verbatim() -> None:
    listed = {path: code for path, code in LISTING.findall(DOC)}
    assert sorted(listed) == [
        "examples/custom_classifier/keyword_classifier.py",
        "examples/custom_classifier/shop_routing.py",
        "examples/custom_classifier/tests/test_my_classifier.py",
        "examples/custom_classifier/tests/test_my_policy.py",
    ]
    for path, code in listed.items():
        assert code == (ROOT / path).read_text(encoding="utf-8"), f"{path} changed; update the doc"


def test_the_check_table_lists_every_check_with_a_broken_classifier_it_catches() -> None:
    rows = re.findall(r"^\| `(check_\w+)` \|.*\| (`\w+`[^|]*) \|$", DOC, re.MULTILINE)
    assert [name for name, _ in rows] == [c.__name__ for c in CLASSIFIER_CHECKS]
    broken = (Path(__file__).parent / "test_broken_classifiers.py").read_text(encoding="utf-8")
    for _, caught_by in rows:
        for name in re.findall(r"`(\w+)`", caught_by):
            if name[0].isupper() and not hasattr(builtins, name):
                assert f"class {name}(" in broken, f"{name} is not a broken classifier we test"
