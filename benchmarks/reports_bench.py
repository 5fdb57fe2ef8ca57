"""Latency of the supervisor pages and the agents report on the generated national dataset.

    .venv/bin/python -m benchmarks.reports_datagen      # once: bench_reports (PostgreSQL)
    .venv/bin/python -m benchmarks.reports_bench [runs] [page …]

Requests go through the Flask app in-process (real PostgreSQL, real templates), logged in as the
supervisor of one branch and as an admin (the whole country). The first request of each page is
reported apart: it may bring stale rollups up to date. Prints median and p95 in milliseconds.
Naming pages (`leaderboard "api agents"`) times those only. The leaderboard and the agents report
carry each agent's settlement rate (its cash of the month the bank settled); `cash` and
`api cash` are the agents' cash overview (issue 20) on the dataset's cash payments and deposits.

An admin's renewal follow-up and agents' cash ask for a branch first (a branch's work, by agent
and village; every cash payment of the country read for one list): the admin's `renewals`,
`cash` and `api cash` rows time what that choice leads to, the supervisor's branch seen by the
admin (`/supervisor/renewals?branch=<id>`).
"""

from __future__ import annotations

import statistics
import sys
import time

from sqlalchemy import func, select

from benchmarks._setup import PASSWORD, PG_ADMIN_URL
from benchmarks.reports_datagen import DB_NAME, app_for
from perisai import clock
from perisai.extensions import db

TARGET_MS = 300


def login(app, username: str):
    client = app.test_client()
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.get_json()
    return client


def timed(client, url: str, runs: int) -> tuple[float, list[float]]:
    start = time.perf_counter()
    response = client.get(url)
    first = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    return first, samples


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 30
    only = set(sys.argv[2:])
    app = app_for(PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{DB_NAME}")
    with app.app_context():
        from perisai.contributions.models import PaymentMonth
        from perisai.workers.models import Worker

        workers = db.session.scalar(select(func.count()).select_from(Worker))
        months = db.session.scalar(select(func.count()).select_from(PaymentMonth))
        month = clock.this_month()
        # the administration pages (issue 17): the branch's first Wadah and its first agent
        from perisai.agents.models import Agent, Branch, Wadah
        from perisai.auth.models import User

        branch_id = db.session.scalar(
            select(User.branch_id).where(User.username == "bench-supervisor")
        )
        branch_code = db.session.scalar(select(Branch.code).where(Branch.id == branch_id))
        wadah_id = db.session.scalar(select(func.min(Wadah.id)).where(Wadah.branch_id == branch_id))
        agent_code = db.session.scalar(
            select(Agent.agent_code).where(Agent.wadah_id == wadah_id).order_by(Agent.id).limit(1)
        )
    print(
        f"dataset: {workers:,} participants, {months:,} covered months; month {month}; "
        f"{runs} runs after the first"
    )
    pages = {
        "overview": f"/supervisor/?month={month}",
        "leaderboard": f"/supervisor/agents?month={month}",
        "regions": f"/supervisor/regions?month={month}",
        "api agents": f"/api/v1/reports/agents?month={month}",
        # the task pages (issue 17): print queue, search, renewal follow-up, month close preview
        "cards": "/supervisor/cards",
        "search": "/supervisor/participants?q=Budi",
        "renewals": "/supervisor/renewals",
        "close": f"/supervisor/months?close={month - 1}",
        "wadah list": "/supervisor/wadah",
        "wadah page": f"/supervisor/wadah/{wadah_id}?month={month}",
        "agent page": f"/supervisor/agents/{agent_code}?month={month}",
        "reassign": f"/supervisor/agents/{agent_code}/reassign",
        # the agents' cash (issue 20): cash in hand by age and blocks, most cash first
        "cash": "/supervisor/cash",
        "api cash": "/api/v1/cash/agents",
    }
    pages = {name: url for name, url in pages.items() if not only or name in only}
    print(f"{'page':<12} {'scope':<8} {'first ms':>9} {'median ms':>10} {'p95 ms':>8}  target")
    for scope, username in (("branch", "bench-supervisor"), ("country", "bench-admin")):
        client = login(app, username)
        if scope == "country":  # the admin chooses the branch first (see the docstring)
            for name, url in {
                "renewals": f"/supervisor/renewals?branch={branch_id}",
                "cash": f"/supervisor/cash?branch={branch_id}",
                "api cash": f"/api/v1/cash/agents?branch={branch_code}",
            }.items():
                if name in pages:
                    pages[name] = url
        for name, url in pages.items():
            first, samples = timed(client, url, runs)
            worst = p95(samples)
            verdict = "ok" if worst <= TARGET_MS else "OVER"
            print(
                f"{name:<12} {scope:<8} {first:9.1f} {statistics.median(samples):10.1f} "
                f"{worst:8.1f}  {verdict}",
                flush=True,
            )


if __name__ == "__main__":
    main()
