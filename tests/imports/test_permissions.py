"""Who may import what: roles, scope of jobs, agents within their own Wadah, CSRF."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import select

from perisai.workers.models import Worker
from tests.factories import make_agent
from tests.imports.helpers import csv_bytes, rows_of, upload


def test_anonymous_is_refused(client):
    assert client.get("/api/v1/imports").status_code == 401
    assert client.get("/api/v1/imports/template.csv").status_code == 401
    response = upload(client, csv_bytes(rows_of(1)))
    assert response.status_code == 401


def test_csrf_header_is_required(app, org, as_supervisor):
    raw = as_supervisor.client  # the bare client: no X-CSRF-Token
    import io

    response = raw.post(
        "/api/v1/imports/workers",
        data={"file": (io.BytesIO(csv_bytes(rows_of(1))), "a.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 403


def test_agent_imports_for_itself(db, org, as_agent):
    job = upload(as_agent, csv_bytes(rows_of(2, start=2000))).get_json()
    assert job["state"] == "done" and job["counts"]["imported"] == 2
    workers = db.session.scalars(select(Worker)).all()
    assert {w.registered_by_id for w in workers} == {org.agent.id}
    assert {w.branch_id for w in workers} == {org.branch.id}


def test_agent_may_name_an_agent_of_its_own_wadah_only(db, org, as_agent):
    colleague = make_agent(db.session, org.wadah)
    db.session.commit()
    rows = rows_of(2, start=2100)
    rows[0]["agent_code"] = colleague.agent_code
    rows[1]["agent_code"] = org.agent2.agent_code  # another Wadah
    job = upload(as_agent, csv_bytes(rows), mode="valid_only").get_json()
    assert job["counts"]["imported"] == 1 and job["counts"]["invalid"] == 1
    problems = as_agent.get(f"/api/v1/imports/{job['id']}/rows?status=problems").get_json()
    assert problems[0]["row"] == 3 and list(problems[0]["errors"]) == ["agent_code"]
    worker = db.session.scalar(select(Worker))
    assert worker.managed_by_id == colleague.id


def test_agent_cannot_attach_a_sponsor_payment(db, org, as_agent):
    response = upload(as_agent, csv_bytes(rows_of(1, start=2200)), sponsor_id=1, sponsor_months=3)
    assert response.status_code == 403


def test_admin_rows_need_a_managing_agent(db, org, as_admin):
    job = upload(as_admin, csv_bytes(rows_of(1, start=2300)), dry_run=True).get_json()
    problems = as_admin.get(f"/api/v1/imports/{job['id']}/rows?status=problems").get_json()
    assert list(problems[0]["errors"]) == ["agent_code"]
    job = upload(
        as_admin, csv_bytes(rows_of(1, start=2301)), agent_code=org.other_agent.agent_code
    ).get_json()
    assert job["counts"]["imported"] == 1


def test_supervisor_cannot_use_an_agent_of_another_branch(db, org, as_supervisor):
    rows = rows_of(1, start=2400, agent_code=org.other_agent.agent_code)
    job = upload(as_supervisor, csv_bytes(rows), dry_run=True).get_json()
    assert job["counts"]["invalid"] == 1


@pytest.mark.parametrize(
    ("viewer", "visible"),
    [
        ("as_agent", True),
        ("as_agent2", False),
        ("as_supervisor", True),
        ("as_other_supervisor", False),
        ("as_other_branch_agent", False),
        ("as_admin", True),
    ],
)
def test_jobs_are_visible_within_scope(request, db, org, as_agent, viewer, visible):
    job = upload(as_agent, csv_bytes(rows_of(1, start=2500)), dry_run=True).get_json()
    client = request.getfixturevalue(viewer)
    paths = [f"/api/v1/imports/{job['id']}", f"/api/v1/imports/{job['id']}/rows"]
    for path in paths:
        assert client.get(path).status_code == (200 if visible else 404)
    listed = [j["id"] for j in client.get("/api/v1/imports").get_json()]
    assert (job["id"] in listed) == visible
    action = client.post(f"/api/v1/imports/{job['id']}/commit", json={})
    assert action.status_code == (200 if visible else 404)


def test_unknown_job_is_404(db, org, as_admin):
    assert as_admin.get(f"/api/v1/imports/{uuid.uuid4()}").status_code == 404
    assert as_admin.get("/api/v1/imports/not-a-uuid").status_code == 404
