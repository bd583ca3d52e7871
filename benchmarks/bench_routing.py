"""Routing overhead: a router's batch routing versus bare scikit-learn predict_proba.

Both are measured in the same run on the same texts (BANKING77 test, 3,080
tickets), so the ratio is meaningful on a noisy machine. Three routers:

* intent only: the IntentClassifier and a one-rule policy; overhead of signals,
  policy and decisions over the bare model;
* full demo router: intent + sentiment + complexity + human request + risk, and
  the banking demo policy with templates;
* the same full router, one ticket at a time (what batching buys).

Run:  python benchmarks/bench_routing.py [--repeat 5]
Writes benchmarks/results/routing.json and prints a table.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from collections.abc import Callable
from pathlib import Path

import hybridroute as hr
from hybridroute.datasets import load_banking77
from hybridroute.demo.run import build_demo_router


def best_of(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "routing.json"))
    args = parser.parse_args()

    x_train, y_train = load_banking77("train", return_X_y=True)
    test = load_banking77("test")
    texts, tickets = test.texts, test.tickets
    clf = hr.IntentClassifier().fit(x_train, y_train)
    bare = clf.estimator  # the fitted scikit-learn Pipeline

    intent_only = hr.Router(
        [clf],
        hr.Policy(
            [hr.rule(hr.signal("intent").confidence >= 0.8, hr.auto_reply())],
            default=hr.handoff("general"),
        ),
        hr.TemplateResponder({label: "answer" for label in clf.classes_}),
    )
    full = build_demo_router(clf)
    single = tickets[:300]

    rows = {
        "sklearn predict_proba (baseline)": best_of(lambda: bare.predict_proba(texts), args.repeat),
        "router, intent only, batch": best_of(
            lambda: intent_only.route_batch(tickets), args.repeat
        ),
        "router, demo (5 classifiers), batch": best_of(
            lambda: full.route_batch(tickets), args.repeat
        ),
        "router, demo, one ticket at a time": best_of(
            lambda: [full.route(t) for t in single], max(1, args.repeat // 2)
        )
        * len(tickets)
        / len(single),
    }
    base = rows["sklearn predict_proba (baseline)"]
    print(f"{len(tickets):,} BANKING77 test tickets, best of {args.repeat}")
    print(f"{'what':<40} {'seconds':>8} {'tickets/s':>10} {'x baseline':>10}")
    for name, secs in rows.items():
        print(f"{name:<40} {secs:>8.3f} {len(tickets) / secs:>10,.0f} {secs / base:>10.2f}")
    result = {
        "n_tickets": len(tickets),
        "repeat": args.repeat,
        "machine": {
            "python": platform.python_version(),
            "cpu": platform.processor() or platform.machine(),
        },
        "seconds": rows,
        "ratio_to_baseline": {k: round(v / base, 3) for k, v in rows.items()},
        "note": "one-at-a-time timed on 300 tickets and scaled to the full set",
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
