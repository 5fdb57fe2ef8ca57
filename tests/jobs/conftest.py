"""A real Celery worker for the job tests: `.venv/bin/celery -A perisai.jobs worker` processes
against this machine's Redis, on a queue (and key prefix) of this test run only, sharing a
committed database and a file store with the test's app.

Skipped when Redis does not answer, unless CI is set (then it fails: CI must run them).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import timedelta

import pytest
import redis
from flask_migrate import upgrade

from perisai import clock, create_app
from perisai.extensions import db as _db
from perisai.jobs import operations, runner
from perisai.jobs.app import celery, celery_settings
from tests import factories
from tests.conftest import FreshContextClient, own_database_url

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REDIS_URL = os.environ.get("PERISAI_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# One queue (and Redis key prefix) for this test run, shared by its backends: Celery's producer
# keeps the queue settings it first connected with.
QUEUE = f"perisai-test-{uuid.uuid4().hex[:12]}"

ASYNC = {"Prefer": "respond-async"}  # ask for a job instead of the file


@pytest.fixture
def eager(app):
    """Jobs run at once inside the request that queues them (the in-process mode, no thread)."""
    app.config["JOBS_EAGER"] = True
    yield app
    app.config.pop("JOBS_EAGER", None)


def stalled_card_job(session, org):
    """A card batch job whose runner stopped reporting (a killed worker), committed."""
    job = operations.new_job(
        session,
        "card_batch",
        user=org.supervisor_user,
        branch_id=org.branch.id,
        params={"card_ids": [], "back": False, "base_url": "http://perisai.test"},
    )
    job.state, job.runner_token, job.attempts = "running", "gone", 1
    job.heartbeat_at = clock.now() - runner.STALE_AFTER - timedelta(seconds=1)
    session.commit()
    return job


def redis_answers() -> bool:
    try:
        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


class Workers:
    """Worker processes (one task at a time each), started and killed by the test."""

    def __init__(self, env: dict, folder):
        self.env, self.folder, self.procs = env, folder, []

    def start(self, name: str, *, ready_timeout: float = 60) -> subprocess.Popen:
        log_path = self.folder / f"{name}.log"
        with open(log_path, "wb") as log_file:
            proc = subprocess.Popen(
                [
                    os.path.join(os.path.dirname(sys.executable), "celery"),
                    "-A",
                    "perisai.jobs",
                    "worker",
                    "--pool",
                    "solo",
                    "--hostname",
                    f"{name}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel",
                    "INFO",
                ],
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        proc.log_path = log_path
        self.procs.append(proc)
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:
            if b" ready." in log_path.read_bytes():
                return proc
            if proc.poll() is not None:
                break
            time.sleep(0.2)
        pytest.fail(f"worker {name} did not start:\n{log_path.read_text()[-3000:]}")

    def kill(self, proc: subprocess.Popen) -> None:
        """SIGKILL the worker's whole process group: no clean shutdown, no acknowledgement."""
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def cluster(app, tmp_path_factory):
    """(app with REDIS_URL, org, Workers): a committed database, a store, this run's queue."""
    tmp_path = tmp_path_factory.mktemp("jobs_worker")
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer at {REDIS_URL} (CI must run the worker tests)")
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    url = own_database_url(app.config["BACKEND"], tmp_path, "jobs_worker")
    queue = QUEUE
    store = f"file://{tmp_path}/files"
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": url,
        "REDIS_URL": REDIS_URL,
        "JOBS_QUEUE": queue,
        "STORAGE_URL": store,
        "BASE_URL": "http://perisai.test",
    }
    live_app = create_app(config)
    live_app.test_client_class = FreshContextClient
    env = {
        **clock.child_environment(),
        "PERISAI_DATABASE_URL": url,
        "PERISAI_REDIS_URL": REDIS_URL,
        "PERISAI_JOBS_QUEUE": queue,
        "PERISAI_STORAGE_URL": store,
        "PERISAI_BASE_URL": "http://perisai.test",
        "PERISAI_IMPORT_CHUNK_ROWS": "100",
        "PERISAI_IMPORT_PAUSE": "0.3",
    }
    workers = Workers(env, tmp_path)
    with live_app.app_context():
        upgrade()
        org = factories.make_org(_db.session)
        try:
            yield live_app, org, workers
        finally:
            workers.stop_all()
            _db.session.remove()
            _db.engine.dispose()
            keys = redis.Redis.from_url(REDIS_URL)
            for key in keys.scan_iter(f"{queue}*"):
                keys.delete(key)
            celery.conf.update(celery_settings(app.config))  # the session app's settings again
