"""Commission statement PDFs as a job (`Prefer: respond-async`), run in-process (JOBS_EAGER).

Without the header the endpoints answer the PDF as API.md says (tests/commissions/test_api.py);
with it, 202 and a job whose download is that same PDF.
"""

from __future__ import annotations

import io
import uuid
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from perisai import clock
from perisai.jobs import runner
from perisai.jobs import tasks as job_tasks
from perisai.jobs.models import Job
from perisai.money import rupiah
from perisai.storage import storage
from tests.commissions.helpers import new_paying_workers
from tests.conftest import login
from tests.jobs.conftest import ASYNC

MARCH = date(2026, 3, 10)


@pytest.fixture
def paid(db, org):
    new_paying_workers(db.session, org.agent, 4, MARCH, has_jht=True)
    new_paying_workers(db.session, org.agent2, 2, MARCH, has_jht=False)
    db.session.commit()


def _text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _jobs(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Job))


def _statement(client, agent_code: str) -> dict:
    rows = client.get("/api/v1/commissions/statements?month=2026-03").get_json()
    return next(row for row in rows if row["agent_code"] == agent_code)


def _job_pdf(client, url: str, headers: dict | None = None) -> tuple[dict, bytes]:
    """Ask for the PDF as a job: 202, poll its Location, download."""
    response = client.get(url, headers={**ASYNC, **(headers or {})})
    assert response.status_code == 202, response.get_json()
    job = response.get_json()
    assert response.headers["Location"].endswith(f"/api/v1/jobs/{job['id']}")
    polled = client.get(response.headers["Location"]).get_json()
    assert polled["state"] == "done" and polled["attempts"] == 1, polled
    download = client.get(polled["download_url"])
    assert download.status_code == 200 and download.mimetype == "application/pdf"
    assert download.headers["Cache-Control"] == "private, no-store"
    return polled, download.data


def test_an_agent_statement_as_a_job_is_the_pdf_the_request_gives(eager, db, org, paid, as_agent):
    row = _statement(as_agent, org.agent.agent_code)
    url = f"/api/v1/commissions/statements/{row['id']}.pdf"
    at_once = as_agent.get(url)
    assert at_once.status_code == 200 and at_once.mimetype == "application/pdf"
    assert _jobs(db) == 0  # without the header: the PDF, as today, and no job
    job, data = _job_pdf(as_agent, url)
    assert job["kind"] == "statement_pdf"
    text = _text(data)
    assert text == _text(at_once.data)
    assert org.agent.agent_code in text and rupiah(row["total"]) in text
    assert (
        f'filename="insentif-{org.agent.agent_code}-2026-03.pdf"'
        in (as_agent.get(job["download_url"]).headers["Content-Disposition"])
    )
    _, english = _job_pdf(as_agent, url, {"Accept-Language": "en"})
    assert rupiah(row["total"], "en") in _text(english)  # the request's language


def test_a_wadah_statement_as_a_job(eager, db, org, paid, as_supervisor, as_agent):
    url = f"/api/v1/commissions/wadah-statements/2026-03-{org.wadah.id}.pdf"
    job, data = _job_pdf(as_supervisor, url)
    assert job["kind"] == "wadah_statement_pdf"
    text = _text(data)
    assert text == _text(as_supervisor.get(url).data)
    assert org.wadah.name in text and org.agent.agent_code in text
    assert as_agent.get(url, headers=ASYNC).status_code == 403
    assert _jobs(db) == 1


def test_a_statement_job_is_seen_in_scope_only(eager, app, db, org, paid, as_supervisor):
    row = _statement(as_supervisor, org.agent.agent_code)
    job, _ = _job_pdf(as_supervisor, f"/api/v1/commissions/statements/{row['id']}.pdf")
    for username in (org.other_supervisor_user.username, org.agent2_user.username):
        other = login(app, username)
        assert other.get(f"/api/v1/jobs/{job['id']}").status_code == 404
        assert other.get(f"/api/v1/jobs/{job['id']}/download").status_code == 404
    assert login(app, org.admin_user.username).get(f"/api/v1/jobs/{job['id']}").status_code == 200
    # A statement outside the caller's scope is the same 404 as today, and queues nothing.
    other = login(app, org.other_supervisor_user.username)
    before = _jobs(db)
    for url in (
        f"/api/v1/commissions/statements/{row['id']}.pdf",
        f"/api/v1/commissions/wadah-statements/2026-03-{org.wadah.id}.pdf",
        "/api/v1/commissions/statements/nonsense.pdf",
    ):
        assert other.get(url, headers=ASYNC).status_code == 404
    assert _jobs(db) == before


def test_a_statement_job_run_twice_changes_nothing_more(eager, db, org, paid, as_agent):
    row = _statement(as_agent, org.agent.agent_code)
    job, data = _job_pdf(as_agent, f"/api/v1/commissions/statements/{row['id']}.pdf")
    job_id = uuid.UUID(job["id"])
    found = db.session.get(Job, job_id)
    before = (found.state, found.attempts, found.result_key, found.finished_at)
    files = list(storage().list("generated/"))  # the session's store: other tests' files too
    assert found.result_key in files
    assert runner.run_job(db.session, job_id) is None  # done: nothing to claim
    job_tasks.run.apply(args=[str(job_id)])
    db.session.expire_all()
    found = db.session.get(Job, job_id)
    assert (found.state, found.attempts, found.result_key, found.finished_at) == before
    assert list(storage().list("generated/")) == files

    # Its runner gone half way (a killed worker): the next one renders the same PDF, same key.
    found.state, found.runner_token = "running", "gone"
    found.heartbeat_at = clock.now() - runner.STALE_AFTER - timedelta(seconds=1)
    db.session.commit()
    assert job_tasks.requeue_stalled.apply().get() == 1
    db.session.expire_all()
    found = db.session.get(Job, job_id)
    assert (found.state, found.attempts, found.result_key) == ("done", 2, before[2])
    assert list(storage().list("generated/")) == files
    assert _text(storage().get(found.result_key)) == _text(data)
    assert _jobs(db) == 1
