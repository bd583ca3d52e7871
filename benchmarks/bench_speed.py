"""Speed: ``hybridroute evaluate`` on BANKING77 end to end, and a 1,000,000-ticket backtest.

1. End to end, as a user runs it: export BANKING77 train and test to ``text,label``
   CSV files, then time ``hybridroute evaluate --train ... --test ... --alpha 0.02
   --delta 0.1 --out ...`` in a fresh process (training, calibration with every
   method, the backtests, the report with its four plots). Target: under 2 minutes.
2. Backtest throughput: the BANKING77 test tickets resampled with replacement to
   ``--tickets`` (default 1,000,000), replayed through a router (the TF-IDF intent
   model trained on BANKING77 train, a certified-threshold policy) with
   ``hybridroute.backtest.backtest``, once with 1 worker and once with 2 (joblib
   loky processes), and with ``--dask`` also on a local 2-worker Dask cluster
   through joblib's dask backend. Every ticket is scored by the model: nothing is
   cached between duplicates.

Run:  nice python benchmarks/bench_speed.py [--tickets 1000000] [--dask]
Writes benchmarks/results/speed.json.
"""

from __future__ import annotations

import argparse
import csv
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _common import machine, write_json

import hybridroute as hr
from hybridroute.backtest import backtest, policy_router
from hybridroute.calibration import calibrate
from hybridroute.datasets import load_banking77


def export_csv(path: Path, texts: list[str], labels: list[str]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["text", "label"])
        writer.writerows(zip(texts, labels, strict=True))


def end_to_end(model: str, workdir: Path) -> dict:
    train, test = workdir / "train.csv", workdir / "test.csv"
    export_csv(train, *load_banking77("train", return_X_y=True))
    export_csv(test, *load_banking77("test", return_X_y=True))
    cli = Path(sys.executable).with_name("hybridroute")
    command = [
        str(cli),
        "evaluate",
        "--train",
        str(train),
        "--test",
        str(test),
        "--alpha",
        "0.02",
        "--delta",
        "0.1",
        "--out",
        str(workdir / f"out-{model}"),
        "--model",
        model,
        "--quiet",
    ]
    if model != "tfidf":
        command += [
            "--embedding-cache",
            str(Path(__file__).parent / ".cache" / "embeddings.sqlite"),
        ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    seconds = time.perf_counter() - started
    print(done.stdout)
    return {"model": model, "seconds": seconds, "command": " ".join(command[1:])}


def throughput(n_tickets: int, use_dask: bool) -> dict:
    train = load_banking77("train")
    test = load_banking77("test")
    clf = hr.IntentClassifier().fit(train.texts, train.labels)
    # certify on half of the test tickets, just to have a real certified policy to replay
    result = calibrate(clf, test.texts[::2], test.labels[::2], alpha=0.02, delta=0.1)
    policy = hr.Policy(
        [hr.rule(result.condition(), hr.auto_reply(), name="certified")],
        default=hr.handoff("general"),
    )
    router = policy_router([clf], policy)
    pick = np.random.default_rng(0).integers(0, len(test), size=n_tickets)
    tickets = [test.tickets[i] for i in pick]
    labels = [test.labels[i] for i in pick]
    runs = []
    settings = [("loky", 1), ("loky", 2)] + ([("dask", 2)] if use_dask else [])
    for backend, n_jobs in settings:
        bt = backtest(
            router, tickets, labels, n_jobs=n_jobs, backend=backend, batch_size=8192, progress=True
        )
        runs.append(
            {
                "backend": bt.backend,
                "n_jobs": n_jobs,
                "seconds": bt.seconds,
                "tickets_per_second": bt.tickets_per_second,
                "automation_rate": bt.automation_rate,
                "error_rate_automated": bt.error_rate_automated,
            }
        )
        print(
            f"  {backend} x{n_jobs}: {bt.seconds:.1f}s, {bt.tickets_per_second:,.0f} tickets/s, "
            f"automation {bt.automation_rate:.1%}, error {bt.error_rate_automated:.2%}",
            flush=True,
        )
    base = runs[0]["seconds"]
    for run in runs:
        run["speedup_vs_1_worker"] = base / run["seconds"]
    return {"n_tickets": n_tickets, "runs": runs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--models", default="tfidf,ensemble")
    parser.add_argument("--dask", action="store_true", help="also run on a local Dask cluster")
    parser.add_argument("--skip-end-to-end", action="store_true")
    args = parser.parse_args()
    info = machine()
    payload: dict = {"machine": info}
    if not args.skip_end_to_end:
        with tempfile.TemporaryDirectory() as tmp:
            payload["end_to_end"] = []
            for model in args.models.split(","):
                run = end_to_end(model, Path(tmp))
                payload["end_to_end"].append(run)
                print(f"end to end ({model}): {run['seconds']:.1f}s", flush=True)
    payload["backtest"] = throughput(args.tickets, args.dask)
    print(f"wrote {write_json('speed.json', payload)}")


if __name__ == "__main__":
    main()
