"""Time and memory to close a commission month on PostgreSQL: 20,000 agents, 1,000,000
participants (default), generated with COPY into a scratch database `bench_commissions`.

.venv/bin/python -m benchmarks.commissions_bench [participants] [agents]

Data: 5 agents per Wadah, 200 agents per branch. Every participant pays one month in the month
closed (2026-10); 30 participants of each of the first 1,000 agents are new (their first paid
month), the others were acquired 1–69 months earlier (so every band occurs). Everyone who is not
new also paid the previous month, already posted and closed (history the close must skip),
and 1,000 of this month's payments were reversed before the close.
"""

from __future__ import annotations

import resource
import sys
import time
import uuid
from datetime import date

from flask_migrate import upgrade
from sqlalchemy import func, select, text

from benchmarks._setup import fresh_postgres
from perisai import create_app
from perisai.extensions import db
from perisai.months import Month

MONTH = Month(2026, 10)
PREVIOUS = MONTH - 1
NEW_PER_AGENT, AGENTS_WITH_NEW = 30, 1_000
REVERSED = 1_000


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def copy(cursor, table: str, columns: tuple[str, ...], rows) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as out:
        for row in rows:
            out.write_row(row)
            count += 1
    return count


def worker_id(i: int) -> uuid.UUID:
    return uuid.UUID(int=(1 << 64) + i)


def payment_id(i: int, previous: bool = False) -> uuid.UUID:
    return uuid.UUID(int=(2 << 64) + (1 << 40) * previous + i)


def shape(i: int, agents: int) -> tuple[int, bool, Month, int, int, int]:
    """agent id, is new, first paid month, jkk, jkm, jht for participant i."""
    agent = i % agents + 1
    new = agent <= AGENTS_WITH_NEW and i // agents < NEW_PER_AGENT
    first = MONTH if new else MONTH - (1 + (i * 7919) % 69)
    level = 1_000_000 + (i % 10) * 100_000
    jht = level * 2 // 100 if i % 3 == 0 else 0
    return agent, new, first, level // 100, 6_800, jht


def generate(participants: int, agents: int) -> dict[str, int]:
    wadahs, branches = agents // 5, max(1, agents // 200)
    counts = {}
    raw = db.engine.raw_connection()
    try:
        cur = raw.driver_connection.cursor()
        for code, parent, level in (
            ("33", None, "province"),
            ("33.25", "33", "regency"),
            ("33.25.01", "33.25", "district"),
            ("33.25.01.2001", "33.25.01", "village"),
        ):
            cur.execute(
                "INSERT INTO regions (code, parent_code, level, name) VALUES (%s, %s, %s, %s)",
                (code, parent, level, code),
            )
        counts["branches"] = copy(
            cur,
            "branches",
            ("id", "code", "name", "region_code"),
            ((b, f"KC-{b:04d}", f"KC {b}", "33.25") for b in range(1, branches + 1)),
        )
        counts["wadahs"] = copy(
            cur,
            "wadahs",
            (
                "id",
                "branch_id",
                "name",
                "pks_number",
                "pks_start",
                "pks_end",
                "bank_name",
                "bank_account",
                "monthly_target",
                "status",
            ),
            (
                (
                    w,
                    (w - 1) % branches + 1,
                    f"Wadah {w}",
                    f"PKS/{w}",
                    date(2026, 1, 1),
                    date(2026, 12, 31),
                    "BRI",
                    f"{w:010d}",
                    25,
                    "active",
                )
                for w in range(1, wadahs + 1)
            ),
        )
        counts["agents"] = copy(
            cur,
            "agents",
            ("id", "wadah_id", "agent_code", "full_name", "nik", "phone", "status", "joined_on"),
            (
                (
                    a,
                    (a - 1) % wadahs + 1,
                    f"PRS-{a:06d}",
                    f"Agen {a}",
                    f"33250101{a:08d}",
                    f"+62812{a:08d}",
                    "active",
                    date(2025, 1, 1),
                )
                for a in range(1, agents + 1)
            ),
        )
        now = "2026-11-01 00:00:00+00"
        counts["workers"] = copy(
            cur,
            "workers",
            (
                "id",
                "nik",
                "membership_number",
                "full_name",
                "birth_date",
                "gender",
                "phone",
                "occupation",
                "sector",
                "income_level",
                "has_jht",
                "funding",
                "village_code",
                "address",
                "beneficiary_name",
                "beneficiary_relationship",
                "consent_notice_version",
                "consent_given_at",
                "registered_by_id",
                "managed_by_id",
                "branch_id",
                "request_hash",
                "first_paid_month",
                "covered_until",
            ),
            (
                (
                    worker_id(i),
                    f"{3300000000000000 + i}",
                    f"{i:011d}",
                    f"Peserta {i}",
                    date(1990, 1, 1),
                    "M",
                    f"+62813{i:08d}",
                    "nelayan",
                    "other",
                    (s := shape(i, agents))[3] * 100,
                    s[5] > 0,
                    "self",
                    "33.25.01.2001",
                    "Jl. Bench",
                    "Ahli Waris",
                    "istri",
                    "2026-01",
                    now,
                    s[0],
                    s[0],
                    ((s[0] - 1) % wadahs) % branches + 1,
                    "bench",
                    str(s[2]),
                    str(MONTH),
                )
                for i in range(participants)
            ),
        )

        def payments(previous: bool):
            month = PREVIOUS if previous else MONTH
            for i in range(participants):
                agent, new, _, jkk, jkm, jht = shape(i, agents)
                if previous and new:
                    continue
                branch = ((agent - 1) % wadahs) % branches + 1
                yield (
                    payment_id(i, previous),
                    worker_id(i),
                    f"{i:011d}-{1 + previous:03d}",
                    jkk + jkm + jht,
                    1,
                    date(month.year, month.month, 1 + i % 28),
                    "cash",
                    jkk * 100,
                    jht > 0,
                    "other",
                    "self",
                    agent,
                    branch,
                    "bench",
                    now,
                )

        def payment_months(previous: bool):
            month = PREVIOUS if previous else MONTH
            for i in range(participants):
                _, new, _, jkk, jkm, jht = shape(i, agents)
                if previous and new:
                    continue
                reversed_ = not previous and i < REVERSED
                yield (
                    payment_id(i, previous),
                    worker_id(i),
                    str(month),
                    None if reversed_ else str(month),
                    jkk,
                    jkm,
                    jht,
                    jkk + jkm + jht,
                    1,
                    reversed_,
                )

        payment_columns = (
            "id",
            "worker_id",
            "receipt_number",
            "amount",
            "months_count",
            "paid_on",
            "channel",
            "income_level",
            "has_jht",
            "sector",
            "funding",
            "agent_id",
            "branch_id",
            "request_hash",
            "created_at",
        )
        month_columns = (
            "payment_id",
            "worker_id",
            "month",
            "active_month",
            "jkk",
            "jkm",
            "jht",
            "total",
            "rate_version_id",
            "is_reversed",
        )
        counts["payments"] = copy(cur, "payments", payment_columns, payments(False))
        counts["payments"] += copy(cur, "payments", payment_columns, payments(True))
        counts["payment_months"] = copy(cur, "payment_months", month_columns, payment_months(False))
        counts["payment_months"] += copy(cur, "payment_months", month_columns, payment_months(True))
        counts["reversals"] = copy(
            cur,
            "payment_reversals",
            ("payment_id", "reason", "created_at"),
            ((payment_id(i), "bench", "2026-10-20 03:00:00+00") for i in range(REVERSED)),
        )
        cur.execute(
            "INSERT INTO commission_postings (payment_id, branch_id, wadah_id, agent_id, month) "
            "SELECT p.id, p.branch_id, a.wadah_id, p.agent_id, %s FROM payments p "
            "JOIN agents a ON a.id = p.agent_id "
            "JOIN payment_months pm ON pm.payment_id = p.id WHERE pm.month = %s",
            (str(PREVIOUS), str(PREVIOUS)),
        )
        cur.execute(
            "INSERT INTO commission_closes (branch_id, month, rule_set_id, statements, closed_at) "
            "SELECT id, %s, 1, 0, now() FROM branches",
            (str(PREVIOUS),),
        )
        for table in ("branches", "wadahs", "agents", "workers"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
                if table != "workers"
                else "SELECT 1"
            )
        raw.commit()
        cur.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    return counts


def run(participants: int, agents: int) -> None:
    from perisai.agents.models import Agent
    from perisai.auth.permissions import Scope
    from perisai.commissions.models import CommissionEntry, CommissionStatement
    from perisai.commissions.operations import (
        agent_months,
        branch_ids_for_close,
        close_commission_month,
    )

    url = fresh_postgres("bench_commissions")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        started = time.perf_counter()
        counts = generate(participants, agents)
        print(f"generated with COPY in {time.perf_counter() - started:.1f} s: {counts}")

        session = db.session
        page = session.scalars(select(Agent).order_by(Agent.agent_code).limit(50)).all()
        started = time.perf_counter()
        estimate = agent_months(session, MONTH, list(page))
        print(
            f"running estimate, one page of 50 agents (open month): "
            f"{time.perf_counter() - started:.2f} s (first agent total "
            f"Rp {estimate[0].figures['total']:,})"
        )
        session.rollback()

        rss_before = peak_rss_mb()
        started = time.perf_counter()
        ids = branch_ids_for_close(session, Scope("admin", None, None), "all")
        result = close_commission_month(
            session, month=MONTH, branch_ids=ids, today=date(2026, 11, 2)
        )
        session.commit()
        seconds = time.perf_counter() - started
        entries = session.scalar(select(func.count()).select_from(CommissionEntry))
        totals = session.execute(
            select(
                func.count(),
                func.sum(CommissionStatement.new_participants),
                func.sum(CommissionStatement.total),
                func.sum(CommissionStatement.wadah_fee),
            ).where(CommissionStatement.month == MONTH)
        ).one()
        print(
            f"close {MONTH} for {len(ids)} branches, {agents:,} agents, {participants:,} "
            f"participants: {seconds:.1f} s (target <= 60 s)"
        )
        print(
            f"  {result.statements:,} statements, {entries:,} ledger entries, "
            f"{totals[1]:,} new participants, incentive Rp {totals[2]:,} + Wadah Rp {totals[3]:,}"
        )
        print(
            f"  peak RSS of this process: {peak_rss_mb():.0f} MB "
            f"(before the close: {rss_before:.0f} MB)"
        )
        started = time.perf_counter()
        close_commission_month(session, month=MONTH, branch_ids=ids, today=date(2026, 11, 2))
        session.commit()
        print(f"  closing again (nothing to do): {time.perf_counter() - started:.2f} s")
        db.session.execute(text("SELECT 1"))
        db.engine.dispose()


if __name__ == "__main__":
    participants = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    agents = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    run(participants, agents)
