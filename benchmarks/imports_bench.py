"""Collective enrolment at scale: rows per second and peak memory for a 50,000-row list.

    .venv/bin/python benchmarks/imports_bench.py [--rows 50000] [--backends sqlite,postgresql]
        [--pg postgresql://postgres@127.0.0.1:5432/bench_imports] [--xlsx]

Each backend runs in its own process (so its peak RSS is its own): a fresh, migrated database,
an org with 200 villages, a generated CSV (and optionally XLSX) of valid participants, then
1. the import of the whole list (valid_only: one pass), chunks of 2,000 rows, each its own
   transaction: per chunk one read each of the ids stored, the villages, the agents and the
   likely duplicates (a DuplicatePool: everyone born on the chunk's days in its villages or with
   its phones); every row built by build_registration and written by the batch writer shared
   with sync (one flush), its row report by one bulk INSERT. The list's people are born 9,000 to
   a day in 200 villages, so each row has about 22 earlier candidates of similar name ("Peserta
   Bench N"), all compared by cydifflib (difflib's ratio) and all flagged as likely duplicates,
2. the same file again (same job: nothing re-imported),
3. a dry run of a separate sample (every row checked, the chunk's registrations written in a
   savepoint that is rolled back), and with --xlsx the same sample as XLSX (openpyxl read-only).
An all_or_nothing import costs a dry run plus the import (validation pass, then publish).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

VILLAGES = 200


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rows(count: int, start: int = 0):
    from perisai.imports.columns import COLUMNS
    from tests.factories import valid_nik

    yield [c.name_id for c in COLUMNS]
    for n in range(start, start + count):
        birth = date(1960, 1, 1) + timedelta(days=n // 9000)
        female = n % 2 == 1
        village = f"33.25.01.{2001 + n % VILLAGES}"
        yield [
            valid_nik(n % 9000, female=female, birth=birth),
            f"Peserta Bench {n}",
            birth.isoformat(),
            "P" if female else "L",
            f"0813{n:08d}",
            "nelayan",
            "1000000",
            "JKK,JKM" if n % 3 else "JKK,JKM,JHT",
            village,
            f"Jl. Pantai Utara No. {n}",
            "Siti Aminah",
            "istri",
            "",
            "YA",
            "2026-01",
            "",
            "",
        ]


def write_csv(path: str, count: int, start: int = 0) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(_rows(count, start))


def write_xlsx(path: str, count: int, start: int = 0) -> None:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    for row in _rows(count, start):
        sheet.append(row)
    workbook.save(path)


def reset_postgres(url: str) -> None:
    from sqlalchemy import create_engine, text

    server, _, name = url.rpartition("/")
    engine = create_engine(
        server.replace("postgresql://", "postgresql+psycopg://") + "/postgres",
        isolation_level="AUTOCOMMIT",
    )
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()


def one_backend(backend: str, rows: int, dry_rows: int, pg_url: str, with_xlsx: bool) -> dict:
    import logging

    from flask_migrate import upgrade

    from perisai import create_app
    from perisai.auth.models import User
    from perisai.extensions import db
    from perisai.imports import operations, runner
    from tests import factories

    logging.disable(logging.INFO)
    tmp = tempfile.mkdtemp(prefix="imports-bench-")
    if backend == "sqlite":
        url = f"sqlite:///{tmp}/bench.sqlite3"
    else:
        reset_postgres(pg_url)
        url = pg_url
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "IMPORT_STORE": tmp})
    result = {"backend": backend, "rows": rows}
    with app.app_context():
        upgrade()
        org = factories.make_org(db.session)
        for i in range(VILLAGES):
            factories.make_regions(db.session, f"33.25.01.{2001 + i}")
        db.session.commit()
        user = db.session.get(User, org.supervisor_user.id)
        path = os.path.join(tmp, "list.csv")
        write_csv(path, rows)
        result["csv_mb"] = round(os.path.getsize(path) / 2**20, 1)
        result["rss_before_mb"] = round(_rss_mb(), 1)

        def submit(file_path, name, *, dry_run, mode="all_or_nothing"):
            with open(file_path, "rb") as handle:
                data = handle.read()
            upload = operations.Upload(
                filename=name,
                path=file_path,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
            )
            del data
            job, _ = operations.submit_import(
                db.session,
                user=user,
                upload=upload,
                dry_run=dry_run,
                mode=mode,
                options={"agent_code": org.agent.agent_code, "notice_version": "2026-01"},
            )
            db.session.commit()
            return job

        started = time.perf_counter()
        job = submit(path, "list.csv", dry_run=False, mode="valid_only")
        result["inspect_s"] = round(time.perf_counter() - started, 2)
        started = time.perf_counter()
        job = runner.run_job(db.session, job.id)
        elapsed = time.perf_counter() - started
        assert job.state == "done" and job.imported_rows == rows, (job.state, job.invalid_rows)
        result["import_rows_per_s"] = round(rows / elapsed)
        result["import_s"] = round(elapsed, 1)
        result["peak_rss_import_mb"] = round(_rss_mb(), 1)
        write_csv(path, rows)  # the runner removed the finished list; upload it again
        started = time.perf_counter()
        again = submit(path, "list.csv", dry_run=False, mode="valid_only")
        result["reimport_s"] = round(time.perf_counter() - started, 2)
        assert again.id == job.id and again.state == "done"
        sample = os.path.join(tmp, "sample.csv")
        write_csv(sample, dry_rows, start=rows)
        started = time.perf_counter()
        dry = runner.run_job(db.session, submit(sample, "sample.csv", dry_run=True).id)
        elapsed = time.perf_counter() - started
        assert dry.state == "validated" and dry.valid_rows == dry_rows, dry.invalid_rows
        result["dry_rows"] = dry_rows
        result["dry_run_rows_per_s"] = round(dry_rows / elapsed)
        if with_xlsx:
            xlsx = os.path.join(tmp, "sample.xlsx")
            write_xlsx(xlsx, dry_rows, start=rows)
            result["xlsx_mb"] = round(os.path.getsize(xlsx) / 2**20, 1)
            started = time.perf_counter()
            x_job = runner.run_job(db.session, submit(xlsx, "sample.xlsx", dry_run=True).id)
            elapsed = time.perf_counter() - started
            assert x_job.valid_rows == dry_rows
            result["xlsx_dry_run_rows_per_s"] = round(dry_rows / elapsed)
        result["peak_rss_mb"] = round(_rss_mb(), 1)
        db.session.remove()
        db.engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/bench_imports")
    parser.add_argument("--dry-rows", type=int, default=10_000, help="rows of the dry-run sample")
    parser.add_argument("--xlsx", action="store_true")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_backend(args.one, args.rows, args.dry_rows, args.pg, args.xlsx)))
        return
    from perisai.imports.chunks import CHUNK_ROWS

    for backend in args.backends.split(","):
        command = [
            sys.executable,
            __file__,
            "--one",
            backend,
            "--rows",
            str(args.rows),
            "--pg",
            args.pg,
            "--dry-rows",
            str(args.dry_rows),
        ] + (["--xlsx"] if args.xlsx else [])
        out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        if out.returncode != 0:
            print(f"{backend}: failed\n{out.stderr[-3000:]}")
            continue
        r = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"[{backend}] {r['rows']:,} rows, CSV {r['csv_mb']} MB")
        print(f"  upload check (header, streaming row count): {r['inspect_s']} s")
        print(
            f"  import (valid_only, one pass, chunks of {CHUNK_ROWS:,}): "
            f"{r['import_rows_per_s']:,} rows/s "
            f"({r['import_s']} s); peak RSS {r['peak_rss_import_mb']} MB"
        )
        print(f"  same file again: {r['reimport_s']} s (same job, nothing imported)")
        print(f"  dry run ({r['dry_rows']:,}-row sample): {r['dry_run_rows_per_s']:,} rows/s")
        if "xlsx_dry_run_rows_per_s" in r:
            print(
                f"  XLSX dry run ({r['xlsx_mb']} MB sample): "
                f"{r['xlsx_dry_run_rows_per_s']:,} rows/s"
            )
        print(f"  peak RSS: {r['peak_rss_mb']} MB (before the list: {r['rss_before_mb']} MB)")


if __name__ == "__main__":
    main()
