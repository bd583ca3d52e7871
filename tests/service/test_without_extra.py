"""Without the ``service`` extra, ``audit`` still works and ``serve`` says what to install.

Each check runs in a fresh interpreter where starlette, uvicorn and httpx cannot be
imported (a ``None`` entry in ``sys.modules`` makes ``import`` fail), the way a core
install (``pip install hybridroute``) behaves.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import hybridroute
from hybridroute.service import EventKind, OutboxStore

BLOCK_EXTRAS = (
    "import sys\n"
    "for name in ('starlette', 'uvicorn', 'httpx'):\n"
    "    sys.modules[name] = None\n"
    "from hybridroute.cli.main import main\n"
    "raise SystemExit(main(sys.argv[1:]))\n"
)


def run_without_extra(*argv: str) -> subprocess.CompletedProcess[str]:
    src = str(Path(hybridroute.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([src, os.environ.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-c", BLOCK_EXTRAS, *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_audit_reads_the_database_without_the_service_extra(tmp_path: Path) -> None:
    db = tmp_path / "service.db"
    store = OutboxStore(db)
    store.add_event("e-1", "zendesk", "T-1", EventKind.TICKET, {"id": "e-1"})
    store.close()

    result = run_without_extra("audit", "--db", str(db), "--ticket", "T-1")

    assert result.returncode == 0, result.stderr
    assert "ticket T-1" in result.stdout
    assert "event.received" in result.stdout
    assert "ModuleNotFoundError" not in result.stderr


def test_serve_without_the_service_extra_names_the_extra_in_one_line(tmp_path: Path) -> None:
    config = tmp_path / "service.toml"
    config.write_text('database = "service.db"\n', encoding="utf-8")

    result = run_without_extra("serve", "--config", str(config))

    assert result.returncode != 0
    assert result.stdout == ""
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "pip install 'hybridroute[service]'" in result.stderr
    assert "Traceback" not in result.stderr
