"""Every read and change of a participant is recorded, without the NIK, and never rewritten."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from perisai.audit.models import AuditEvent
from tests.factories import worker_payload


def events(db):
    db.session.expire_all()
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()


def test_reads_and_changes_are_recorded_with_who_and_what(as_agent, org, db):
    body = worker_payload()
    created = as_agent.post("/api/v1/workers", json=body).get_json()
    as_agent.get(f"/api/v1/workers/{created['id']}")
    as_agent.get("/api/v1/workers", query_string={"q": body["nik"]})
    recorded = [(e.action, e.entity_type, e.entity_id, e.user_id) for e in events(db)]
    assert recorded == [
        ("create", "participant", created["id"], org.agent_user.id),
        ("read", "participant", created["id"], org.agent_user.id),
        ("list", "participant", None, org.agent_user.id),
    ]


def test_no_nik_anywhere_in_the_log(as_agent, org, db):
    body = worker_payload()
    created = as_agent.post("/api/v1/workers", json=body).get_json()
    as_agent.get(f"/api/v1/workers/{created['id']}?as_of=2026-11-01")
    as_agent.get("/api/v1/workers", query_string={"q": body["nik"]})
    for event in events(db):
        for value in (event.route, event.entity_id or "", event.action, event.remote_addr or ""):
            assert body["nik"] not in value and body["nik"][6:12] not in value


def test_refused_reads_are_recorded_too(as_agent, as_agent2, org, db):
    created = as_agent.post("/api/v1/workers", json=worker_payload()).get_json()
    assert as_agent2.get(f"/api/v1/workers/{created['id']}").status_code == 404
    last = events(db)[-1]
    assert (last.user_id, last.status_code, last.entity_id) == (
        org.agent2_user.id,
        404,
        created["id"],
    )


def test_log_is_append_only_in_the_database(as_agent, org, db):
    as_agent.get("/api/v1/workers")
    event_id = events(db)[-1].id
    for statement in (
        "UPDATE audit_events SET action = 'x' WHERE id = :id",
        "DELETE FROM audit_events WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
            db.session.execute(text(statement), {"id": event_id})
    assert events(db)[-1].action == "list"


def test_anonymous_failures_are_not_recorded(client, org, db):
    client.get("/api/v1/workers")
    assert events(db) == []
