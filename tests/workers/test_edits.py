"""Editing a participant (API.md "Participants over time"): PATCH with a version, 409 on a stale
one, the registration's rules, and income level / programs from the next unpaid month."""

import uuid

import pytest
from sqlalchemy import select

from perisai.audit.models import AuditEvent
from perisai.months import Month
from perisai.workers.models import Worker, WorkerChange
from tests.factories import make_worker, worker_payload


def register(api, **overrides):
    response = api.post("/api/v1/workers", json=worker_payload(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def changes_of(db, worker_id):
    key = uuid.UUID(str(worker_id))
    return db.session.scalars(
        select(WorkerChange).where(WorkerChange.worker_id == key).order_by(WorkerChange.version)
    ).all()


def test_a_participant_body_carries_its_version(as_agent, org):
    worker = register(as_agent)
    assert worker["version"] == 1 and worker["end_reason"] is None and worker["died_on"] is None
    assert worker["pricing"] == []  # never edited: its own level and programs price every month
    listed = as_agent.get("/api/v1/workers").get_json()
    assert listed[0]["version"] == 1


def test_phone_edit_raises_the_version_and_is_recorded(as_agent, db, org):
    worker = register(as_agent)
    response = as_agent.patch(
        f"/api/v1/workers/{worker['id']}", json={"version": 1, "phone": "0812-7777-0001"}
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["phone"] == "+6281277770001" and body["version"] == 2
    assert as_agent.get(f"/api/v1/workers/{worker['id']}").get_json()["phone"] == "+6281277770001"
    [change] = changes_of(db, worker["id"])
    assert change.kind == "update" and change.version == 2
    assert change.changes == {"phone": [worker["phone"], "+6281277770001"]}
    assert change.effective_month is None  # a phone changes at once
    assert change.changed_by_id == org.agent_user.id
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity_id == worker["id"], AuditEvent.action == "update"
        )
    ).all()
    assert events, "the edit is audited"


def test_stale_version_is_409_with_the_current_participant(as_agent, as_supervisor, org):
    worker = register(as_agent)
    url = f"/api/v1/workers/{worker['id']}"
    first = as_supervisor.patch(url, json={"version": 1, "address": "Jl. Baru No. 2"})
    assert first.status_code == 200
    stale = as_agent.patch(url, json={"version": 1, "phone": "081277770002"})
    assert stale.status_code == 409
    error = stale.get_json()
    assert "versi 2" in error["message"]
    details = error["errors"]["json"]["version"]["details"]
    assert details["version"] == 2 and details["address"] == "Jl. Baru No. 2"
    assert details["id"] == worker["id"]
    assert error["current"]["version"] == 2
    assert (
        "version 2"
        in as_agent.patch(
            url, json={"version": 1, "phone": "081277770002"}, headers={"Accept-Language": "en"}
        ).get_json()["message"]
    )
    # nothing of the stale edit was stored
    assert as_agent.get(url).get_json()["phone"] == worker["phone"]


def test_bad_values_are_refused_field_by_field_and_nothing_is_stored(as_agent, org):
    worker = register(as_agent)
    url = f"/api/v1/workers/{worker['id']}"
    response = as_agent.patch(
        url,
        json={
            "version": 1,
            "phone": "12345",
            "programs": ["JKK"],
            "income_level": 1_000_001,
            "village_code": "33.25.01.9999",
            "beneficiary": {"full_name": "Budi", "relationship": "anak", "phone": "999"},
            "address": "Jl. Tetap Dicoba",
        },
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    assert set(errors) == {"phone", "programs", "income_level", "village_code", "beneficiary"}
    assert errors["beneficiary"]["phone"]
    again = as_agent.get(url).get_json()
    assert again["version"] == 1 and again["address"] == worker["address"]
    unknown = as_agent.patch(url, json={"version": 1, "nik": "3325010507900001"})
    assert unknown.status_code == 422 and "nik" in unknown.get_json()["errors"]["json"]
    missing = as_agent.patch(url, json={"phone": "081277770003"})
    assert missing.status_code == 422 and "version" in missing.get_json()["errors"]["json"]


def test_an_edit_that_changes_nothing_keeps_the_version(as_agent, db, org):
    worker = register(as_agent, phone="081300000042")
    response = as_agent.patch(
        f"/api/v1/workers/{worker['id']}",
        json={"version": 1, "phone": "+6281300000042", "programs": ["JKM", "JKK"]},
    )
    assert response.status_code == 200 and response.get_json()["version"] == 1
    assert changes_of(db, worker["id"]) == []


def test_only_the_managing_agent_its_supervisor_or_an_admin_may_edit(
    app, as_agent, as_agent2, as_other_supervisor, as_supervisor, as_admin, db, org
):
    worker = register(as_agent)
    url = f"/api/v1/workers/{worker['id']}"
    edit = {"version": 1, "address": "Jl. X 1"}
    assert as_agent2.patch(url, json=edit).status_code == 404
    assert as_other_supervisor.patch(url, json=edit).status_code == 404
    # The registering agent still reads it after a hand-over, but no longer changes it.
    row = db.session.get(Worker, uuid.UUID(worker["id"]))
    row.managed_by_id = org.agent2.id
    db.session.commit()
    refused = as_agent.patch(url, json={"version": 1, "address": "Jl. X 1"})
    assert refused.status_code == 403
    assert "mengelola" in refused.get_json()["message"]
    assert as_agent2.patch(url, json={"version": 1, "address": "Jl. X 1"}).status_code == 200
    assert as_supervisor.patch(url, json={"version": 2, "address": "Jl. X 2"}).status_code == 200
    assert as_admin.patch(url, json={"version": 3, "address": "Jl. X 3"}).status_code == 200


def test_a_suspended_agent_cannot_edit_or_record_a_death(as_agent, db, org):
    worker = register(as_agent)
    org.agent.status = "suspended"
    db.session.commit()
    url = f"/api/v1/workers/{worker['id']}"
    edit = as_agent.patch(url, json={"version": 1, "address": "Jl. X 1"})
    assert edit.status_code == 403 and edit.get_json()["agent_status"] == "suspended"
    death = as_agent.post(f"{url}/death", json={"died_on": "2026-01-02"})
    assert death.status_code == 403
    assert as_agent.get(url).get_json()["version"] == 1


APBD_LOW, APBD_HIGH = 16_800, 26_800  # JKK+JKM at Rp 1,000,000 / Rp 2,000,000, never discounted


@pytest.mark.today("2026-06-15")
def test_a_new_income_level_prices_from_this_month_and_arrears_keep_the_old(as_agent, db, org):
    # In grace: April paid, May and June unpaid. The change applies from June (this month).
    worker = make_worker(
        db.session,
        org.agent,
        funding="apbd",
        covered_until=Month(2026, 4),
        first_paid_month=Month(2026, 1),
    )
    db.session.commit()
    url = f"/api/v1/workers/{worker.id}"
    response = as_agent.patch(url, json={"version": 1, "income_level": 2_000_000})
    assert response.status_code == 200
    assert response.get_json()["income_level"] == 2_000_000
    [change] = changes_of(db, worker.id)
    assert change.effective_month == Month(2026, 6)
    quote = as_agent.get(f"{url}/quote?months=3").get_json()
    assert [(m["month"], m["total"]) for m in quote["months"]] == [
        ("2026-05", APBD_LOW),
        ("2026-06", APBD_HIGH),
        ("2026-07", APBD_HIGH),
    ]
    # The payment check prices the same way: the old total is refused, the mixed one accepted.
    pay = {"months": 2, "paid_on": "2026-06-15", "channel": "cash"}
    wrong = as_agent.post(
        f"{url}/payments", json={**pay, "id": str(uuid.uuid4()), "amount": 2 * APBD_HIGH}
    )
    assert wrong.status_code == 422 and wrong.get_json()["expected_amount"] == APBD_LOW + APBD_HIGH
    paid = as_agent.post(
        f"{url}/payments", json={**pay, "id": str(uuid.uuid4()), "amount": APBD_LOW + APBD_HIGH}
    )
    assert paid.status_code == 201, paid.get_json()
    months = as_agent.get(f"{url}/payments").get_json()[0]["months"]
    assert [(m["month"], m["jkk"]) for m in months] == [("2026-05", 10_000), ("2026-06", 20_000)]
    # The body tells a phone the same, so it prices arrears offline as the server does.
    pricing = as_agent.get(url).get_json()["pricing"]
    old_level = pricing[0]["income_level"]
    assert old_level != 2_000_000
    assert pricing == [
        {"from_month": None, "income_level": old_level, "programs": ["JKK", "JKM"]},
        {"from_month": "2026-06", "income_level": 2_000_000, "programs": ["JKK", "JKM"]},
    ]


@pytest.mark.today("2026-06-15")
def test_programs_change_from_the_month_after_the_covered_ones(as_agent, db, org):
    # Paid up to August: JHT added now starts in September.
    worker = make_worker(
        db.session,
        org.agent,
        funding="apbd",
        covered_until=Month(2026, 8),
        first_paid_month=Month(2026, 1),
    )
    db.session.commit()
    url = f"/api/v1/workers/{worker.id}"
    response = as_agent.patch(url, json={"version": 1, "programs": ["JKK", "JKM", "JHT"]})
    assert response.status_code == 200 and response.get_json()["programs"] == ["JKK", "JKM", "JHT"]
    [change] = changes_of(db, worker.id)
    assert change.effective_month == Month(2026, 9)
    assert change.changes == {"programs": [["JKK", "JKM"], ["JKK", "JKM", "JHT"]]}
    quote = as_agent.get(f"{url}/quote?months=1").get_json()
    assert quote["months"][0]["month"] == "2026-09" and quote["months"][0]["jht"] == 20_000


@pytest.mark.today("2026-06-15")
def test_two_edits_replay_in_order(as_agent, db, org):
    worker = make_worker(
        db.session, org.agent, funding="apbd", covered_until=Month(2026, 4), first_paid_month=None
    )
    db.session.commit()
    url = f"/api/v1/workers/{worker.id}"
    assert as_agent.patch(url, json={"version": 1, "income_level": 2_000_000}).status_code == 200
    assert as_agent.patch(url, json={"version": 2, "income_level": 1_500_000}).status_code == 200
    quote = as_agent.get(f"{url}/quote?months=2").get_json()
    assert [m["jkk"] for m in quote["months"]] == [10_000, 15_000]  # May old, June the latest


def test_the_new_routes_are_documented(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    patch = spec["paths"]["/api/v1/workers/{worker_id}"]["patch"]
    schema = patch["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    properties = spec["components"]["schemas"][schema.rsplit("/", 1)[1]]["properties"]
    assert {"version", "phone", "income_level", "programs", "beneficiary"} <= set(properties)
    assert "409" in patch["responses"]
    assert "post" in spec["paths"]["/api/v1/workers/{worker_id}/death"]
    assert "post" in spec["paths"]["/api/v1/agents/{agent_code}/reassign"]
    worker_props = spec["components"]["schemas"]["Worker"]["properties"]
    assert {"version", "end_reason", "died_on"} <= set(worker_props)
