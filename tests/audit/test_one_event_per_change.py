"""One change leaves one audit event for the record it changed: an operation that records its own
event (an edit, a death, an approval, a sync batch) stands for its request, so the audit hook
adds no event described by the route. A refused request, whose operation recorded nothing, is
still recorded by its route; an import run inside its request does not hide the upload's event."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from perisai import clock
from perisai.audit.models import AuditEvent
from tests.contributions.test_late_payments import TODAY, late_payment
from tests.factories import make_worker, record_test_payment
from tests.imports.helpers import csv_bytes, rows_of, upload
from tests.sync.test_sync import op, sync
from tests.sync.test_worker_changes import update_op


def last_id(db) -> int:
    return db.session.scalar(select(func.max(AuditEvent.id))) or 0


def events_since(db, since: int, entity_type: str, entity_id) -> list[tuple]:
    db.session.expire_all()
    rows = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.id > since,
            AuditEvent.entity_type == entity_type,
            AuditEvent.entity_id == str(entity_id),
        )
        .order_by(AuditEvent.id)
    )
    return [(e.action, e.user_id, e.route, e.status_code, e.remote_addr) for e in rows]


@pytest.fixture
def worker(db, org):
    worker = make_worker(db.session, org.agent)
    db.session.commit()
    return worker


def test_an_edit_through_the_api_leaves_one_event(as_agent, db, org, worker):
    since = last_id(db)
    response = as_agent.patch(
        f"/api/v1/workers/{worker.id}", json={"version": 1, "phone": "0812-7777-0002"}
    )
    assert response.status_code == 200, response.get_json()
    assert events_since(db, since, "participant", worker.id) == [
        ("update", org.agent_user.id, "PATCH /api/v1/workers/<worker_id>", 200, "127.0.0.1")
    ]


def test_a_refused_edit_is_recorded_by_its_route(as_agent, db, org, worker):
    since = last_id(db)
    stale = as_agent.patch(f"/api/v1/workers/{worker.id}", json={"version": 7, "phone": "x"})
    assert stale.status_code == 409
    assert events_since(db, since, "participant", worker.id) == [
        ("update", org.agent_user.id, "PATCH /api/v1/workers/<worker_id>", 409, "127.0.0.1")
    ]


def test_a_death_through_the_api_leaves_one_event(as_agent, db, org, worker):
    since = last_id(db)
    response = as_agent.post(
        f"/api/v1/workers/{worker.id}/death", json={"died_on": clock.today().isoformat()}
    )
    assert response.status_code in (200, 201), response.get_json()
    assert events_since(db, since, "participant", worker.id) == [
        ("death", org.agent_user.id, "POST /api/v1/workers/<worker_id>/death", 200, "127.0.0.1")
    ]


@pytest.fixture
def lapsed(db, org):
    worker = make_worker(
        db.session, org.agent, funding="apbd", created_at=datetime(2025, 6, 1, 3, tzinfo=UTC)
    )
    with clock.travel("2026-01-10"):
        record_test_payment(db.session, worker, date(2026, 1, 10), 1)
    db.session.commit()
    return worker


@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_a_payment_decision_leaves_one_event(as_agent, as_supervisor, db, org, lapsed, decision):
    with clock.travel(TODAY):
        payment = late_payment(as_agent, lapsed)
        since = last_id(db)
        url = f"/api/v1/payments/{payment['id']}/{decision}"
        done = as_supervisor.post(url, json={"note": "diperiksa"})
        assert done.status_code == 200, done.get_json()
    assert events_since(db, since, "payment", payment["id"]) == [
        (decision, org.supervisor_user.id, "api", 200, "127.0.0.1")
    ]


def test_a_reassignment_leaves_one_event_per_participant(as_supervisor, db, org):
    workers = [make_worker(db.session, org.agent) for _ in range(2)]
    db.session.commit()
    since = last_id(db)
    response = as_supervisor.post(
        f"/api/v1/agents/{org.agent.agent_code}/reassign",
        json={"to_agent_code": org.agent2.agent_code},
    )
    assert response.status_code == 200, response.get_json()
    via = "POST /api/v1/agents/<agent_code>/reassign"
    for moved in workers:
        assert events_since(db, since, "participant", moved.id) == [
            ("reassign", org.supervisor_user.id, via, 200, "127.0.0.1")
        ]


def test_an_agent_suspended_on_its_page_leaves_one_event(db, org, as_supervisor):
    since = last_id(db)
    suspended = as_supervisor.client.post(
        f"/supervisor/agents/{org.agent.agent_code}/suspend",
        data={"csrf_token": as_supervisor.csrf_token},
    )
    assert suspended.status_code == 302
    via = "POST /supervisor/agents/<agent_code>/suspend"
    assert events_since(db, since, "agent", org.agent.agent_code) == [
        ("suspend", org.supervisor_user.id, via, 200, "127.0.0.1")
    ]


def test_a_sync_batch_of_replays_or_refusals_records_nothing(as_agent, db, org):
    registration = op()
    assert [r["status"] for r in sync(as_agent, registration)] == ["applied"]
    since = last_id(db)
    assert [r["status"] for r in sync(as_agent, registration)] == ["duplicate"]
    refused = update_op(registration["payload"]["id"], 9, phone="081277770109")  # stale
    assert [r["status"] for r in sync(as_agent, refused)] == ["rejected"]
    assert last_id(db) == since  # no event for the batch, no read of what a replay returns


def test_an_import_run_in_its_request_keeps_the_uploads_event(db, org, as_supervisor):
    rows = rows_of(2, start=780, agent_code=org.agent.agent_code)
    response = upload(as_supervisor, csv_bytes(rows), mode="valid_only")
    assert response.status_code == 201, response.get_json()
    job_id = response.get_json()["id"]
    assert events_since(db, 0, "import", job_id) == [
        ("create", org.supervisor_user.id, "POST /api/v1/imports/workers", 201, "127.0.0.1")
    ]
    created = db.session.scalars(
        select(AuditEvent.entity_id).where(
            AuditEvent.route == f"import {job_id}", AuditEvent.action == "create"
        )
    ).all()
    assert len(created) == 2  # the job's own events, beside the upload's
