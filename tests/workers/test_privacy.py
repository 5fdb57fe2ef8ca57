"""UU PDP: export of one participant's data, consent withdrawal, anonymisation."""

import io

from PIL import Image
from sqlalchemy import select

from perisai.workers.models import Worker, WorkerPhoto
from tests.factories import worker_payload


def register(api):
    return api.post("/api/v1/workers", json=worker_payload()).get_json()


def test_export_holds_everything_about_the_participant(as_agent, as_supervisor, org):
    worker = register(as_agent)
    as_agent.get(f"/api/v1/workers/{worker['id']}")
    export = as_supervisor.get(f"/api/v1/workers/{worker['id']}/export")
    assert export.status_code == 200
    body = export.get_json()
    assert body["participant"]["nik"] == worker["nik"]
    assert body["payments"] == [] and body["photos"] == []
    assert {"create", "read"} <= {e["action"] for e in body["access_log"]}


def test_agents_cannot_export(as_agent, org):
    worker = register(as_agent)
    assert as_agent.get(f"/api/v1/workers/{worker['id']}/export").status_code == 403


def test_consent_withdrawal_is_recorded(as_agent, org):
    worker = register(as_agent)
    response = as_agent.post(f"/api/v1/workers/{worker['id']}/consent/withdraw")
    assert response.status_code == 200
    assert response.get_json()["consent"]["given"] is False


def test_anonymise_erases_the_person_and_keeps_the_row(app, as_agent, as_admin, org, db):
    worker = register(as_agent)
    image = io.BytesIO()
    Image.new("RGB", (8, 8)).save(image, "JPEG")
    as_agent.put(
        f"/api/v1/workers/{worker['id']}/photos/ktp",
        data=image.getvalue(),
        content_type="image/jpeg",
    )
    response = as_admin.post(f"/api/v1/workers/{worker['id']}/anonymise")
    assert response.status_code == 200
    body = response.get_json()
    assert body["membership_number"] == worker["membership_number"]
    assert worker["nik"] not in str(body) and worker["full_name"] not in str(body)
    db.session.expire_all()
    row = db.session.scalar(
        select(Worker).where(Worker.membership_number == worker["membership_number"])
    )
    assert row.nik != worker["nik"] and row.anonymised_at is not None and row.phone == ""
    assert db.session.scalars(select(WorkerPhoto)).all() == []
    assert as_admin.get(f"/api/v1/workers/{worker['id']}/photos/ktp").status_code == 404
    # the NIK is free again only in the sense that nothing identifies the old person;
    # a second anonymisation is refused
    assert as_admin.post(f"/api/v1/workers/{worker['id']}/anonymise").status_code == 409


def test_only_admins_anonymise(as_agent, as_supervisor, org):
    worker = register(as_agent)
    assert as_supervisor.post(f"/api/v1/workers/{worker['id']}/anonymise").status_code == 403
