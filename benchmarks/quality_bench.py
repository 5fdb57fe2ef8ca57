"""Enrolment quality at national scale: every signal for one registration month on PostgreSQL.

    .venv/bin/python -m benchmarks.quality_bench [--participants 1000000]

Builds the scratch database `bench_quality` (PERISAI_BENCH_PG) with 125 branches, 2,000 Wadah,
20,000 agents and 1,000,000 participants registered over 36 months up to this month, in bulk SQL
(generate_series): phones mostly one per participant, a few shared by a household (2–3) and a
few by many (6–9); beneficiary phones likewise; positions scattered around each branch with some
missing, some mocked (accuracy 0) and some agents registering many at one point; form durations
(a few implausibly fast); a perceptual hash on a third of the participants' face photos, some
reused; payers and non-renewers. Then times `refresh_month` for last month over every branch
at once (one scope) and branch by branch (as the nightly job runs it), and prints the flags
raised per kind. Target: ≤ 60 s for the month. The cost the checks add to a sync batch is
printed by benchmarks/sync_bench.py (with and without the quality hook).
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter

from sqlalchemy import func, select, text

from benchmarks._setup import fresh_postgres
from perisai import clock, create_app
from perisai.extensions import db
from perisai.months import Month
from perisai.quality.checks import refresh_month
from perisai.quality.models import QualityFlag

DB_NAME = os.environ.get("PERISAI_BENCH_QUALITY_DB", "bench_quality")

SETUP = """
SET session_replication_role = replica;
INSERT INTO branches (id, code, name, region_code, time_zone, created_at, updated_at)
SELECT b, 'KC-' || b, 'KC ' || b,
       lpad((11 + b / 10)::text, 2, '0') || '.' || lpad((1 + b % 10)::text, 2, '0'), 'WIB',
       now(), now()
FROM generate_series(1, 125) b;
INSERT INTO wadahs (id, branch_id, name, pks_number, pks_start, pks_end, bank_name, bank_account,
                    monthly_target, status, created_at, updated_at)
SELECT w, 1 + (w - 1) / 16, 'Wadah ' || w, 'PKS/' || w, '2024-01-01', '2027-12-31', 'BRI', w::text,
       25, 'active', now(), now()
FROM generate_series(1, 2000) w;
INSERT INTO agents (id, wadah_id, agent_code, full_name, nik, phone, status, joined_on,
                    created_at, updated_at)
SELECT a, 1 + (a - 1) / 10, 'PRS' || lpad(a::text, 6, '0'), 'Agen ' || a,
       '9' || lpad(a::text, 15, '0'), '+62811' || lpad(a::text, 8, '0'), 'active', '2024-01-01',
       now(), now()
FROM generate_series(1, 20000) a;
"""

WORKERS = """
INSERT INTO workers (id, nik, membership_number, full_name, birth_date, gender, phone, occupation,
    sector, income_level, has_jht, funding, village_code, address, beneficiary_name,
    beneficiary_relationship, beneficiary_phone, consent_notice_version, consent_given_at,
    registered_on, lat, lon, accuracy_m, capture_seconds, registered_by_id, managed_by_id,
    branch_id, request_hash, first_paid_month, covered_until, version, created_at, updated_at)
SELECT
    ('10000000-0000-4000-8000-' || lpad(to_hex(n), 12, '0'))::text,
    '33' || lpad(n::text, 14, '0'), lpad(n::text, 11, '0'), 'Peserta ' || n, '1985-01-01', 'M',
    CASE WHEN n % 1000 < 6 THEN '+62813' || lpad((n / 1000)::text, 8, '0')   -- 6 on one phone
         WHEN n % 100 < 3 THEN '+62814' || lpad((n / 100)::text, 8, '0')     -- a household
         ELSE '+62812' || lpad(n::text, 8, '0') END,
    'nelayan', 'other', 1000000, false, 'self',
    b.region_code || '.01.' || lpad((1 + n % 20)::text, 4, '0'),
    'Jl. Contoh ' || n, 'Ahli Waris ' || n, 'istri',
    CASE WHEN n % 2000 < 9 THEN '+62815' || lpad((n / 2000)::text, 8, '0') ELSE NULL END,
    '2026-01', d::timestamptz, d,
    CASE WHEN n % 50 = 0 THEN NULL WHEN ag.clustered THEN -6.9 - (n / 997 % 100) * 0.01
         ELSE -7.5 + ((n * 7919) % 6000) / 10000.0 END,
    CASE WHEN n % 50 = 0 THEN NULL WHEN ag.clustered THEN 109.7 + (n / 997 % 100) * 0.01
         ELSE 110.2 + ((n * 104729) % 6000) / 10000.0 END,
    CASE WHEN n % 50 = 0 THEN NULL WHEN n % 3001 = 0 THEN 0 ELSE 12 END,
    CASE WHEN n % 400 = 0 THEN 25 ELSE 180 + n % 300 END,
    a, a, b.id, lpad(to_hex(n), 64, '0'),
    CASE WHEN n % 5 = 0 THEN NULL ELSE to_char(d, 'YYYY-MM') END,
    CASE WHEN n % 5 = 0 THEN NULL WHEN n % 7 = 0 THEN to_char(d, 'YYYY-MM')
         ELSE to_char(d + interval '3 months', 'YYYY-MM') END,
    1, now(), now()
FROM generate_series(1::bigint, :participants) n
CROSS JOIN LATERAL (  -- every 997th group of 10: one agent at one point on one day
    SELECT n % 997 < 10 AS clustered,
           CASE WHEN n % 997 < 10 THEN 1 + (n / 997) % 20000 ELSE 1 + (n * 7) % 20000 END AS a
) ag
JOIN agents g ON g.id = ag.a
JOIN wadahs w ON w.id = g.wadah_id
JOIN branches b ON b.id = w.branch_id
CROSS JOIN LATERAL (
    SELECT (CAST(:today AS date) - ((CASE WHEN ag.clustered THEN ((n / 997) * 37) % 1080
                                        ELSE (n * 2654435761) % 1080 END) || ' days')::interval
           )::date AS d
) day;
"""

PHOTOS = """
INSERT INTO worker_photos (worker_id, kind, sha256, phash, size_bytes, created_at, updated_at)
SELECT id, 'face', hash,
       CASE WHEN n % 5000 < 2 THEN 'abcdef0123456789'   -- the same photo on many
            ELSE substr(md5(n::text), 1, 16) END,
       40000, now(), now()
FROM (SELECT id, request_hash AS hash, row_number() OVER (ORDER BY id) AS n FROM workers) w
WHERE n % 3 = 0;
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=1_000_000)
    args = parser.parse_args()
    url = fresh_postgres(DB_NAME)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        from flask_migrate import upgrade

        upgrade()
        today = clock.today()
        started = time.perf_counter()
        with db.engine.begin() as conn:
            for statement in SETUP.split(";\n"):
                if statement.strip():
                    conn.execute(text(statement))
            conn.execute(
                text(WORKERS), {"participants": args.participants, "today": today.isoformat()}
            )
            conn.execute(text(PHOTOS))
            conn.execute(text("ANALYZE"))
        print(
            f"dataset: {args.participants:,} participants in {time.perf_counter() - started:.1f} s"
        )
        month = Month.of(today) - 1
        session = db.session
        in_month = session.scalar(
            text("SELECT count(*) FROM workers WHERE to_char(registered_on, 'YYYY-MM') = :m"),
            {"m": str(month)},
        )
        branch_ids = list(range(1, 126))
        started = time.perf_counter()
        changed = refresh_month(session, month, branch_ids, today)
        session.commit()
        national = time.perf_counter() - started
        kinds = Counter(
            dict(
                session.execute(
                    select(QualityFlag.kind, func.count()).group_by(QualityFlag.kind)
                ).all()
            )
        )
        print(
            f"month {month}: {in_month:,} registrations, all signals, every branch at once: "
            f"{national:.1f} s, {changed:,} flags"
        )
        print("  flags by kind: " + ", ".join(f"{k} {v:,}" for k, v in sorted(kinds.items())))
        started = time.perf_counter()
        again = sum(refresh_month(session, month, [b], today) for b in branch_ids)
        session.commit()
        print(
            f"  again branch by branch (the nightly job): {time.perf_counter() - started:.1f} s, "
            f"{again:,} flags changed (nothing new: open flags kept)"
        )


if __name__ == "__main__":
    main()
