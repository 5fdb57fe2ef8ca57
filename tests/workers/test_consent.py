"""Consent to messages per channel (API.md "Reaching participants", DOMAIN.md §6, §11): given at
registration or later, withdrawn at once, each with its notice version and moment; through the
API, PATCH and sync alike."""

import uuid

import pytest
from sqlalchemy import select

from perisai.audit.models import AuditEvent
from perisai.workers.models import WorkerChange, WorkerConsent
from tests.factories import worker_payload

BOTH = {"given": True, "notice_version": "2026-01", "channels": ["sms", "whatsapp"]}


def register(api, **overrides):
    response = api.post("/api/v1/workers", json=worker_payload(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def consents_of(db, worker_id) -> list[WorkerConsent]:
    db.session.expire_all()
    stmt = select(WorkerConsent).where(WorkerConsent.worker_id == uuid.UUID(worker_id))
    return list(db.session.scalars(stmt.order_by(WorkerConsent.id)))


def test_registration_records_each_channel_with_its_notice(as_agent, db, org):
    worker = register(as_agent, consent=BOTH, language="en")

    assert worker["consent"]["channels"] == ["whatsapp", "sms"]
    assert worker["language"] == "en"
    rows = consents_of(db, worker["id"])
    assert {(r.channel, r.notice_version, r.purpose) for r in rows} == {
        ("whatsapp", "2026-01", "membership_messages"),
        ("sms", "2026-01", "membership_messages"),
    }
    assert all(r.given_at is not None and r.withdrawn_at is None for r in rows)
    assert all(r.given_by_id == org.agent_user.id for r in rows)


def test_no_channel_unless_named_and_old_bodies_replay_as_before(as_agent, db):
    body = worker_payload()
    body["id"] = str(uuid.uuid4())
    first = as_agent.post("/api/v1/workers", json=body)
    again = as_agent.post("/api/v1/workers", json=body)

    assert first.status_code == 201 and again.status_code == 200
    assert first.get_json()["consent"]["channels"] == [] and first.get_json()["language"] == "id"
    assert consents_of(db, body["id"]) == []


def test_an_unknown_channel_is_refused(as_agent):
    body = worker_payload(consent={**BOTH, "channels": ["email"]})
    response = as_agent.post("/api/v1/workers", json=body)
    assert response.status_code == 422
    assert "channels" in response.get_json()["errors"]["json"]["consent"]


def test_withdrawing_a_channel_is_at_once_recorded_and_audited(as_agent, db, org):
    worker = register(as_agent, consent=BOTH)
    url = f"/api/v1/workers/{worker['id']}/consent"

    response = as_agent.post(url, json={"notice_version": "2026-01", "channels": ["sms"]})

    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["consent"]["channels"] == ["sms"] and body["version"] == 2
    whatsapp, sms = consents_of(db, worker["id"])
    assert whatsapp.channel == "whatsapp" and whatsapp.withdrawn_at is not None
    assert whatsapp.withdrawn_by_id == org.agent_user.id
    assert sms.withdrawn_at is None  # kept, not given again
    (change,) = db.session.scalars(
        select(WorkerChange).where(WorkerChange.worker_id == uuid.UUID(worker["id"]))
    ).all()
    assert change.changes == {"consent_channels": [["whatsapp", "sms"], ["sms"]]}
    audited = select(AuditEvent).where(
        AuditEvent.entity_id == worker["id"], AuditEvent.action == "consent"
    )
    assert db.session.scalars(audited).all()
    same = as_agent.post(url, json={"notice_version": "2026-01", "channels": ["sms"]})
    assert same.get_json()["version"] == 2  # nothing changed


def test_a_newer_notice_renews_the_consent(as_agent, db):
    worker = register(as_agent, consent={**BOTH, "channels": ["whatsapp"]})
    url = f"/api/v1/workers/{worker['id']}/consent"
    response = as_agent.post(url, json={"notice_version": "2027-01", "channels": ["whatsapp"]})
    assert response.get_json()["version"] == 2
    old, new = consents_of(db, worker["id"])
    assert old.withdrawn_at is not None and new.notice_version == "2027-01"
    assert new.withdrawn_at is None


def test_patch_and_sync_carry_consent_and_language(as_agent, db):
    worker = register(as_agent)
    patched = as_agent.patch(
        f"/api/v1/workers/{worker['id']}",
        json={
            "version": 1,
            "consent": {"notice_version": "2026-01", "channels": ["whatsapp"]},
            "language": "en",
        },
    )
    assert patched.status_code == 200, patched.get_json()
    assert patched.get_json()["consent"]["channels"] == ["whatsapp"]
    assert patched.get_json()["language"] == "en" and patched.get_json()["version"] == 2

    registered = worker_payload(consent=BOTH)
    registered["id"] = str(uuid.uuid4())
    ops = [
        {"op_id": str(uuid.uuid4()), "type": "worker.register", "payload": registered},
        {
            "op_id": str(uuid.uuid4()),
            "type": "worker.update",
            "payload": {
                "worker_id": worker["id"],
                "version": 2,
                "consent": {"notice_version": "2026-01", "channels": []},
            },
        },
    ]
    results = as_agent.post("/api/v1/sync", json={"operations": ops}).get_json()["results"]

    assert [r["status"] for r in results] == ["applied", "applied"], results
    assert results[0]["entity"]["consent"]["channels"] == ["whatsapp", "sms"]
    assert results[1]["entity"]["consent"]["channels"] == []
    assert [r.withdrawn_at is not None for r in consents_of(db, worker["id"])] == [True]


def test_withdrawing_consent_as_a_whole_ends_every_channel(as_agent, as_supervisor, db):
    worker = register(as_agent, consent=BOTH)
    withdrawn = as_agent.post(f"/api/v1/workers/{worker['id']}/consent/withdraw")
    assert withdrawn.get_json()["consent"] == {
        **withdrawn.get_json()["consent"],
        "given": False,
        "channels": [],
    }
    assert all(r.withdrawn_at is not None for r in consents_of(db, worker["id"]))

    again = as_agent.post(
        f"/api/v1/workers/{worker['id']}/consent",
        json={"notice_version": "2026-01", "channels": ["sms"]},
    )
    assert again.status_code == 409
    assert again.get_json()["errors"]["json"]["channels"]

    export = as_supervisor.get(f"/api/v1/workers/{worker['id']}/export").get_json()
    history = export["message_consents"]
    assert {(c["channel"], c["notice_version"]) for c in history} == {
        ("whatsapp", "2026-01"),
        ("sms", "2026-01"),
    }
    assert all(c["given_at"] and c["withdrawn_at"] for c in history)


@pytest.mark.today("2026-06-10")
def test_after_a_death_a_channel_can_be_withdrawn_not_given(as_agent, db):
    worker = register(as_agent, consent={**BOTH, "channels": ["whatsapp"]})
    died = as_agent.post(f"/api/v1/workers/{worker['id']}/death", json={"died_on": "2026-06-09"})
    assert died.status_code == 200
    url = f"/api/v1/workers/{worker['id']}/consent"

    added = as_agent.post(url, json={"notice_version": "2026-01", "channels": ["whatsapp", "sms"]})
    dropped = as_agent.post(url, json={"notice_version": "2026-01", "channels": []})

    assert added.status_code == 409 and dropped.status_code == 200
    assert dropped.get_json()["consent"]["channels"] == []


def test_only_who_manages_the_participant_changes_consent(as_agent, as_agent2):
    worker = register(as_agent, consent=BOTH)
    response = as_agent2.post(
        f"/api/v1/workers/{worker['id']}/consent",
        json={"notice_version": "2026-01", "channels": []},
    )
    assert response.status_code == 404
