"""``import hybridroute`` loads no optional extra (the edges import theirs when used)."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import hybridroute as hr

OPTIONAL = ("httpx", "starlette", "uvicorn", "matplotlib", "torch", "sentence_transformers", "dask")


def test_import_hybridroute_loads_no_optional_dependency() -> None:
    code = (
        "import sys, hybridroute, hybridroute.adapters; "
        f"print(sorted(m for m in {OPTIONAL!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def _loaded_after(statement: str, modules: tuple[str, ...]) -> list[str]:
    """Which of ``modules`` a fresh interpreter has loaded after running ``statement``."""
    code = f"import sys; {statement}; print(sorted(m for m in {modules!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return ast.literal_eval(out.stdout.strip())


def test_import_hybridroute_loads_neither_scikit_learn_nor_scipy() -> None:
    # Each costs about a second at import; only fitting, scoring and certifying need them.
    assert _loaded_after("import hybridroute", ("sklearn", "scipy", "joblib")) == []


def test_a_saved_classifier_loads_and_scores_in_a_fresh_interpreter(tmp_path: Path) -> None:
    # The lazy imports must not change what a saved model needs to come back.
    path = tmp_path / "intent.model"
    clf = hr.IntentClassifier(max_iter=200).fit(
        ["where is my card", "card not arrived", "refund please", "I want my money back"],
        ["card", "card", "refund", "refund"],
    )
    hr.save(clf, path)
    statement = (
        "import hybridroute as hr; "
        f"clf = hr.load({str(path)!r}); "
        "assert clf.score([hr.Ticket(id='T-1', body='my card has not arrived')])[0].label == 'card'"
    )
    assert "sklearn" in _loaded_after(statement, ("sklearn",))
