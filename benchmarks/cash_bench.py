"""Matching a bank's settlement statement of 100,000 lines against 100,000 deposits on PostgreSQL
(issue 20, target ≤ 10 s), through perisai.cash.statements.upload_statement.

    .venv/bin/python -m benchmarks.cash_bench [--lines 100000] [--agents 2000] [--profile]

A scratch database (PERISAI_BENCH_CASH_DB, default `bench_h3_cash`) holds one branch of 2,000
agents. Written with bulk SQL first: a participant per two cash payments, each agent's cash
payments of the last ten days (two for each deposit, unsettled) and its deposits, recorded and
waiting for the bank. The statement has a credit for 98% of the deposits, its reference as banks
print it back (other case, spaces instead of dashes), and 2% credits that are nobody's deposit.

Prints reading the CSV, matching and storing the lines (everything but settling) and settling the
matched deposits' cash, each timed on its own, in wall time and in CPU time (this process and its
PostgreSQL backend, read from /proc: what the work costs on a machine other jobs are sharing, as
this one is); then the same file again (nothing to do), and checks what the upload changed.
`--profile` prints the upload's top functions by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import time
from datetime import timedelta

from sqlalchemy import func, select, text

from benchmarks._setup import bench_app, seed_agent
from perisai import clock
from perisai.agents.models import Agent, Branch, Wadah
from perisai.cash import statements
from perisai.cash.models import Deposit, StatementLine
from perisai.contributions.models import Payment
from perisai.extensions import db

DB_NAME = os.environ.get("PERISAI_BENCH_CASH_DB", "bench_h3_cash")
TARGET_SECONDS = 10
PAYMENT = 16_800  # one month, no discount
MATCHED_SHARE = 0.98


def generate(session, *, deposits: int, agents: int) -> tuple[int, list[tuple[str, int]]]:
    """The branch's agents, participants, cash payments and deposits; returns the branch id
    and the deposits' (reference, deposited_on offset in days)."""
    branch = session.scalar(select(Branch).where(Branch.code == "KC-BENCH"))
    wadah = session.scalar(select(Wadah).where(Wadah.branch_id == branch.id))
    today = clock.today(branch.time_zone)
    params = {"branch": branch.id, "wadah": wadah.id, "today": today, "agents": agents}
    session.execute(
        text(
            "INSERT INTO agents (wadah_id, agent_code, full_name, nik, phone, status, joined_on)"
            " SELECT :wadah, 'PRS-C' || lpad(n::text, 6, '0'), 'Agen ' || n,"
            " '33250101' || lpad(n::text, 8, '0'), '+62813' || lpad(n::text, 8, '0'),"
            " 'active', DATE '2026-01-01' FROM generate_series(1, :agents) AS n"
        ),
        params,
    )
    first_agent = session.scalar(select(func.min(Agent.id)).where(Agent.agent_code.like("PRS-C%")))
    payments = 2 * deposits
    session.execute(
        text(
            "INSERT INTO workers (id, nik, membership_number, full_name, birth_date, gender,"
            " phone, occupation, sector, income_level, has_jht, funding, village_code, address,"
            " beneficiary_name, beneficiary_relationship, consent_notice_version,"
            " consent_given_at, registered_on, registered_by_id, managed_by_id, branch_id,"
            " request_hash, created_at, updated_at)"
            " SELECT '40000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'),"
            " '33250141' || lpad(n::text, 8, '0'), lpad(n::text, 11, '0'), 'Peserta ' || n,"
            " DATE '1985-01-01', 'M', '+62814' || lpad(n::text, 8, '0'), 'nelayan', 'other',"
            " 1000000, false, 'apbd', '33.25.01.2001', 'Jl. Contoh ' || n, 'Ahli Waris', 'istri',"
            " '2026-01', now(), :today - 30, :first + n % :agents, :first + n % :agents,"
            " :branch, md5(n::text) || md5(n::text), now(), now()"
            " FROM generate_series(1, :workers) AS n"
        ),
        {**params, "first": first_agent, "workers": payments // 2},
    )
    # agent a's k-th deposit covers its payments 2k and 2k + 1, taken on the same day
    session.execute(
        text(
            "INSERT INTO payments (id, worker_id, receipt_number, amount, months_count, paid_on,"
            " channel, income_level, has_jht, sector, funding, agent_id, branch_id,"
            " request_hash, created_at, state, custodian_id, settled_at)"
            " SELECT '50000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'),"
            " '40000000-0000-4000-8000-' || lpad(to_hex(n / 2 + 1), 12, '0'),"
            " 'RC' || lpad(n::text, 10, '0'), :amount, 1, :today - (n / 2 / :agents) % 10,"
            " 'cash', 1000000, false, 'other', 'apbd', :first + (n / 2) % :agents, :branch,"
            " md5('p' || n) || md5('p' || n), now(), 'accepted', :first + (n / 2) % :agents, NULL"
            " FROM generate_series(0, :payments - 1) AS n"
        ),
        {**params, "first": first_agent, "payments": payments, "amount": PAYMENT},
    )
    session.execute(
        text(
            "INSERT INTO cash_deposits (id, agent_id, branch_id, amount, channel, reference,"
            " match_key, deposited_on, state, request_hash, created_at)"
            " SELECT '60000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'),"
            " :first + n % :agents, :branch, :amount, 'va', 'BRIVA-' || lpad(n::text, 8, '0'),"
            " 'BRIVA' || lpad(n::text, 8, '0'), :today - (n / :agents) % 10, 'recorded',"
            " md5('d' || n) || md5('d' || n), now() FROM generate_series(0, :deposits - 1) AS n"
        ),
        {**params, "first": first_agent, "deposits": deposits, "amount": 2 * PAYMENT},
    )
    session.commit()
    session.execute(text("ANALYZE"))
    session.commit()
    days = [(f"BRIVA-{n:08d}", (n // agents) % 10) for n in range(deposits)]
    return branch.id, days


def statement_csv(deposits: list[tuple[str, int]], lines: int, today) -> bytes:
    """Credits for the first 98% of the deposits (booked a day after, the bank's way of writing
    the reference), then credits that match nothing."""
    matched = min(len(deposits), int(lines * MATCHED_SHARE))
    out = io.StringIO()
    out.write("date,reference,amount\n")
    for reference, days_ago in deposits[:matched]:
        booked = today - timedelta(days=max(days_ago - 1, 0))
        out.write(f"{booked},{reference.replace('-', ' ').lower()},{2 * PAYMENT}\n")
    for n in range(lines - matched):
        out.write(f"{today},TRF MASUK {n:07d},{10_000 + n}\n")
    return out.getvalue().encode()


def backend_cpu(session) -> float:
    """CPU seconds the session's PostgreSQL backend has used (it runs on this machine): with
    the client's own CPU time, what the work costs whatever else the machine is doing."""
    pid = session.execute(text("SELECT pg_backend_pid()")).scalar()
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Clock:
    """Wall time and CPU time (this process and the database backend) of a piece of work."""

    def __init__(self, session):
        self.session = session
        self.wall = self.cpu = 0.0

    def __enter__(self):
        self._start = (time.perf_counter(), time.process_time() + backend_cpu(self.session))
        return self

    def __exit__(self, *exc):
        self.wall += time.perf_counter() - self._start[0]
        self.cpu += time.process_time() + backend_cpu(self.session) - self._start[1]


class Stopwatch:
    """Times settle_agents inside upload_statement, so that settling is reported apart."""

    def __init__(self, session):
        self.clock = Clock(session)
        self.settled = 0
        self._settle = statements.settle_agents

    def __call__(self, session, agent_ids, now=None):
        with self.clock:
            count = self._settle(session, agent_ids, now)
        self.settled += count
        return count


def upload(session, branch_id: int, content: bytes, profile: bool):
    fmt = statements.statement_format(session, "standard")
    watch = Stopwatch(session)
    statements.settle_agents = watch
    profiler = cProfile.Profile() if profile else None
    try:
        with Clock(session) as total:
            if profiler:
                profiler.enable()
            result = statements.upload_statement(
                session, branch_id=branch_id, content=content, filename="bench.csv", fmt=fmt
            )
            session.commit()
            if profiler:
                profiler.disable()
    finally:
        statements.settle_agents = watch._settle
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    return result, total, watch.clock, watch.settled


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--agents", type=int, default=2_000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with bench_app("postgresql", DB_NAME) as app:
        seed_agent(app)
        with app.app_context():
            session = db.session
            started = time.perf_counter()
            branch_id, deposits = generate(session, deposits=args.lines, agents=args.agents)
            made = time.perf_counter() - started
            today = clock.today(session.get(Branch, branch_id).time_zone)
            content = statement_csv(deposits, args.lines, today)
            print(
                f"bulk SQL: {args.agents:,} agents, {len(deposits):,} deposits, "
                f"{2 * len(deposits):,} cash payments in {made:.1f} s; statement of "
                f"{args.lines:,} lines ({len(content) / 1e6:.1f} MB)",
                flush=True,
            )
            fmt = statements.statement_format(session, "standard")
            started = time.perf_counter()
            statements.read_credits(content, fmt)
            reading = time.perf_counter() - started
            load = os.getloadavg()[0]
            result, total, settling, settled = upload(session, branch_id, content, args.profile)
            verdict = "ok" if total.wall <= TARGET_SECONDS else "OVER"
            print(f"{'':36} {'wall s':>7} {'CPU s':>7}  (CPU: this process + PostgreSQL)")
            print(f"{'read the CSV (part of matching)':36} {reading:7.2f}")
            matching = (total.wall - settling.wall, total.cpu - settling.cpu)
            print(f"{'match and store the lines':36} {matching[0]:7.2f} {matching[1]:7.2f}")
            print(
                f"{'settle the matched deposits cash':36} {settling.wall:7.2f} {settling.cpu:7.2f}"
            )
            print(
                f"{'upload_statement in all':36} {total.wall:7.2f} {total.cpu:7.2f}  "
                f"target {TARGET_SECONDS} s: {verdict}; load average {load:.1f} "
                f"on {os.cpu_count()} CPUs"
            )
            _, again, _, _ = upload(session, branch_id, content, False)
            print(f"{'the same file again':36} {again.wall:7.2f} {again.cpu:7.2f}  (nothing to do)")
            check(session, result, len(deposits), args.lines, settled)


def check(session, result, deposits: int, lines: int, settled: int) -> None:
    matched = session.scalar(select(func.count()).where(Deposit.state == "matched"))
    stored = session.scalar(select(func.count(StatementLine.id)))
    unsettled = session.scalar(
        select(func.count(Payment.id)).where(
            Payment.custodian_id.is_not(None), Payment.settled_at.is_(None)
        )
    )
    expected = min(deposits, int(lines * MATCHED_SHARE))
    print(
        f"check: {result.statement.matched:,} matched (expected {expected:,}), {matched:,} "
        f"deposits matched, {stored:,} lines stored, {len(result.unmatched):,} unmatched, "
        f"{settled:,} payments settled, {unsettled:,} still unsettled"
    )
    assert result.statement.matched == matched == expected and stored == lines
    assert settled == 2 * expected and unsettled == 2 * (deposits - expected)


if __name__ == "__main__":
    main()
