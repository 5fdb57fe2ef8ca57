"""Concurrent writers: 20 agents each send one 100-operation sync batch (50 registrations, each
with its first payment) at the same instant to gunicorn (4 workers x 4 threads), then all resend
their batch at once (a replay: every operation must answer `duplicate`). On a scratch SQLite file
database and on a scratch PostgreSQL database, the pieces of benchmarks/load_test.py: the same
set-up, simulated agents (who resend what is unconfirmed until it is confirmed) and the
exactly-once check.

Prints per backend the 5xx answers, the exactly-once check (OK/FAIL), requests per second and
latency p50/p95 of the sync requests.

    .venv/bin/python -m benchmarks.concurrency_bench [--agents 20] [--visits 50]
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import sys
import tempfile
import threading
import time

from benchmarks._setup import PG_ADMIN_URL
from benchmarks.load_test import (
    Agent,
    Stats,
    exactly_once,
    first_month_price,
    free_port,
    prepare_database,
    start_gunicorn,
    verify,
    wait_healthy,
)


def run(backend: str, url: str, agents: int, visits: int) -> dict:
    prepare_database(url, agents)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    master = start_gunicorn(url, port, f"gunicorn-concurrency-{backend}.log")
    try:
        wait_healthy(base)
        stats, stop = Stats(), threading.Event()
        price = first_month_price(base)
        people = [Agent(i, base, stats, stop, price, 0.0) for i in range(agents)]
        for person in people:
            person.login()
            person.outbox = [op for _ in range(visits) for op in person.new_operations()]
        together = threading.Barrier(agents)

        def burst(person: Agent) -> None:
            batch = list(person.outbox)
            together.wait()
            results = person.send(batch, cut=False)
            if results is not None:
                person.record(batch, results)
            together.wait()
            replayed = person.send(batch, cut=False)  # every phone resends at once
            with stats.lock:
                for result in replayed or []:
                    stats.resend_answers[result["status"]] += 1
            person.drain()  # what a 5xx left unconfirmed, until it is confirmed

        threads = [threading.Thread(target=burst, args=(p,)) for p in people]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        elapsed = time.perf_counter() - started
    finally:
        os.killpg(master.pid, signal.SIGTERM)
        master.wait(timeout=30)
    latencies = sorted(stats.latencies)
    result = verify(url, stats)
    return {
        "backend": backend,
        "5xx": sum(n for kind, n in stats.errors.items() if kind.startswith("http 5")),
        "errors": dict(stats.errors),
        "replay answers": dict(stats.resend_answers),
        "requests": len(latencies),
        "req/s": len(latencies) / elapsed,
        "p50 ms": statistics.median(latencies) * 1000,
        "p95 ms": latencies[int(0.95 * (len(latencies) - 1))] * 1000,
        "stored": f"{result['workers stored']} participants, {result['payments stored']} payments",
        "exactly once": "OK" if exactly_once(result) else "FAIL",
        "check": result,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--visits", type=int, default=50, help="registration + payment pairs")
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for backend in args.backends.split(","):
            if backend == "sqlite":
                url = f"sqlite:///{tmp}/bench_concurrency.sqlite3"
            else:
                url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/bench_concurrency"
            rows.append(run(backend, url, args.agents, args.visits))
    print(
        f"{args.agents} agents x one {2 * args.visits}-operation sync batch at once, then the "
        "same batches again at once; gunicorn 4 workers x 4 threads"
    )
    for row in rows:
        if row["exactly once"] != "OK":
            print(f"  {row['backend']} check: {row['check']}")
        print(
            f"{row['backend']:>10}: 5xx {row['5xx']}  exactly-once {row['exactly once']}  "
            f"{row['req/s']:.1f} req/s  p50 {row['p50 ms']:.0f} ms  p95 {row['p95 ms']:.0f} ms  "
            f"({row['requests']} requests; stored {row['stored']}; replay answered "
            f"{row['replay answers'] or 'nothing'}; errors {row['errors'] or 'none'})"
        )
    return 0 if all(r["5xx"] == 0 and r["exactly once"] == "OK" for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
