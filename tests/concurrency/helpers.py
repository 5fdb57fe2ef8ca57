"""A real multi-process server for concurrency tests: gunicorn (4 workers x 4 threads, started
as in benchmarks/load_test.py) on its own committed database, and clients that send requests at
the same instant (threads released by one barrier). The server's clock reads DAY."""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests
from flask_migrate import upgrade
from sqlalchemy import Engine, create_engine

from benchmarks.load_test import free_port, start_gunicorn, wait_healthy
from perisai import create_app
from perisai.config import normalise_database_url
from perisai.extensions import db as _db
from tests import factories
from tests.conftest import own_database_url

DAY = "2026-06-15"  # inside the Wadah agreements of factories.make_org


@dataclass
class Live:
    base: str
    url: str
    usernames: dict  # agent, agent2, other_agent, supervisor, admin
    log: Path
    engine: Engine  # for the tests' own checks

    def login(self, role: str) -> requests.Session:
        http = requests.Session()
        response = http.post(
            f"{self.base}/api/v1/auth/login",
            json={"username": self.usernames[role], "password": factories.PASSWORD},
            timeout=30,
        )
        assert response.status_code == 200, response.text
        http.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return http

    def copies(self, http: requests.Session, count: int) -> list[requests.Session]:
        """The same login on `count` connections of its own (a session is not thread-safe)."""
        copies = []
        for _ in range(count):
            copy = requests.Session()
            copy.cookies.update(http.cookies)
            copy.headers.update(http.headers)
            copies.append(copy)
        return copies

    def register(self, http: requests.Session, **overrides) -> requests.Response:
        body = factories.worker_payload(**overrides)
        return http.post(f"{self.base}/api/v1/workers", json=body, timeout=90)

    def write_lock_held(self, seconds: float):
        return write_lock_held(self.url, seconds)


@contextmanager
def write_lock_held(url: str, seconds: float):
    """Another connection holds SQLite's write lock for `seconds` from now."""
    path = url.removeprefix("sqlite:///").split("?")[0]
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(seconds, holder.rollback)
    release.start()
    try:
        yield
    finally:
        release.join()
        holder.close()


@contextmanager
def gunicorn_server(backend: str, tmp_path: Path, suffix: str, query: str = ""):
    """The server on a migrated database with `factories.make_org`; its clock reads DAY."""
    url = own_database_url(backend, tmp_path, suffix) + query
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "live"})
    with app.app_context():
        upgrade()
        org = factories.make_org(_db.session)
        usernames = {
            "agent": org.agent_user.username,
            "agent2": org.agent2_user.username,
            "other_agent": org.other_agent_user.username,
            "supervisor": org.supervisor_user.username,
            "admin": org.admin_user.username,
        }
        _db.session.remove()
        _db.engine.dispose()
    port = free_port()
    log_name = f"gunicorn-{suffix}.log"
    env = {"PERISAI_ENV": "development", "PERISAI_CLOCK": DAY}
    server = start_gunicorn(url, port, log_name, log_dir=tmp_path, env=env)
    base = f"http://127.0.0.1:{port}"
    engine = create_engine(normalise_database_url(url))
    try:
        wait_healthy(base)
        yield Live(base, url, usernames, tmp_path / log_name, engine)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        engine.dispose()


def at_once(*calls) -> list:
    """Run the calls in threads released together; their results (or exceptions) in order."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        barrier.wait(timeout=30)
        try:
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - handed to the test, which fails on it
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results
