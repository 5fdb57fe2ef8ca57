"""Jobs on a real Celery worker (processes started by `cluster`, see conftest.py)."""

from __future__ import annotations

import io
import time
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import func, inspect, select

from perisai.agents.models import Agent
from perisai.extensions import db as _db
from perisai.imports import tasks as import_tasks
from perisai.imports.models import ImportJob
from perisai.jobs.app import BEAT_SCHEDULE, celery
from perisai.workers.models import Worker
from tests import factories
from tests.conftest import login
from tests.imports.helpers import csv_bytes, rows_of

pytestmark = pytest.mark.slow
ROWS = 1200  # more than 1,000: always queued (API.md)


def _upload(client, content: bytes):
    return client.post(
        "/api/v1/imports/workers",
        data={"file": (io.BytesIO(content), "peserta.csv"), "mode": "valid_only"},
        content_type="multipart/form-data",
    )


def _wait(predicate, timeout: float = 120, what: str = "the job"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _db.session.remove()
        if value := predicate():
            return value
        time.sleep(0.2)
    pytest.fail(f"{what} never got there")


def _job(job_id) -> ImportJob:
    return _db.session.get(ImportJob, job_id)


def _workers() -> int:
    return _db.session.scalar(select(func.count()).select_from(Worker))


def test_a_large_import_answers_202_queued_and_completes_on_the_worker(cluster):
    live_app, org, workers = cluster
    client = login(live_app, org.supervisor_user.username)
    content = csv_bytes(rows_of(ROWS, start=10_000, agent_code=org.agent.agent_code))
    response = _upload(client, content)
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    assert job["state"] == "queued" and job["counts"]["total"] == ROWS
    time.sleep(1.0)  # no worker yet: it stays queued
    assert client.get(f"/api/v1/imports/{job['id']}").get_json()["state"] == "queued"
    workers.start("one")
    done = _wait(lambda: _job(job["id"]).state == "done" and _job(job["id"]))
    assert done.imported_rows == ROWS and _workers() == ROWS

    # The same task sent twice more (a redelivery, a second beat) changes nothing.
    before = (done.state, done.imported_rows, done.finished_at, _workers())
    with live_app.test_request_context():
        import_tasks.queue_import(done)
        import_tasks.queue_import(done)
    time.sleep(3)
    _db.session.remove()
    again = _job(job["id"])
    assert (again.state, again.imported_rows, again.finished_at, _workers()) == before


def test_a_worker_killed_mid_import_is_replaced_by_another(cluster):
    live_app, org, workers = cluster
    client = login(live_app, org.supervisor_user.username)
    start = _workers()
    content = csv_bytes(rows_of(ROWS, start=20_000, female=True, agent_code=org.agent.agent_code))
    job_id = _upload(client, content).get_json()["id"]
    killed = workers.start("doomed")
    for proc in workers.procs:
        if proc is not killed:
            workers.kill(proc)  # only the doomed one takes the job
    _wait(lambda: _job(job_id).state == "importing" and _job(job_id).processed_rows >= 300)
    workers.kill(killed)
    halfway = _job(job_id)
    assert halfway.state == "importing" and start < _workers() < start + ROWS
    assert (_workers() - start) % 100 == 0  # whole chunks only
    workers.start("rescuer")
    with live_app.app_context():  # beat's task: the lease's runner is gone, send it again
        assert import_tasks.requeue_interrupted.apply().get() == 1
    done = _wait(lambda: _job(job_id).state == "done" and _job(job_id))
    assert done.imported_rows == ROWS and _workers() == start + ROWS
    niks = _db.session.scalar(select(func.count(func.distinct(Worker.nik))))
    assert niks == _workers()


def test_a_card_batch_job_is_rendered_by_the_worker(cluster):
    live_app, org, workers = cluster
    if not any(proc.poll() is None for proc in workers.procs):
        workers.start("cards")
    agent = _db.session.get(Agent, org.agent.id)
    made = [
        factories.make_worker(
            _db.session, agent, nik=factories.valid_nik(n, birth=date(1985, 1, 2))
        )
        for n in range(12)
    ]
    _db.session.commit()
    client = login(live_app, org.supervisor_user.username)
    response = client.post(
        "/api/v1/cards/print",
        json={"worker_ids": [str(w.id) for w in made]},
        headers={"Prefer": "respond-async"},
    )
    assert response.status_code == 202, response.get_json()
    url = response.headers["Location"]

    def finished():
        body = client.get(url).get_json()
        return body if body["finished"] else None

    job = _wait(finished)
    assert job["state"] == "done", job
    download = client.get(job["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert len(PdfReader(io.BytesIO(download.data)).pages) == 2  # 12 cards: two A4 sheets


def test_a_statement_pdf_job_is_rendered_by_the_worker(cluster):
    live_app, org, workers = cluster
    if not any(proc.poll() is None for proc in workers.procs):
        workers.start("statements")
    agent = _fresh(org.agent)  # org's rows are detached and expired by earlier tests
    agent_code, other_supervisor = agent.agent_code, _fresh(org.other_supervisor_user).username
    agent_user = _fresh(org.agent_user).username
    for n in range(3):  # NIKs of their own: the imports above used the factory's birth day
        paying = factories.make_worker(
            _db.session, agent, nik=factories.valid_nik(n, birth=date(1979, 3, 4))
        )
        factories.record_test_payment(_db.session, paying, date(2026, 3, 10))
    url = f"/api/v1/commissions/statements/2026-03-{agent.id}.pdf"
    _db.session.commit()
    client = login(live_app, agent_user)
    response = client.get(url, headers={"Prefer": "respond-async"})
    assert response.status_code == 202, response.get_json()
    location = response.headers["Location"]

    def finished():
        body = client.get(location).get_json()
        return body if body["finished"] else None

    job = _wait(finished)
    assert job["state"] == "done" and job["kind"] == "statement_pdf", job
    download = client.get(job["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    text = _pdf_text(download.data)
    assert agent_code in text
    assert text == _pdf_text(client.get(url).data)  # the PDF the request itself renders
    other = login(live_app, other_supervisor)
    assert other.get(location).status_code == 404
    assert other.get(job["download_url"]).status_code == 404


def _fresh(row):
    """The row again, in the current session."""
    return _db.session.get(type(row), inspect(row).identity)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_beat_names_registered_tasks(cluster):
    celery.loader.import_default_modules()
    registered = set(celery.tasks)
    assert {entry["task"] for entry in BEAT_SCHEDULE.values()} <= registered
