"""Sync throughput: one POST /api/v1/sync with 500 operations, then the same batch replayed.

Per backend: 500 registrations; 250 registrations each followed by its first payment (the
typical day of an agent coming back into coverage); that batch with one registration whose NIK
is registered already (refused, with its payment); and that batch with one registration sent
twice under two op_ids (a double tap: the server writes what it staged before the second one,
then answers that one on its own, in a savepoint). Target ≥ 250 operations/s.
After a small warm-up batch (a running server has compiled its statements), each kind of batch
is sent ROUNDS times with new participants; the median round is printed with the range, as
this machine's speed varies by a third from one minute to the next.
.venv/bin/python -m benchmarks.sync_bench [rounds]
"""

from __future__ import annotations

import statistics
import sys
import uuid

from benchmarks._setup import Timer, bench_app, login, seed_agent
from benchmarks.register_bench import unique_payloads
from perisai import clock


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
            "paid_on": clock.today().isoformat(),
            "channel": "cash",
        }
        out.append({"op_id": str(uuid.uuid4()), "type": "payment.record", "payload": payment})
    return out


def send(client, headers, ops, *expected):
    with Timer() as timer:
        response = client.post("/api/v1/sync", json={"operations": ops}, headers=headers)
    results = response.get_json()["results"]
    statuses = {r["status"] for r in results}
    assert response.status_code == 200 and statuses == set(expected), (statuses, results[:2])
    return timer.seconds


def nik_taken(ops, registered):
    """The first registration of `ops` turned into someone registered already."""
    ops[0]["payload"] = {**registered, "id": ops[0]["payload"]["id"]}
    return ops


def double_tap(ops, _registered):
    """The first registration sent again under another op_id (instead of the last payment)."""
    return [*ops[:-1], {**ops[0], "op_id": str(uuid.uuid4())}]


KINDS = {
    # label: (registrations, with payments, change, statuses applied, statuses replayed)
    "500 registrations": (500, False, None, {"applied"}, {"duplicate"}),
    "250 registrations + 250 payments": (250, True, None, {"applied"}, {"duplicate"}),
    "... one NIK registered already": (
        250,
        True,
        nik_taken,
        {"applied", "rejected"},
        {"duplicate", "rejected"},
    ),
    "... one registration sent twice": (
        250,
        True,
        double_tap,
        {"applied", "duplicate"},
        {"duplicate"},
    ),
}


def run(backend: str, rounds: int = 3) -> None:
    bodies = unique_payloads(20 + sum(kind[0] for kind in KINDS.values()) * rounds)
    with bench_app(backend, "bench_sync") as app:
        client, headers = login(app, seed_agent(app))
        query = (
            "income_level=1000000&programs=JKK,JKM&sector=other&funding=self"
            f"&start_month={clock.today():%Y-%m}&months=1"
        )
        amount = client.get(f"/api/v1/reference/quote?{query}").get_json()["total"]
        warm_up = with_payments(registrations(bodies[:10]), amount)
        send(client, headers, warm_up, "applied")
        start = 20
        for label, (count, payments, change, fresh, again) in KINDS.items():
            applied, replayed = [], []
            for _ in range(rounds):
                ops = registrations(bodies[start : start + count])
                start += count
                if payments:
                    ops = with_payments(ops, amount)
                if change is not None:
                    ops = change(ops, bodies[0])
                applied.append(len(ops) / send(client, headers, ops, *fresh))
                replayed.append(len(ops) / send(client, headers, ops, *again))
            print(
                f"{backend:10s} {label:38s} applied {statistics.median(applied):5.0f} ops/s "
                f"({min(applied):.0f}–{max(applied):.0f}) | replayed "
                f"{statistics.median(replayed):5.0f} ops/s "
                f"({min(replayed):.0f}–{max(replayed):.0f})"
            )


if __name__ == "__main__":
    for backend in ("sqlite", "postgresql"):
        run(backend, int(sys.argv[1]) if len(sys.argv) > 1 else 3)
