"""Audit events are recorded where the operation happens, whatever the entry point: supervisor
pages, CLI commands, the import runner, one event per applied sync operation; never a NIK."""

import uuid

import pytest
from sqlalchemy import select

from perisai.audit.models import AuditEvent
from perisai.months import Month
from tests.factories import make_worker, worker_payload
from tests.imports.helpers import csv_bytes, rows_of, upload
from tests.sync.test_sync import op, payment_op, price, sync
from tests.sync.test_worker_changes import update_op


def events(db, **where):
    db.session.expire_all()
    stmt = select(AuditEvent).order_by(AuditEvent.id)
    for column, value in where.items():
        stmt = stmt.where(getattr(AuditEvent, column) == value)
    return db.session.scalars(stmt).all()


def seen(rows):
    return [(e.action, e.entity_type, e.entity_id, e.user_id, e.route) for e in rows]


def test_a_supervisor_page_listing_participants_leaves_a_read_event(db, org, as_supervisor):
    worker = make_worker(db.session, org.agent, full_name="Siti Aminah")
    db.session.commit()
    page = as_supervisor.get("/supervisor/participants?q=Siti")
    assert page.status_code == 200 and "Siti Aminah" in page.get_data(as_text=True)
    assert seen(events(db)) == [
        ("list", "participant", None, org.supervisor_user.id, "GET /supervisor/participants")
    ]
    as_supervisor.get(f"/supervisor/participants/{worker.id}")
    as_supervisor.get("/supervisor/renewals?format=csv")
    assert seen(events(db))[1:] == [
        (
            "read",
            "participant",
            str(worker.id),
            org.supervisor_user.id,
            "GET /supervisor/participants/<uuid:worker_id>",
        ),
        ("export", "participant", None, org.supervisor_user.id, "GET /supervisor/renewals"),
    ]


def test_a_supervisor_page_that_shows_nobody_leaves_no_event(db, org, as_supervisor):
    assert as_supervisor.get("/supervisor/participants?q=Nobody").status_code == 200
    assert events(db) == []


def test_printing_cards_on_the_page_records_each_card_with_the_print(db, org, as_supervisor):
    workers = [make_worker(db.session, org.agent) for _ in range(3)]
    db.session.commit()
    form = {
        "csrf_token": as_supervisor.csrf_token,
        "worker_ids": [str(w.id) for w in workers],
        "action": "print",
    }
    printed = as_supervisor.client.post("/supervisor/cards/print", data=form)
    assert printed.status_code == 200 and printed.mimetype == "application/pdf"
    prints = events(db, action="print")
    assert len(prints) == 3 and {e.entity_type for e in prints} == {"card"}
    assert {e.user_id for e in prints} == {org.supervisor_user.id}
    assert {e.route for e in prints} == {"POST /supervisor/cards/print"}


def test_a_cli_command_that_changes_data_names_the_command_as_actor(app, db, org):
    result = app.test_cli_runner().invoke(
        args=[
            "perisai",
            "create-user",
            "kepala.baru",
            "--role",
            "supervisor",
            "--branch-code",
            org.branch.code,
            "--password",
            "long-enough-pw",
        ]
    )
    assert result.exit_code == 0, result.output
    from perisai.auth.models import User

    user = db.session.scalar(select(User).where(User.username == "kepala.baru"))
    assert seen(events(db)) == [("create", "user", str(user.id), None, "cli perisai create-user")]


def test_a_refused_cli_command_leaves_no_event(app, db, org):
    result = app.test_cli_runner().invoke(
        args=["perisai", "close-commissions", "--month", "2099-01"]
    )
    assert result.exit_code != 0  # the month has not ended
    assert events(db) == []


def test_an_import_run_leaves_one_event_per_participant_it_wrote(db, org, as_supervisor):
    rows = rows_of(5, start=700, agent_code=org.agent.agent_code)
    rows[2]["village_code"] = "99.99.99.9999"  # refused: written by nobody
    job = upload(as_supervisor, csv_bytes(rows), mode="valid_only").get_json()
    assert job["state"] == "done" and job["counts"]["imported"] == 4
    listed = as_supervisor.get(f"/api/v1/imports/{job['id']}/rows?status=imported").get_json()
    created = events(db, route=f"import {job['id']}")
    assert [(e.action, e.entity_type, e.user_id) for e in created] == [
        ("create", "participant", org.supervisor_user.id)
    ] * 4
    assert sorted(e.entity_id for e in created) == sorted(r["worker_id"] for r in listed)


def test_rolling_back_an_import_records_each_participant_removed(db, org, as_supervisor):
    from perisai.imports import runner
    from perisai.imports.models import ImportJob

    rows = rows_of(3, start=720, agent_code=org.agent.agent_code)
    job = upload(as_supervisor, csv_bytes(rows), mode="valid_only").get_json()
    assert job["state"] == "done"
    stored = db.session.get(ImportJob, uuid.UUID(job["id"]))
    stored.state = "rolling_back"  # as mark_for_rollback leaves an interrupted job
    db.session.commit()
    assert runner.run_job(db.session, stored.id, chunk_rows=2).state == "rolled_back"
    removed = events(db, route=f"import {job['id']}", action="delete")
    created = events(db, route=f"import {job['id']}", action="create")
    assert len(removed) == 3 and {e.user_id for e in removed} == {org.supervisor_user.id}
    assert {e.entity_id for e in removed} == {e.entity_id for e in created}


def test_a_sync_batch_of_n_operations_leaves_n_events(as_agent, db, org):
    stored = make_worker(db.session, org.agent)
    db.session.commit()
    first, second = op(), op()
    amount = price(as_agent)
    batch = [
        first,
        second,
        payment_op(first["payload"]["id"], amount),
        update_op(stored.id, 1, phone="081277770109"),
    ]
    results = sync(as_agent, *batch)
    assert [r["status"] for r in results] == ["applied"] * 4
    recorded = events(db)
    assert [(e.action, e.entity_type, e.entity_id) for e in recorded] == [
        ("update", "participant", str(stored.id)),  # written by its operation, with the batch
        ("create", "participant", first["payload"]["id"]),
        ("create", "participant", second["payload"]["id"]),
        ("create", "payment", results[2]["entity"]["id"]),
    ]
    assert {(e.user_id, e.route) for e in recorded} == {(org.agent_user.id, "sync")}
    # a replay applies nothing and records nothing
    sync(as_agent, *batch)
    assert len(events(db)) == 4


def test_no_audit_row_holds_a_nik(app, db, org, as_agent, as_supervisor):
    body = worker_payload()
    created = as_agent.post("/api/v1/workers", json=body).get_json()
    as_agent.get("/api/v1/workers", query_string={"q": body["nik"]})
    as_agent.get(f"/api/v1/workers/{body['nik']}")  # a NIK where an id goes
    as_agent.get(f"/api/v1/workers/{body['nik']}/quote")
    synced = op()
    sync(as_agent, synced)
    rows = rows_of(2, start=740, agent_code=org.agent.agent_code)
    upload(as_supervisor, csv_bytes(rows), mode="valid_only")
    as_supervisor.client.post(
        "/supervisor/participants", data={"csrf_token": as_supervisor.csrf_token, "q": body["nik"]}
    )
    as_supervisor.get(f"/supervisor/participants/{created['id']}")
    as_supervisor.get("/supervisor/cards")
    app.test_cli_runner().invoke(args=["perisai", "standing", "--month", str(Month(2026, 1))])
    niks = [body["nik"], synced["payload"]["nik"], *(r["nik"] for r in rows)]
    phones = [body["phone"], *(r["phone"] for r in rows)]
    recorded = events(db)
    assert len(recorded) >= 8
    for event in recorded:
        text = " ".join(
            str(getattr(event, column.key) or "") for column in AuditEvent.__table__.columns
        )
        for nik in niks:
            assert nik not in text and nik[6:12] not in text, (nik, text)
        for phone in phones:
            assert phone not in text and phone[-9:] not in text, (phone, text)
    assert uuid.UUID(created["id"])


def test_a_change_whose_events_cannot_be_written_is_not_committed(as_agent, db, monkeypatch):
    """The events of a sync batch are part of its transaction: no events, no batch."""
    import perisai.sync.operations as sync_operations
    from perisai.workers.models import Worker

    def refused(*args, **kwargs):
        raise RuntimeError("audit_events refused the insert")

    monkeypatch.setattr(sync_operations, "record_many", refused)
    registration = op()
    with pytest.raises(RuntimeError, match="audit_events"):
        as_agent.post("/api/v1/sync", json={"operations": [registration]})
    db.session.rollback()
    assert db.session.get(Worker, uuid.UUID(registration["payload"]["id"])) is None
    assert events(db) == []


def test_a_page_read_whose_event_cannot_be_written_answers_503(db, org, as_supervisor, monkeypatch):
    import perisai.audit.hooks as hooks

    make_worker(db.session, org.agent, full_name="Siti Aminah")
    db.session.commit()

    def refused(*args, **kwargs):
        raise RuntimeError("audit_events refused the insert")

    monkeypatch.setattr(hooks, "record_many", refused)
    monkeypatch.setattr(hooks.transactions, "pause", lambda attempt: None)
    page = as_supervisor.get("/supervisor/participants?q=Siti")
    assert page.status_code == 503 and page.headers["Retry-After"] == "5"
    assert "Siti Aminah" not in page.get_data(as_text=True)


def test_the_import_pages_record_the_upload_the_report_and_the_commit(db, org, as_supervisor):
    import io

    rows = rows_of(2, start=760, agent_code=org.agent.agent_code)
    data = {
        "csrf_token": as_supervisor.csrf_token,
        "file": (io.BytesIO(csv_bytes(rows)), "daftar.csv"),
        "action": "dry_run",
        "mode": "valid_only",
    }
    posted = as_supervisor.client.post(
        "/supervisor/imports", data=data, content_type="multipart/form-data"
    )
    assert posted.status_code == 302
    job_url = posted.headers["Location"]
    job_id = job_url.rstrip("/").rsplit("/", 1)[-1]
    as_supervisor.get(job_url)
    committed = as_supervisor.client.post(
        job_url + "/commit", data={"csrf_token": as_supervisor.csrf_token, "mode": "valid_only"}
    )
    assert committed.status_code == 302
    mine = [
        (e.action, e.entity_id)
        for e in events(db, entity_type="import", user_id=org.supervisor_user.id)
    ]
    assert mine == [("create", job_id), ("read", job_id), ("commit", job_id)]
    assert len(events(db, route=f"import {job_id}", action="create")) == 2
