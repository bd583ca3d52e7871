"""``import hybridroute`` loads no optional extra (the edges import theirs when used)."""

from __future__ import annotations

import subprocess
import sys

OPTIONAL = ("httpx", "starlette", "uvicorn", "matplotlib", "torch", "sentence_transformers", "dask")


def test_import_hybridroute_loads_no_optional_dependency() -> None:
    code = (
        "import sys, hybridroute, hybridroute.adapters; "
        f"print(sorted(m for m in {OPTIONAL!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
