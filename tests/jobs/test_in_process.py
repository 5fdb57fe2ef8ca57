"""Jobs without Redis (the embedded default): run in-process, state in the database.

JOBS_EAGER runs a job in the request's thread (inside the test's rolled-back transaction);
`test_a_thread_runs_the_job_without_eager` runs one in a thread against a committed database.
"""

from __future__ import annotations

import io
import time
import uuid

import pytest
from flask_migrate import upgrade
from pypdf import PdfReader
from sqlalchemy import func, select

from perisai import create_app
from perisai.cards.models import CardPrint
from perisai.extensions import db as _db
from perisai.jobs import operations, runner
from perisai.jobs import tasks as job_tasks
from perisai.jobs.models import Job
from tests import factories
from tests.conftest import FreshContextClient, login, own_database_url
from tests.jobs.conftest import ASYNC, stalled_card_job


@pytest.fixture
def workers(db, org):
    made = [factories.make_worker(db.session, org.agent) for _ in range(3)]
    db.session.commit()
    return made


def _ids(workers) -> list[str]:
    return [str(w.id) for w in workers]


def test_a_card_batch_answers_202_then_polls_and_downloads_a_pdf(eager, as_supervisor, workers):
    response = as_supervisor.post(
        "/api/v1/cards/print", json={"worker_ids": _ids(workers)}, headers=dict(ASYNC)
    )
    assert response.status_code == 202, response.get_json()
    body = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/jobs/{body['id']}")
    assert body["kind"] == "card_batch"
    polled = as_supervisor.get(f"/api/v1/jobs/{body['id']}").get_json()
    assert polled["state"] == "done" and polled["finished"] and polled["attempts"] == 1
    download = as_supervisor.get(polled["download_url"])
    assert download.status_code == 200
    assert download.mimetype == "application/pdf"
    assert download.headers["Cache-Control"] == "private, no-store"
    pdf = PdfReader(io.BytesIO(download.data))
    assert len(pdf.pages) == 1  # three cards on one A4 sheet


def test_more_than_1000_cards_without_asking_for_a_job_are_refused_and_nothing_printed(
    eager, app, db, as_supervisor, workers
):
    """API.md's POST /cards/print answers a PDF for ≤ 1,000; a job only when asked for."""
    app.config["CARD_SYNC_MAX"] = 2
    try:
        response = as_supervisor.post("/api/v1/cards/print", json={"worker_ids": _ids(workers)})
    finally:
        app.config.pop("CARD_SYNC_MAX")
    assert response.status_code == 422
    assert db.session.scalar(select(func.count()).select_from(CardPrint)) == 0
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    small = as_supervisor.post("/api/v1/cards/print", json={"worker_ids": _ids(workers[:1])})
    assert small.status_code == 200 and small.mimetype == "application/pdf"


def test_a_job_run_twice_changes_nothing_more(eager, db, as_supervisor, workers):
    response = as_supervisor.post(
        "/api/v1/cards/print", json={"worker_ids": _ids(workers)}, headers=dict(ASYNC)
    )
    assert response.status_code == 202, response.get_json()
    job_id = uuid.UUID(response.get_json()["id"])
    prints = db.session.scalar(select(func.count()).select_from(CardPrint))
    job = db.session.get(Job, job_id)
    key, finished = job.result_key, job.finished_at
    assert runner.run_job(db.session, job_id) is None  # done: nothing to claim
    job_tasks.run.apply(args=[str(job_id)])
    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert (job.state, job.attempts, job.result_key, job.finished_at) == ("done", 1, key, finished)
    assert db.session.scalar(select(func.count()).select_from(CardPrint)) == prints


def test_a_job_is_seen_in_scope_only(eager, app, org, as_supervisor, workers):
    job_id = as_supervisor.post(
        "/api/v1/cards/print", json={"worker_ids": _ids(workers)}, headers=dict(ASYNC)
    ).get_json()["id"]
    for username in (org.other_supervisor_user.username, org.agent_user.username):
        other = login(app, username)
        assert other.get(f"/api/v1/jobs/{job_id}").status_code == 404
        assert other.get(f"/api/v1/jobs/{job_id}/download").status_code == 404
    assert login(app, org.admin_user.username).get(f"/api/v1/jobs/{job_id}").status_code == 200
    assert as_supervisor.get(f"/api/v1/jobs/{uuid.uuid4()}").status_code == 404


def test_a_download_before_the_end_is_refused(db, org, as_supervisor):
    job = operations.new_job(
        db.session, "card_batch", user=org.supervisor_user, branch_id=org.branch.id
    )
    db.session.commit()
    response = as_supervisor.get(f"/api/v1/jobs/{job.id}/download")
    assert response.status_code == 409
    assert set(response.get_json()) == {"code", "status", "message", "errors"}
    assert as_supervisor.get(f"/api/v1/jobs/{job.id}").get_json()["state"] == "queued"


def test_a_stalled_job_is_sent_again_and_finished(eager, db, org, workers):
    job = stalled_card_job(db.session, org)
    assert operations.stalled_job_ids(db.session) == [job.id]
    assert job_tasks.requeue_stalled.apply().get() == 1
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.state == "done" and job.attempts == 2
    assert job_tasks.requeue_stalled.apply().get() == 0


def test_a_failing_job_records_its_error(eager, db, org):
    job = operations.new_job(
        db.session, "card_batch", user=org.supervisor_user, branch_id=org.branch.id, params={}
    )
    db.session.commit()
    runner.run_job(db.session, job.id)
    db.session.expire_all()
    job = db.session.get(Job, job.id)
    assert job.state == "failed" and job.error == "jobs.failed" and job.runner_token is None


@pytest.fixture
def live(app, tmp_path):
    """A committed database: a thread's own session must see what the test wrote."""
    url = own_database_url(app.config["BACKEND"], tmp_path, "jobs_thread")
    live_app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "STORAGE_URL": f"file://{tmp_path}/files",
            "BASE_URL": "http://perisai.test",
        }
    )
    live_app.test_client_class = FreshContextClient
    with live_app.app_context():
        upgrade()
        org = factories.make_org(_db.session)
        made = [factories.make_worker(_db.session, org.agent) for _ in range(2)]
        _db.session.commit()
        yield live_app, org, [str(w.id) for w in made]
        _db.session.remove()
        _db.engine.dispose()


def test_a_thread_runs_the_job_without_eager(live):
    live_app, org, ids = live
    client = login(live_app, org.supervisor_user.username)
    response = client.post("/api/v1/cards/print", json={"worker_ids": ids}, headers=dict(ASYNC))
    assert response.status_code == 202
    job_id = response.get_json()["id"]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").get_json()
        if job["finished"]:
            break
        time.sleep(0.2)
    assert job["state"] == "done", job
    assert client.get(job["download_url"]).data.startswith(b"%PDF")
