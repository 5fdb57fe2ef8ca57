"""Sync throughput: one POST /api/v1/sync with 500 operations, then the same batch replayed.

Two batches per backend: 500 registrations, and 250 registrations each followed by its first
payment (the typical day of an agent coming back into coverage). Target ≥ 250 operations/s.
.venv/bin/python -m benchmarks.sync_bench
"""

from __future__ import annotations

import uuid
from datetime import date

from benchmarks._setup import Timer, bench_app, login, seed_agent
from benchmarks.register_bench import unique_payloads


def registrations(bodies):
    return [
        {
            "op_id": str(uuid.uuid4()),
            "type": "worker.register",
            "payload": {**body, "id": str(uuid.uuid4())},
        }
        for body in bodies
    ]


def with_payments(ops, amount):
    out = []
    for op in ops:
        out.append(op)
        payment = {
            "id": str(uuid.uuid4()),
            "worker_id": op["payload"]["id"],
            "months": 1,
            "amount": amount,
            "paid_on": date.today().isoformat(),
            "channel": "cash",
        }
        out.append({"op_id": str(uuid.uuid4()), "type": "payment.record", "payload": payment})
    return out


def send(client, headers, ops, expected):
    with Timer() as timer:
        response = client.post("/api/v1/sync", json={"operations": ops}, headers=headers)
    results = response.get_json()["results"]
    statuses = {r["status"] for r in results}
    assert response.status_code == 200 and statuses == {expected}, (statuses, results[:2])
    return timer.seconds


def run(backend: str) -> None:
    bodies = unique_payloads(750)
    with bench_app(backend, "bench_sync") as app:
        client, headers = login(app, seed_agent(app))
        query = (
            "income_level=1000000&programs=JKK,JKM&sector=other&funding=self"
            f"&start_month={date.today():%Y-%m}&months=1"
        )
        amount = client.get(f"/api/v1/reference/quote?{query}").get_json()["total"]
        batches = {
            "500 registrations": registrations(bodies[:500]),
            "250 registrations + 250 payments": with_payments(registrations(bodies[500:]), amount),
        }
        for label, ops in batches.items():
            first = send(client, headers, ops, "applied")
            again = send(client, headers, ops, "duplicate")
            print(
                f"{backend:10s} {label:34s} applied {first:5.2f} s = {len(ops) / first:6.0f} ops/s"
                f" | replayed {again:5.2f} s = {len(ops) / again:6.0f} ops/s"
            )


if __name__ == "__main__":
    for backend in ("sqlite", "postgresql"):
        run(backend)
