"""An import killed half way (SIGKILL on the runner process) is resumed or rolled back.

These tests use their own database, committed for real, because the runner is a separate
process (`flask --app wsgi perisai run-import`) that must see the job and its rows.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

from perisai import clock, create_app
from perisai.extensions import db as _db
from perisai.imports import operations, runner
from perisai.imports.models import ImportJob, ImportRow
from perisai.workers.models import Worker
from tests import factories
from tests.conftest import FreshContextClient, own_database_url
from tests.imports.helpers import csv_bytes, rows_of

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ROWS, CHUNK = 240, 20

pytestmark = pytest.mark.slow


@pytest.fixture
def live(app, tmp_path):
    """A migrated database of the same backend with an org, and a job for a 240-row list."""
    url = own_database_url(app.config["BACKEND"], tmp_path, "live")
    live_app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with live_app.app_context():
        upgrade()
        org = factories.make_org(_db.session)
        path = tmp_path / "list.csv"
        path.write_bytes(csv_bytes(rows_of(ROWS, start=5000, agent_code=org.agent.agent_code)))
        yield live_app, url, org, path
        _db.session.remove()
        _db.engine.dispose()


def _job(live_app, org, path, mode: str) -> uuid.UUID:
    import hashlib

    data = path.read_bytes()
    upload = operations.Upload(
        filename="list.csv", path=str(path), sha256=hashlib.sha256(data).hexdigest(), size=len(data)
    )
    from perisai.auth.models import User

    user = _db.session.get(User, org.supervisor_user.id)
    job, _ = operations.submit_import(
        _db.session, user=user, upload=upload, dry_run=False, mode=mode, options={}
    )
    _db.session.commit()
    return job.id


class Runner:
    """`flask perisai run-import` in its own process, its output in a file."""

    def __init__(self, url: str, job_id, *extra):
        # the child's clock reads what this test's does (PERISAI_CLOCK when it is moved)
        env = {**clock.child_environment(), "PERISAI_DATABASE_URL": url}
        self.output = b""
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "flask",
                "--app",
                "wsgi",
                "perisai",
                "run-import",
                str(job_id),
                "--chunk-rows",
                str(CHUNK),
                *extra,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        self.pid = self.proc.pid

    def poll(self):
        return self.proc.poll()

    def finish(self, timeout: float = 120) -> int:
        self.output, _ = self.proc.communicate(timeout=timeout)
        return self.proc.returncode

    def kill(self) -> None:
        self.proc.kill()
        self.finish()


def _runner(url: str, job_id, *extra) -> Runner:
    return Runner(url, job_id, *extra)


def _kill_when(job_id, proc, state: str, at_least: int, timeout: float = 90) -> None:
    """SIGKILL the runner once the job is in `state` with `at_least` rows processed."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _db.session.remove()
        job = _db.session.get(ImportJob, job_id)
        if job.state == state and job.processed_rows >= at_least:
            os.kill(proc.pid, signal.SIGKILL)
            proc.finish()
            return
        if proc.poll() is not None:
            proc.finish()
            pytest.fail(proc.output.decode())
        time.sleep(0.05)
    proc.kill()
    pytest.fail("the runner never got there")


def _counts(job_id) -> tuple[int, int, int]:
    _db.session.remove()
    workers = _db.session.scalar(select(func.count()).select_from(Worker))
    imported = _db.session.scalar(
        select(func.count()).where(ImportRow.job_id == job_id, ImportRow.status == "imported")
    )
    linked = _db.session.scalar(
        select(func.count(Worker.id)).join(ImportRow, ImportRow.worker_id == Worker.id)
    )
    return workers, imported, linked


def test_killed_valid_only_import_resumes_without_duplicates(live):
    live_app, url, org, path = live
    with live_app.app_context():
        job_id = _job(live_app, org, path, "valid_only")
        proc = _runner(url, job_id, "--pause", "0.25")
        _kill_when(job_id, proc, "importing", 3 * CHUNK)
        workers, imported, linked = _counts(job_id)
        # Whole chunks only: every participant has its row, every imported row its participant.
        assert 0 < workers < ROWS and workers % CHUNK == 0
        assert workers == imported == linked
        job = _db.session.get(ImportJob, job_id)
        assert job.state == "importing" and operations.is_interrupted(job)
        # A second runner takes over (the first one's pid is gone) and finishes.
        resumed = _runner(url, job_id)
        assert resumed.finish() == 0, resumed.output.decode()
        workers, imported, linked = _counts(job_id)
        assert workers == imported == linked == ROWS
        job = _db.session.get(ImportJob, job_id)
        assert job.state == "done" and job.imported_rows == ROWS and job.invalid_rows == 0
        niks = _db.session.scalar(select(func.count(func.distinct(Worker.nik))))
        assert niks == ROWS


def test_killed_all_or_nothing_import_rolls_back_to_nothing(live):
    live_app, url, org, path = live
    with live_app.app_context():
        job_id = _job(live_app, org, path, "all_or_nothing")
        proc = _runner(url, job_id, "--pause", "0.25")
        _kill_when(job_id, proc, "importing", 2 * CHUNK)
        workers, imported, _ = _counts(job_id)
        assert 0 < workers < ROWS and workers == imported
        job = _db.session.get(ImportJob, job_id)
        assert operations.is_interrupted(job)
        operations.mark_for_rollback(_db.session, job)
        _db.session.commit()
        runner.run_job(_db.session, job_id)
        workers, imported, _ = _counts(job_id)
        assert workers == 0 and imported == 0
        job = _db.session.get(ImportJob, job_id)
        assert job.state == "rolled_back" and job.imported_rows == 0 and job.valid_rows == ROWS
        # The same job can then be imported again, completely.
        operations.commit_validated(job, None)
        _db.session.commit()
        runner.run_job(_db.session, job_id, chunk_rows=100)
        assert _counts(job_id) == (ROWS, ROWS, ROWS)


def test_a_live_runner_is_not_taken_over(live):
    live_app, url, org, path = live
    with live_app.app_context():
        job_id = _job(live_app, org, path, "valid_only")
        proc = _runner(url, job_id, "--pause", "0.25")
        try:
            _wait_for_state(job_id, "importing")
            job = _db.session.get(ImportJob, job_id)
            assert not operations.is_interrupted(job)
            with pytest.raises(runner.Busy):
                runner.run_job(_db.session, job_id)
        finally:
            proc.kill()


def _wait_for_state(job_id, state: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _db.session.remove()
        if _db.session.get(ImportJob, job_id).state == state:
            return
        time.sleep(0.05)
    pytest.fail(f"never reached {state}")


def test_a_large_upload_runs_in_a_background_process_and_is_polled(live, tmp_path):
    live_app, _url, org, path = live
    live_app.config.update({"IMPORT_SYNC_MAX_ROWS": 10, "IMPORT_STORE": str(tmp_path / "store")})
    live_app.test_client_class = FreshContextClient  # each request its own session
    client = live_app.test_client()
    login = client.post(
        "/api/v1/auth/login",
        json={"username": org.supervisor_user.username, "password": factories.PASSWORD},
    )
    csrf = login.get_json()["csrf_token"]
    with open(path, "rb") as handle:
        response = client.post(
            "/api/v1/imports/workers",
            data={"file": (handle, "list.csv"), "mode": "valid_only"},
            content_type="multipart/form-data",
            headers={"X-CSRF-Token": csrf},
        )
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    assert job["state"] == "queued" and job["counts"]["total"] == ROWS
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/imports/{job['id']}").get_json()
        if job["finished"] or job["interrupted"]:
            break
        time.sleep(0.3)
    assert job["state"] == "done" and job["counts"]["imported"] == ROWS, job
    for child in runner._children:
        child.wait(timeout=30)
    with live_app.app_context():
        _db.session.remove()
        assert _db.session.scalar(select(func.count()).select_from(Worker)) == ROWS
