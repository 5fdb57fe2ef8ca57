"""Loading the whole vendored region list (91,599 codes) and reading it back through the API.

    .venv/bin/python -m benchmarks.regions_load

PostgreSQL: a scratch database `bench_regions` is (re)created through PERISAI_BENCH_PG
(default postgresql+psycopg://postgres@127.0.0.1:5432/postgres); skipped when unreachable.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from perisai import create_app
from perisai.extensions import db
from perisai.regions.operations import load_regions, read_region_files

PG_ADMIN_URL = os.environ.get(
    "PERISAI_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)


def fresh_postgres(name: str) -> str:
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def run(backend: str, url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        counts, first = timed(lambda: (load_regions(db.session), db.session.commit())[0])
        again_counts, again = timed(lambda: (load_regions(db.session), db.session.commit())[0])
        client = app.test_client()
        paths = [
            "/api/v1/reference/regions",
            "/api/v1/reference/regions?parent=33.25",
            "/api/v1/reference/regions?parent=33.25.01",
            "/api/v1/reference/regions/33.25.01.2001",
        ]
        latencies = []
        for _ in range(50):
            for path in paths:
                _, seconds = timed(lambda path=path: client.get(path))
                latencies.append(seconds * 1000)
        db.engine.dispose()
    print(
        f"{backend:10} first load {first:5.2f} s ({counts['inserted']} codes), "
        f"reload {again:5.2f} s (inserted {again_counts['inserted']}, "
        f"updated {again_counts['updated']}), "
        f"API look-up median {statistics.median(latencies):.1f} ms, "
        f"p95 {statistics.quantiles(latencies, n=20)[-1]:.1f} ms"
    )


def main() -> None:
    _, parse = timed(lambda: list(read_region_files()))
    print(f"parsing the vendored CSVs: {parse:.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{tmp}/regions.sqlite3")
    try:
        url = fresh_postgres("bench_regions")
    except Exception as error:  # noqa: BLE001 - a missing server only skips that backend
        print(f"postgresql skipped: {type(error).__name__}")
        return
    run("postgresql", url)


if __name__ == "__main__":
    main()
