"""Shared set-up for benchmarks: a fresh database (SQLite file or PostgreSQL) migrated to head,
with one branch, Wadah, agent and login, and the logged-in test client."""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager
from datetime import date

from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from perisai import create_app
from perisai.agents import operations as agents
from perisai.auth.operations import create_user
from perisai.cash.limits import add_limit
from perisai.extensions import db
from perisai.regions.models import Region

PG_ADMIN_URL = os.environ.get(
    "PERISAI_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
PASSWORD = "benchmark-password"  # noqa: S105 - a throwaway benchmark login


def fresh_postgres(name: str) -> str:
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


@contextmanager
def bench_app(backend: str, name: str):
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/{name}.sqlite3" if backend == "sqlite" else fresh_postgres(name)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "bench",
                "PHOTO_STORE": os.path.join(tmp, "photos"),
                "STORAGE_URL": "file://" + os.path.join(tmp, "files"),
            }
        )
        with app.app_context():
            upgrade()
        yield app
        with app.app_context():
            db.engine.dispose()


def seed_agent(app, village_code: str = "33.25.01.2001") -> str:
    """One branch/Wadah/agent with a login; returns the username."""
    with app.app_context():
        session = db.session
        parts = village_code.split(".")
        for depth, level in enumerate(("province", "regency", "district", "village"), start=1):
            code = ".".join(parts[:depth])
            if session.get(Region, code) is None:
                session.add(
                    Region(
                        code=code,
                        parent_code=".".join(parts[: depth - 1]) or None,
                        level=level,
                        name=code,
                    )
                )
        branch = agents.create_branch(
            session, code="KC-BENCH", name="KC Bench", region_code="33.25"
        )
        wadah = agents.create_wadah(
            session,
            branch=branch,
            name="Wadah Bench",
            pks_number="B/1",
            pks_start=date(2026, 1, 1),
            pks_end=date(2026, 12, 31),
            bank_name="BRI",
            bank_account="1",
        )
        agent = agents.create_agent(
            session,
            wadah=wadah,
            agent_code="PRS-BENCH",
            full_name="Bench",
            nik="3325010101900001",
            phone="+6281200000000",
            joined_on=date(2026, 1, 1),
        )
        create_user(session, username="bench-agent", password=PASSWORD, role="agent", agent=agent)
        # A ceiling no batch reaches: a benchmark agent collects millions in cash in minutes,
        # and every cash payment is still judged against it (perisai.cash.position).
        add_limit(
            session,
            agent_id=agent.id,
            branch_id=branch.id,
            effective_from=date(2000, 1, 1),
            ceiling=2_000_000_000,
            max_age_days=3,
            source="benchmark agent",
        )
        session.commit()
    return "bench-agent"


def login(app, username: str):
    client = app.test_client()
    body = client.post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    ).get_json()
    return client, {"X-CSRF-Token": body["csrf_token"]}


class Timer:
    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self.start
