"""Quotes and payments per second, on SQLite and PostgreSQL (scratch database bench_contrib).

.venv/bin/python -m benchmarks.contributions_bench [count]

Two levels each: the operations alone (what the sync endpoint and sponsor batches call) and the
whole HTTP request in-process (login cookie, CSRF, schema, scope, commit).
"""

from __future__ import annotations

import sys
import uuid

from sqlalchemy import select

from benchmarks._setup import Timer, bench_app, login, seed_agent
from perisai import clock
from perisai.agents.models import Agent
from perisai.contributions.payments import record_payment
from perisai.contributions.quotes import quote_for_worker
from perisai.extensions import db
from perisai.workers.models import Worker
from tests.factories import make_worker


def make_workers(count: int) -> list[uuid.UUID]:
    agent = db.session.scalar(select(Agent).where(Agent.agent_code == "PRS-BENCH"))
    ids = [
        make_worker(db.session, agent, funding="apbd", has_jht=n % 2 == 0).id for n in range(count)
    ]
    db.session.commit()
    return ids


def run(backend: str, count: int) -> None:
    today = clock.today()
    with bench_app(backend, "bench_contrib") as app:
        username = seed_agent(app)
        with app.app_context():
            ops_ids, http_ids = make_workers(count), make_workers(count)
            workers = [db.session.get(Worker, w) for w in ops_ids]
            with Timer() as quotes:
                for worker in workers:
                    quote_for_worker(db.session, worker, 3, today)
            with Timer() as payments:
                for worker in workers:
                    total = quote_for_worker(db.session, worker, 3, today).total
                    record_payment(
                        db.session,
                        worker=worker,
                        data={
                            "id": uuid.uuid4(),
                            "months": 3,
                            "amount": total,
                            "paid_on": today,
                            "channel": "cash",
                        },
                    )
                    db.session.commit()
            db.session.remove()
        client, headers = login(app, username)
        with Timer() as http_quotes:
            totals = [
                client.get(f"/api/v1/workers/{w}/quote?months=3").get_json()["total"]
                for w in http_ids
            ]
        with Timer() as http_payments:
            for worker_id, total in zip(http_ids, totals, strict=True):
                response = client.post(
                    f"/api/v1/workers/{worker_id}/payments",
                    headers=headers,
                    json={
                        "id": str(uuid.uuid4()),
                        "months": 3,
                        "amount": total,
                        "paid_on": today.isoformat(),
                        "channel": "cash",
                    },
                )
                assert response.status_code == 201, response.get_json()
    print(
        f"{backend:10s} operations: {count / quotes.seconds:7.0f} quotes/s "
        f"{count / payments.seconds:6.0f} payments/s (quote + record + commit) | "
        f"HTTP: {count / http_quotes.seconds:6.0f} quotes/s "
        f"{count / http_payments.seconds:6.0f} payments/s   ({count} each)"
    )


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    for backend in ("sqlite", "postgresql"):
        run(backend, count)
