"""Crash test: kill -9 the service at random points while 1,000 webhooks arrive.

The service runs as a real process (``hybridroute serve``) on loopback. A sender
delivers 1,000 signed new-ticket events, plus redeliveries, retrying each until it
is acknowledged, the way helpdesks retry webhooks. Meanwhile the service is killed
with SIGKILL at random moments and restarted. At the end every ticket must have
exactly one outcome, in the audit log and in the helpdesk: no ticket lost, no
reply written twice. The helpdesk is a SQLite-backed one in its own file, so it
survives the kills like a hosted helpdesk would.
"""

from __future__ import annotations

import json
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from hybridroute.datasets import load_banking77
from hybridroute.service import OutboxStore, sign_hybridroute
from hybridroute.testing.sqlite_helpdesk import SqliteHelpdesk

N_TICKETS = 1000
REDELIVERIES = 150
MAX_KILLS = 6
SECRET = "crash-test-secret"

pytestmark = pytest.mark.integration


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(tmp: Path, port: int) -> Path:
    config = tmp / "service.toml"
    config.write_text(
        f"""
[service]
database = "service.db"
host = "127.0.0.1"
port = {port}

[router]
factory = "hybridroute.demo.service:build_router"

[adapter]
factory = "hybridroute.testing.sqlite_helpdesk:SqliteHelpdesk"
options = {{ path = "{tmp / "helpdesk.db"}" }}

[[endpoints]]
name = "hr"
scheme = "hybridroute"
secret_env = "CRASH_TEST_SECRET"
"""
    )
    return config


class Service:
    """Starts, kills and restarts ``hybridroute serve``."""

    def __init__(self, config: Path, port: int, log: Path) -> None:
        self.config, self.port, self.log = config, port, log
        self.proc: subprocess.Popen[bytes] | None = None
        self.kills = 0

    def start(self) -> None:
        env = {**os.environ, "CRASH_TEST_SECRET": SECRET}
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "hybridroute.cli.main",
                    "serve",
                    "--config",
                    str(self.config),
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.kills += 1

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def deliver_all(port: int, events: list[dict[str, str]], acknowledged: Counter[str]) -> None:
    """Send each event until the service acknowledges it (2xx), as helpdesks retry."""
    url = f"http://127.0.0.1:{port}/webhooks/hr"
    deadline = time.monotonic() + 600
    with httpx.Client(timeout=5.0) as client:
        for event in events:
            body = json.dumps(event).encode()
            headers = {
                **sign_hybridroute(SECRET.encode(), body),
                "content-type": "application/json",
            }
            while True:
                if time.monotonic() > deadline:
                    raise TimeoutError("service never acknowledged the webhooks")
                try:
                    response = client.post(url, content=body, headers=headers)
                except httpx.TransportError:
                    time.sleep(0.05)  # service down (killed or starting): retry
                    continue
                if response.status_code in (200, 202):
                    acknowledged[response.json()["status"]] += 1
                    break
                raise AssertionError(f"unexpected {response.status_code}: {response.text}")


def wait_until_idle(port: int, timeout: float = 180) -> dict[str, dict[str, int]]:
    deadline = time.monotonic() + timeout
    counts: dict[str, dict[str, int]] = {}
    while time.monotonic() < deadline:
        try:
            counts = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).json()
        except httpx.TransportError:
            time.sleep(0.2)
            continue
        if not counts["events"].get("received") and not counts["actions"].get("pending"):
            return counts
        time.sleep(0.2)
    raise TimeoutError(f"service did not finish: {counts}")


def test_kill_9_under_load_loses_nothing_and_sends_nothing_twice(tmp_path: Path) -> None:
    test = load_banking77("test")
    desk = SqliteHelpdesk(tmp_path / "helpdesk.db")
    ids = [f"T-{i}" for i in range(N_TICKETS)]
    desk.add_tickets(zip(ids, test.texts[:N_TICKETS], strict=False))
    rng = random.Random(20261123)
    events = [{"event_id": f"evt-{i}", "ticket_id": tid} for i, tid in enumerate(ids)]
    redelivered = [events[rng.randrange(N_TICKETS)] for _ in range(REDELIVERIES)]
    stream = events + redelivered
    rng.shuffle(stream)  # redeliveries arrive anywhere, some before the original

    port = free_port()
    service = Service(write_config(tmp_path, port), port, tmp_path / "service.log")
    acknowledged: Counter[str] = Counter()
    sender = threading.Thread(target=deliver_all, args=(port, stream, acknowledged))
    service.start()
    sender.start()
    try:
        while sender.is_alive() and service.kills < MAX_KILLS:
            time.sleep(rng.uniform(2.0, 6.0))  # includes the few seconds a start takes
            if sender.is_alive():
                service.kill()
                service.start()
        sender.join(timeout=600)
        assert not sender.is_alive(), "sender did not finish"
        counts = wait_until_idle(port)
    finally:
        service.stop()

    store = OutboxStore(tmp_path / "service.db")
    decided = {tid: store.decisions_for(tid) for tid in ids}
    per_ticket = Counter(len(d) for d in decided.values())
    outcomes = Counter(d[0].action.value for d in decided.values() if d)
    written: Counter[str] = Counter()
    duplicates_in_helpdesk = 0
    for tid in ids:
        markers = [text.rsplit("[hr:", 1)[-1] for _, text in desk.comments(tid)]
        duplicates_in_helpdesk += len(markers) - len(set(markers))
        decision = decided[tid][0]
        kinds = sorted(m.split(":")[-1].rstrip("]") for m in markers)
        expected = ["reply"] if decision.automated else ["note", "notice"]
        written["as planned" if kinds == expected else f"unexpected {kinds}"] += 1
    avoided = sum(
        1
        for e in store.audit_log()
        if e["kind"] == "action.done" and e["detail"]["receipt"]["duplicate"]
    )
    print(
        f"\ncrash test: {service.kills} kill -9 restarts, {len(stream)} deliveries "
        f"({dict(acknowledged)}), {N_TICKETS} tickets -> decisions per ticket {dict(per_ticket)}, "
        f"outcomes {dict(outcomes)}, helpdesk writes {dict(written)}, duplicate writes in "
        f"helpdesk {duplicates_in_helpdesk}, replays made harmless by idempotency keys {avoided}, "
        f"store {counts}"
    )
    assert service.kills >= 3, "the test must really kill the service several times"
    assert sum(acknowledged.values()) == len(stream)  # every delivery acknowledged
    assert per_ticket == Counter({1: N_TICKETS})  # exactly one decision per ticket
    assert written == Counter({"as planned": N_TICKETS})  # exactly the planned writes
    assert duplicates_in_helpdesk == 0
    assert counts["events"] == {"decided": N_TICKETS}
    assert set(counts["actions"]) == {"done"}
