"""Registrations per second through the API (Flask in-process, real database).

.venv/bin/python -m benchmarks.register_bench [count]
"""

from __future__ import annotations

import sys
from datetime import date

from benchmarks._setup import Timer, bench_app, login, seed_agent


def payload(n: int) -> dict:
    birth = date(1970, 1, 1).toordinal() + n % 12000
    born = date.fromordinal(birth)
    nik = f"332501{born.day:02d}{born.month:02d}{born.year % 100:02d}{n % 9999 + 1:04d}"
    return {
        "nik": nik[:12] + f"{n % 9999 + 1:04d}",
        "full_name": f"Peserta Bench {n}",
        "birth_date": born.isoformat(),
        "gender": "M",
        "phone": f"0813{n:08d}",
        "occupation": "nelayan",
        "income_level": 1_000_000,
        "programs": ["JKK", "JKM"],
        "village_code": "33.25.01.2001",
        "address": "Jl. Bench",
        "beneficiary": {"full_name": "Ahli Waris", "relationship": "istri"},
        "consent": {"given": True, "notice_version": "2026-01"},
    }


def unique_payloads(count: int) -> list[dict]:
    seen, out, n = set(), [], 0
    while len(out) < count:
        body = payload(n)
        n += 1
        if body["nik"] not in seen:
            seen.add(body["nik"])
            out.append(body)
    return out


def run(backend: str, count: int) -> None:
    bodies = unique_payloads(count)
    with bench_app(backend, "bench_register") as app:
        client, headers = login(app, seed_agent(app))
        with Timer() as timer:
            for body in bodies:
                response = client.post("/api/v1/workers", json=body, headers=headers)
                assert response.status_code == 201, response.get_json()
        print(
            f"{backend:10s} {count} registrations in {timer.seconds:6.1f} s = "
            f"{count / timer.seconds:7.1f} registrations/s"
        )


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    for backend in ("sqlite", "postgresql"):
        run(backend, count)
