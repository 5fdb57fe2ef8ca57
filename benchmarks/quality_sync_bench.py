"""What the enrolment quality check adds to a sync batch of 500 registrations.

    .venv/bin/python -m benchmarks.quality_sync_bench

The check runs as a batch's transaction commits (perisai.quality.hooks). Here it is taken out of
the commit and run right after it on the same participants, so the two are timed apart on this
(noisy) machine: the batch itself, then `check_registrations` on what it wrote, five rounds of
one agent's month growing by 500 each. Two kinds of batch: realistic (each participant its own
beneficiary phone, positions scattered over a district, forms of four minutes: few flags) and
the worst case the test payloads make (one beneficiary phone and no position for everyone:
every registration joins the two big flags). Target ≤ 10 % of the batch.
"""

from __future__ import annotations

import statistics
import time
import uuid

from sqlalchemy import event
from sqlalchemy.orm import Session

from benchmarks._setup import bench_app, login, seed_agent
from benchmarks.register_bench import unique_payloads
from benchmarks.sync_bench import registrations
from perisai.extensions import db
from perisai.quality import hooks
from perisai.quality.checks import check_registrations

ROUNDS = 5


def realistic(bodies: list[dict]) -> list[dict]:
    for n, body in enumerate(bodies):
        body["beneficiary"] = {**body["beneficiary"], "phone": f"0857{n:08d}"}
        body["location"] = {
            "lat": -6.9 - (n % 97) * 0.003,
            "lon": 109.7 + (n % 89) * 0.003,
            "accuracy_m": 12,
        }
        body["capture_seconds"] = 240
    return bodies


def run(backend: str, kind: str) -> None:
    with bench_app(backend, "bench_quality_sync") as app:
        client, headers = login(app, seed_agent(app))
        bodies = unique_payloads(500 * ROUNDS)
        if kind == "realistic":
            bodies = realistic(bodies)
        batch, check = [], []
        for n in range(ROUNDS):
            ops = registrations(bodies[n * 500 : (n + 1) * 500])
            started = time.perf_counter()
            answer = client.post("/api/v1/sync", json={"operations": ops}, headers=headers)
            batch.append(time.perf_counter() - started)
            ids = [uuid.UUID(r["entity"]["id"]) for r in answer.get_json()["results"]]
            with app.app_context():
                started = time.perf_counter()
                check_registrations(db.session, ids)
                db.session.commit()
                check.append(time.perf_counter() - started)
        b, c = statistics.median(batch), statistics.median(check)
        print(
            f"{backend:10s} {kind:10s} batch of 500 registrations {b * 1000:5.0f} ms, "
            f"quality check {c * 1000:4.0f} ms = {c / b:4.0%} of the batch"
        )


if __name__ == "__main__":
    event.remove(Session, "after_flush", hooks._note)
    event.remove(Session, "before_commit", hooks._check)
    for backend in ("sqlite", "postgresql"):
        for kind in ("realistic", "worst"):
            run(backend, kind)
