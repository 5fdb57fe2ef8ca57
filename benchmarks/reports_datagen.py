"""National-scale data for the report benchmarks, loaded into PostgreSQL with COPY.

    .venv/bin/python -m benchmarks.reports_datagen [--scale 1.0] [--rollups-only]

Creates the scratch database `bench_reports` (through PERISAI_BENCH_PG) with 125 branches,
2,000 Wadah, 20,000 agents, 1,000,000 participants and about 12,000,000 covered months
(payment_months) over the 36 months up to this month, with realistic churn: a fifth never pay,
payers prepay 1/3/6/12 months, most renew on time, some pay arrears after 1–3 months of grace,
some lapse for good (more than 3 months) and a few start again later. Then builds the report
rollups for every branch and month, and closes every branch's commission months up to last month
(a database three years in has closed them: the leaderboard's running estimate then covers only
what is still unposted). Prints the time of each step. `--scale 0.01` for a quick run;
`--rollups-only` / `--close-only` redo one step on an existing dataset.

Cash custody (DOMAIN.md §8): four payments in five are cash in the hands of the agent who took
them (`custodian_id`); each agent has deposited and the bank has settled its cash up to some
days ago (most 0–2 days, some a week, a few three weeks or more), oldest first as
perisai.cash.settlement settles, so the cash of the last days is unsettled. What was settled is
one confirmed deposit per agent; a third of the agents with cash in hand have also deposited
part of it, not confirmed yet. `PERISAI_BENCH_REPORTS_DB` names another scratch database.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import date, timedelta

import psycopg
from flask_migrate import upgrade
from sqlalchemy import select

from benchmarks._setup import PASSWORD, fresh_postgres
from perisai import clock, create_app
from perisai.extensions import db
from perisai.months import Month

DB_NAME = os.environ.get("PERISAI_BENCH_REPORTS_DB", "bench_reports")
MONTHS = 36
BRANCHES, WADAH_PER_BRANCH, AGENTS_PER_WADAH = 125, 16, 10
PARTICIPANTS = 1_000_000
BLOCKS = (1, 1, 1, 3, 3, 6, 12)  # months paid at once (1, 3, 6 and 12 are what people use)


def app_for(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})


def dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def seed_org(app, rng: random.Random) -> dict:
    """Regions, branches, Wadah, agents and two logins, through the ORM (small)."""
    from perisai.agents.models import Agent, Branch, Wadah
    from perisai.auth.operations import create_user
    from perisai.regions.models import Region
    from perisai.regions.operations import load_regions

    with app.app_context():
        session = db.session
        load_regions(session)
        villages: dict[str, list[str]] = {}
        for (code,) in session.execute(select(Region.code).where(Region.level == "village")):
            villages.setdefault(code[:5], []).append(code)
        regencies = rng.sample(sorted(villages), BRANCHES)
        branches = [
            Branch(code=f"KC{i:03d}", name=f"Kantor Cabang {regency}", region_code=regency)
            for i, regency in enumerate(regencies)
        ]
        session.add_all(branches)
        session.flush()
        wadahs = []
        for branch in branches:
            for j in range(WADAH_PER_BRANCH):
                wadahs.append(
                    Wadah(
                        branch_id=branch.id,
                        name=f"Wadah {branch.code}-{j:02d}",
                        pks_number=f"PKS/{branch.code}/{j}",
                        pks_start=date(2026, 1, 1),
                        pks_end=date(2026, 12, 31),
                        bank_name="BRI",
                        bank_account=f"{branch.id:04d}{j:04d}",
                        monthly_target=25 * AGENTS_PER_WADAH // 4,
                    )
                )
        session.add_all(wadahs)
        session.flush()
        agent_rows, n = [], 0
        for wadah in wadahs:
            for _ in range(AGENTS_PER_WADAH):
                n += 1
                agent_rows.append(
                    {
                        "wadah_id": wadah.id,
                        "agent_code": f"PRS{n:06d}",
                        "full_name": f"Agen {n}",
                        "nik": f"3201010101{n:06d}",
                        "phone": f"+62811{n:08d}",
                        "status": "active" if rng.random() < 0.95 else "suspended",
                        "joined_on": date(2023, 1, 1),
                    }
                )
        session.execute(Agent.__table__.insert(), agent_rows)
        create_user(session, username="bench-admin", password=PASSWORD, role="admin")
        create_user(
            session,
            username="bench-supervisor",
            password=PASSWORD,
            role="supervisor",
            branch=branches[0],
        )
        session.commit()
        agents_by_branch: dict[int, list[int]] = {}
        for agent_id, branch_id in session.execute(
            select(Agent.id, Wadah.branch_id).join(Wadah, Agent.wadah_id == Wadah.id)
        ):
            agents_by_branch.setdefault(branch_id, []).append(agent_id)
        return {
            "branches": [(b.id, villages[b.region_code]) for b in branches],
            "agents": agents_by_branch,
        }


class Buffers:
    """Tab-separated COPY text per table, flushed every `limit` rows."""

    def __init__(self, conn, columns: dict[str, tuple[str, ...]], limit=200_000):
        self.conn, self.columns, self.limit = conn, columns, limit
        self.rows = {table: [] for table in columns}
        self.counts = dict.fromkeys(columns, 0)

    def add(self, table: str, line: str) -> None:
        rows = self.rows[table]
        rows.append(line)
        if len(rows) >= self.limit:
            self.flush(table)

    def flush(self, table: str) -> None:
        rows = self.rows[table]
        if not rows:
            return
        cols = ", ".join(self.columns[table])
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            copy.write("\n".join(rows) + "\n")
        self.counts[table] += len(rows)
        rows.clear()

    def close(self) -> None:
        for table in self.columns:
            self.flush(table)


WORKER_COLS = [
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
    "registered_on",
    "lat",
    "lon",
    "accuracy_m",
    "registered_by_id",
    "managed_by_id",
    "branch_id",
    "request_hash",
    "first_paid_month",
    "covered_until",
    "created_at",
    "updated_at",
]
PAYMENT_COLS = [
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
    "custodian_id",
    "settled_at",
]
MONTH_COLS = [
    "id",
    "payment_id",
    "worker_id",
    "month",
    "active_month",
    "jkk",
    "jkm",
    "jht",
    "total",
    "rate_version_id",
]
MONTH_COLS += ["is_reversed"]


def spells(rng: random.Random, registered: int, horizon: int) -> list[tuple[int, int, int]]:
    """(paid in month, first covered month, months) for one participant, month indexes 0-based."""
    if rng.random() < 0.2:
        return []  # registered, never paid
    paid = registered if rng.random() < 0.7 else registered + 1
    start, out = paid, []
    while paid <= horizon:
        block = rng.choice(BLOCKS)
        out.append((paid, start, block))
        after = start + block
        roll = rng.random()
        if roll < 0.81:  # renews on time (pays in the last covered month)
            paid, start = after - 1, after
        elif roll < 0.89:  # 1–3 months of grace, then pays the arrears first
            paid, start = after - 1 + rng.randint(1, 3), after
        elif roll < 0.95 and rng.random() < 0.4:  # lapses, starts afresh later
            paid = after + 4 + rng.randint(0, 8)
            start = paid
        else:
            break
        paid = max(paid, out[-1][0])
    return out


def generate(url: str, org: dict, rng: random.Random, participants: int) -> dict:
    end = Month.of(clock.today())
    first = end - (MONTHS - 1)
    months = [str(first + i) for i in range(MONTHS + 12)]
    conn = psycopg.connect(dsn(url), autocommit=False)
    with conn.cursor() as cur:
        cur.execute("SET session_replication_role = replica")  # consistent by construction
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename IN "
            "('workers', 'payments', 'payment_months') AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint)"
        )
        secondary = cur.fetchall()
        for name, _ in secondary:
            cur.execute(f'DROP INDEX "{name}"')
    buffers = Buffers(
        conn, {"workers": WORKER_COLS, "payments": PAYMENT_COLS, "payment_months": MONTH_COLS}
    )
    branches = org["branches"]
    weights = [rng.uniform(0.3, 1.7) for _ in branches]
    # its own generator: the participants and payments stay those of datasets made before
    cash_rng = random.Random(20261204)
    today = clock.today()
    held = {a: settled_lag(cash_rng) for ids in org["agents"].values() for a in ids}
    payment_n = month_n = 0
    for n in range(participants):
        branch_id, villages = rng.choices(branches, weights)[0]
        agents = org["agents"][branch_id]
        registered_by = rng.choice(agents)
        managed_by = registered_by if rng.random() < 0.95 else rng.choice(agents)
        registered = min(int(MONTHS * rng.random() ** 0.8), MONTHS - 1)
        day = rng.randint(1, 28)
        reg_month = first + registered
        created = f"{reg_month}-{day:02d} {rng.randint(1, 12):02d}:{rng.randint(0, 59):02d}:00+00"
        has_jht = rng.random() < 0.3
        per_month = (10_000, 6_800, 20_000 if has_jht else 0)
        total = sum(per_month)
        worker_id = f"10000000-0000-4000-8000-{n:012x}"
        paid_spells = spells(rng, registered, MONTHS - 1)
        covered = [start + i for _, start, block in paid_spells for i in range(block)]
        first_paid = months[paid_spells[0][1]] if paid_spells else "\\N"
        until = months[max(covered)] if covered else "\\N"
        village = rng.choice(villages)
        nik = (
            village[:2] + village[3:5] + village[6:8]
            + f"{1 + n % 28:02d}{1 + (n // 28) % 12:02d}{60 + (n // 336) % 40:02d}"
            + f"{1 + n // 13440:04d}"
        )  # fmt: skip
        lat, lon = -7.5 + rng.uniform(-0.3, 0.3), 110.2 + rng.uniform(-0.3, 0.3)
        buffers.add(
            "workers",
            f"{worker_id}\t{nik}\t{n:011d}\tPeserta {n}\t1985-01-01\tM\t+62812{n:08d}\tnelayan"
            f"\tother\t1000000\t{'t' if has_jht else 'f'}\tself\t{village}\tJl. Contoh {n}"
            f"\tAhli Waris {n}\tistri\t2026-01\t{created}\t{created[:10]}\t{lat:.5f}\t{lon:.5f}\t12"
            f"\t{registered_by}\t{managed_by}\t{branch_id}\t{n:064x}\t{first_paid}\t{until}"
            f"\t{created}\t{created}",
        )
        for paid, start, block in paid_spells:
            payment_n += 1
            payment_id = f"20000000-0000-4000-8000-{payment_n:012x}"
            paid_on = f"{months[paid]}-{rng.randint(1, 28):02d}"
            channel, custody = cash_custody(cash_rng, managed_by, paid_on, held, today)
            buffers.add(
                "payments",
                f"{payment_id}\t{worker_id}\tR{payment_n:011d}\t{total * block}\t{block}"
                f"\t{paid_on}\t{channel}\t1000000\t{'t' if has_jht else 'f'}\tother\tself"
                f"\t{managed_by}\t{branch_id}\t{payment_n:064x}\t{paid_on} 10:00:00+00"
                f"\t{custody}",
            )
            for i in range(block):
                month_n += 1
                month = months[start + i]
                buffers.add(
                    "payment_months",
                    f"{month_n}\t{payment_id}\t{worker_id}\t{month}\t{month}"
                    f"\t{per_month[0]}\t{per_month[1]}\t{per_month[2]}\t{total}\t1\tf",
                )
        if n % 100_000 == 99_999:
            print(f"  {n + 1:>9,} participants, {month_n:>11,} covered months", flush=True)
    buffers.close()
    with conn.cursor() as cur:
        cur.execute("SELECT setval(pg_get_serial_sequence('payment_months', 'id'), %s)", (month_n,))
    conn.commit()
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '1GB'")
        for _, definition in secondary:
            cur.execute(definition)
        counts = dict(buffers.counts, cash_deposits=add_deposits(cur, today))
        cur.execute("ANALYZE")
    conn.close()
    return counts


def settled_lag(rng: random.Random) -> int:
    """How many days of an agent's latest cash the bank has not settled yet."""
    roll = rng.random()
    if roll < 0.03:
        return 0  # everything deposited and confirmed
    if roll < 0.58:
        return rng.randint(1, 3)
    if roll < 0.83:
        return rng.randint(4, 8)
    if roll < 0.95:
        return rng.randint(9, 20)
    return rng.randint(21, 40)


def cash_custody(rng, agent_id: int, paid_on: str, held: dict, today: date) -> tuple[str, str]:
    """(channel, the COPY text of custodian_id and settled_at): four payments in five are cash
    in the agent's custody, settled unless taken within the agent's last `held` days."""
    if rng.random() < 0.2:
        return rng.choice(("bank", "ewallet")), f"\\N\t{paid_on} 10:00:00+00"
    day = date.fromisoformat(paid_on)
    if (today - day).days < held[agent_id]:
        return "cash", f"{agent_id}\t\\N"
    settled = min(day + timedelta(days=rng.randint(1, 3)), today)
    return "cash", f"{agent_id}\t{settled} 09:00:00+00"


def add_deposits(cur, today: date) -> int:
    """What settled each agent's cash: one confirmed deposit of it all; and, for a third of the
    agents with unsettled cash, a deposit of half of it yesterday that the bank has not
    confirmed yet."""
    insert = (
        "INSERT INTO cash_deposits (id, agent_id, branch_id, amount, channel, reference,"
        " match_key, deposited_on, state, request_hash, created_at) "
        "SELECT '30000000-0000-4000-8000-' || lpad(to_hex(p.custodian_id * 2 + {n}), 12, '0'),"
        " p.custodian_id, w.branch_id, {amount}, 'va', 'HIST-' || p.custodian_id || '-{n}',"
        " 'HIST' || p.custodian_id || '{n}', {day}, '{state}', md5(p.custodian_id::text) ||"
        " md5('{n}'), now() FROM payments p JOIN agents a ON a.id = p.custodian_id"
        " JOIN wadahs w ON w.id = a.wadah_id WHERE p.custodian_id IS NOT NULL AND {where}"
        " GROUP BY p.custodian_id, w.branch_id {having}"
    )
    cur.execute(
        insert.format(
            n=0,
            amount="sum(p.amount)",
            day="max(p.paid_on)",
            state="confirmed",
            where="p.settled_at IS NOT NULL",
            having="",
        )
    )
    confirmed = cur.rowcount
    cur.execute(
        insert.format(
            n=1,
            amount="sum(p.amount) / 2",
            day=f"DATE '{today - timedelta(days=1)}'",
            state="recorded",
            where="p.settled_at IS NULL",
            having="HAVING p.custodian_id % 3 = 0",
        )
    )
    return confirmed + cur.rowcount


ROLLUP_MONTHS = 13  # what the pages read: this month and the 12 before (the trend)


def build_rollups(app, months: int = ROLLUP_MONTHS) -> int:
    """The rollups of the last `months` months, all branches at once per month; older months
    are computed on first use (perisai.reports.rollups.ensure_rollups)."""
    from perisai.reports.rollups import refresh_month

    end = Month.of(clock.today())
    count = 0
    with app.app_context():
        for i in range(months - 1, -1, -1):
            started = time.perf_counter()
            count += refresh_month(db.session, end - i)
            db.session.commit()
            print(f"  rollups {end - i}: {time.perf_counter() - started:5.1f} s", flush=True)
    return count


def close_past_months(app) -> int:
    """Every branch's commission months up to last month, closed in order as they would have
    been month by month (one call: close_commission_month closes earlier open months first)."""
    from perisai.agents.models import Branch
    from perisai.commissions.close import close_commission_month

    with app.app_context():
        branch_ids = list(db.session.scalars(select(Branch.id).order_by(Branch.id)))
        result = close_commission_month(
            db.session, month=Month.of(clock.today()) - 1, branch_ids=branch_ids
        )
        db.session.commit()
    return sum(len(months) for months in result.closed.values())


def settle(url: str) -> None:
    """VACUUM ANALYZE: what autovacuum does to a real database after such writes (visibility
    maps for index-only scans, planner statistics). This machine's PostgreSQL runs with
    autovacuum off, so without it the reports were planned on row counts from before the
    rollups and closes existed."""
    with psycopg.connect(dsn(url), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--rollups-only", action="store_true")
    parser.add_argument("--close-only", action="store_true")
    parser.add_argument("--rollup-months", type=int, default=ROLLUP_MONTHS)
    args = parser.parse_args()
    url = fresh_postgres.__globals__["PG_ADMIN_URL"].rsplit("/", 1)[0] + f"/{DB_NAME}"
    if not (args.rollups_only or args.close_only):
        rng = random.Random(20260501)
        started = time.perf_counter()
        url = fresh_postgres(DB_NAME)
        app = app_for(url)
        with app.app_context():
            upgrade()
        org = seed_org(app, rng)
        seeded = time.perf_counter()
        print(f"schema, regions and organisation: {seeded - started:7.1f} s", flush=True)
        counts = generate(url, org, rng, int(PARTICIPANTS * args.scale))
        done = time.perf_counter()
        print(
            f"generated {counts['workers']:,} participants, {counts['payments']:,} payments, "
            f"{counts['payment_months']:,} covered months with COPY, "
            f"{counts['cash_deposits']:,} deposits in {done - seeded:7.1f} s "
            f"(total {done - started:7.1f} s, at {clock.now():%H:%M} UTC)",
            flush=True,
        )
    app = app_for(url)
    if not args.close_only:
        started = time.perf_counter()
        pairs = build_rollups(app, args.rollup_months)
        elapsed = time.perf_counter() - started
        print(f"rollups for {pairs:,} (branch, month) pairs: {elapsed:7.1f} s")
    if not args.rollups_only:
        started = time.perf_counter()
        closed = close_past_months(app)
        print(
            f"commission months closed: {closed:,} (branch, month) pairs in "
            f"{time.perf_counter() - started:7.1f} s",
            flush=True,
        )
    started = time.perf_counter()
    settle(url)
    print(f"vacuum analyze: {time.perf_counter() - started:7.1f} s", flush=True)


if __name__ == "__main__":
    main()
