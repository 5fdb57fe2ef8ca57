"""Each enrolment quality signal with its case and its near miss (DOMAIN.md §9), computed when
registrations are applied and by the monthly refresh."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import select

from perisai.months import Month
from perisai.quality.checks import refresh_month
from perisai.quality.models import QualityFlag
from tests.factories import make_worker, worker_payload

pytestmark = pytest.mark.today("2026-12-20")


def flags(db, kind=None):
    db.session.expire_all()  # requests changed them in their own sessions
    stmt = select(QualityFlag).order_by(QualityFlag.id)
    if kind:
        stmt = stmt.where(QualityFlag.kind == kind)
    return db.session.scalars(stmt).all()


def register(client, n=None, **overrides):
    response = client.post("/api/v1/workers", json=worker_payload(n, **overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def sync_register(client, bodies):
    ops = [
        {"op_id": str(uuid.uuid4()), "type": "worker.register", "payload": body} for body in bodies
    ]
    results = client.post("/api/v1/sync", json={"operations": ops}).get_json()["results"]
    assert {r["status"] for r in results} == {"applied"}, results
    return [r["entity"] for r in results]


def test_two_participants_of_a_household_sharing_a_phone_raise_nothing(as_agent, db):
    for _ in range(2):
        register(as_agent, phone="081299990001")
    assert flags(db, "shared_phone") == []


def test_six_participants_on_one_phone_are_one_flag(as_agent, db):
    for _ in range(4):
        register(as_agent, phone="081299990002")
    assert flags(db, "shared_phone") == []  # four: below the threshold of five
    made = sync_register(as_agent, [worker_payload(phone="+62 812-9999-0002") for _ in range(2)])
    [flag] = flags(db, "shared_phone")
    assert flag.detail["count"] == 6 and flag.detail["threshold"] == 5
    assert {m["id"] for m in made} <= set(flag.worker_ids) and len(flag.worker_ids) == 6
    assert "081299990002" not in str(flag.detail) and flag.detail["phone_masked"].endswith("002")


def test_one_beneficiary_phone_on_many_participants(as_agent, db):
    beneficiary = {"full_name": "Siti", "relationship": "istri", "phone": "081377770000"}
    for _ in range(7):
        register(as_agent, beneficiary=beneficiary)
    assert flags(db, "shared_beneficiary_phone") == []
    register(as_agent, beneficiary=beneficiary)
    [flag] = flags(db, "shared_beneficiary_phone")
    assert flag.detail["count"] == 8


def test_registrations_without_a_position(as_agent, db):
    register(as_agent)  # no location at all
    register(as_agent, location={"lat": -6.9, "lon": 109.7, "accuracy_m": 900})  # too vague
    assert flags(db, "gps_missing") == []
    register(as_agent)
    [flag] = flags(db, "gps_missing")
    assert flag.detail["count"] == 3


def test_a_mocked_or_impossible_position(as_agent, db):
    register(as_agent, location={"lat": -6.9, "lon": 109.7, "accuracy_m": 15})
    assert flags(db, "gps_invalid") == []
    register(as_agent, location={"lat": -6.9, "lon": 109.7, "accuracy_m": 0})
    register(as_agent, location={"lat": 48.85, "lon": 2.35, "accuracy_m": 10})
    [flag] = flags(db, "gps_invalid")
    assert flag.detail["count"] == 2


def test_many_registrations_at_one_point(as_agent, db):
    point = {"lat": -6.91234, "lon": 109.71234, "accuracy_m": 10}
    sync_register(as_agent, [worker_payload(location=point) for _ in range(7)])
    assert flags(db, "gps_cluster") == []  # seven: a busy market stall, below eight
    register(as_agent, location={**point, "lat": -6.91236})  # two metres away
    [flag] = flags(db, "gps_cluster")
    assert flag.detail["count"] == 8 and len(flag.worker_ids) == 8


def test_an_agent_without_areas_works_anywhere_in_its_branchs_regency(as_agent, db):
    register(as_agent, village_code="33.25.02.2002")  # another district of Batang
    assert flags(db, "outside_area") == []
    outside = register(as_agent, village_code="33.75.01.1001")  # Pekalongan: another regency
    [flag] = flags(db, "outside_area")
    assert flag.worker_ids == [outside["id"]]


def test_a_village_outside_the_agents_area(as_agent, as_supervisor, org, db):
    put = as_supervisor.put(
        f"/api/v1/quality/agents/{org.agent.agent_code}/areas",
        json={"region_codes": ["33.25.01"]},
    )
    assert put.status_code == 200, put.get_json()
    assert as_supervisor.get(f"/api/v1/quality/agents/{org.agent.agent_code}/areas").get_json() == {
        "region_codes": ["33.25.01"]
    }
    register(as_agent, village_code="33.25.01.2001")  # in its district
    assert flags(db, "outside_area") == []
    outside = register(as_agent, village_code="33.25.02.2002")
    [flag] = flags(db, "outside_area")
    assert flag.worker_ids == [outside["id"]]
    unknown = as_supervisor.put(
        f"/api/v1/quality/agents/{org.agent.agent_code}/areas",
        json={"region_codes": ["99.99.99"]},
    )
    assert unknown.status_code == 422


def test_a_form_completed_implausibly_fast(as_agent, db):
    register(as_agent, capture_seconds=75)
    assert flags(db, "fast_capture") == []
    fast = register(as_agent, capture_seconds=20)
    [flag] = flags(db, "fast_capture")
    assert flag.worker_ids == [fast["id"]] and flag.detail["threshold_seconds"] == 60


def _photo(seed: int, shade: int = 0) -> bytes:
    image = Image.new("RGB", (320, 240), (200, 180, 160))
    draw = ImageDraw.Draw(image)
    for i in range(6):
        x = (seed * 37 + i * 53) % 280
        y = (seed * 17 + i * 29) % 200
        draw.ellipse((x, y, x + 40, y + 40), fill=(20 + shade, 40 * i % 255, 90))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def test_the_same_photo_on_two_participants(as_agent, db):
    first, second, third = (register(as_agent) for _ in range(3))
    for worker, body in ((first, _photo(1)), (second, _photo(2))):
        put = as_agent.put(
            f"/api/v1/workers/{worker['id']}/photos/face",
            data=body,
            headers={"Content-Type": "image/jpeg"},
        )
        assert put.status_code == 204
    assert flags(db, "photo_reuse") == []  # two different faces
    same = Image.open(io.BytesIO(_photo(1)))
    out = io.BytesIO()
    same.save(out, "JPEG", quality=60)  # the first photo again, saved again
    as_agent.put(
        f"/api/v1/workers/{third['id']}/photos/face",
        data=out.getvalue(),
        headers={"Content-Type": "image/jpeg"},
    )
    db.session.expire_all()
    refresh_month(db.session, Month(2026, 12), [as_agent_branch(db, first)], date(2026, 12, 20))
    [flag] = flags(db, "photo_reuse")
    assert set(flag.worker_ids) == {first["id"], third["id"]}


def as_agent_branch(db, worker_body):
    from perisai.workers.models import Worker

    return db.session.get(Worker, uuid.UUID(worker_body["id"])).branch_id


@pytest.mark.today("2026-12-31")
def test_a_burst_in_the_months_last_days_that_lands_just_past_25(db, org):
    early = [date(2026, 12, 5)] * 21
    late = [date(2026, 12, 29)] * 6  # 27 in all; 21 without the burst
    for day in early + late:
        make_worker(db.session, org.agent, registered_on=day, created_at=_at(day))
    # agent2: the same burst, but 40 in the month: not "just past" the minimum
    for day in [date(2026, 12, 5)] * 34 + late:
        make_worker(db.session, org.agent2, registered_on=day, created_at=_at(day))
    db.session.commit()
    refresh_month(db.session, Month(2026, 12), [org.branch.id], date(2026, 12, 31))
    [flag] = flags(db, "month_end_burst")
    assert flag.agent_id == org.agent.id and len(flag.worker_ids) == 6
    assert flag.detail == {"total": 27, "last_days": 3, "late": 6, "minimum": 25}


@pytest.mark.today("2027-01-20")
def test_a_cohort_that_never_pays_after_its_first_month(db, org):
    # November's new payers of agent 1: 5 of 6 stopped after November (≥ 60 %)
    for n in range(6):
        make_worker(
            db.session,
            org.agent,
            registered_on=date(2026, 11, 3),
            created_at=_at(date(2026, 11, 3)),
            first_paid_month=Month(2026, 11),
            covered_until=Month(2026, 11) if n < 5 else Month(2027, 1),
        )
    # agent 2: 2 of 6 stopped: below the share
    for n in range(6):
        make_worker(
            db.session,
            org.agent2,
            registered_on=date(2026, 11, 3),
            created_at=_at(date(2026, 11, 3)),
            first_paid_month=Month(2026, 11),
            covered_until=Month(2026, 11) if n < 2 else Month(2027, 1),
        )
    db.session.commit()
    refresh_month(db.session, Month(2026, 11), [org.branch.id], date(2026, 12, 20))
    assert flags(db, "no_renewal") == []  # December is not over yet: too early to judge
    refresh_month(db.session, Month(2026, 11), [org.branch.id], date(2027, 1, 20))
    [flag] = flags(db, "no_renewal")
    assert flag.agent_id == org.agent.id and len(flag.worker_ids) == 5


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 3, tzinfo=UTC) + timedelta(hours=0)


def test_checking_again_updates_the_open_flag_instead_of_adding_one(as_agent, db, org):
    for _ in range(5):
        register(as_agent, phone="081299990003")
    [flag] = flags(db, "shared_phone")
    refresh_month(db.session, Month(2026, 12), [org.branch.id], date(2026, 12, 20))
    register(as_agent, phone="081299990003")
    [again] = flags(db, "shared_phone")
    assert again.id == flag.id and len(again.worker_ids) == 6


def test_a_reviewed_flag_stays_and_newcomers_raise_a_new_one(as_agent, as_supervisor, db):
    for _ in range(5):
        register(as_agent, phone="081299990004")
    [flag] = flags(db, "shared_phone")
    cleared = as_supervisor.post(
        f"/api/v1/quality/flags/{flag.id}/clear", json={"note": "one family, checked at home"}
    )
    assert cleared.status_code == 200 and cleared.get_json()["state"] == "cleared"
    newcomer = register(as_agent, phone="081299990004")
    old, new = flags(db, "shared_phone")
    assert old.state == "cleared" and len(old.worker_ids) == 5
    assert new.state == "open" and new.worker_ids == [newcomer["id"]] and new.generation == 2


def test_a_participant_deleted_leaves_its_flags(db, org):
    """An import rolled back deletes its participants: they leave the flags they were in."""
    kept, gone, alone = (make_worker(db.session, org.agent, capture_seconds=s) for s in (5, 6, 7))
    db.session.commit()
    [flag] = flags(db, "fast_capture")
    assert len(flag.worker_ids) == 3
    db.session.delete(db.session.get(type(gone), gone.id))
    db.session.commit()
    [flag] = flags(db, "fast_capture")
    assert set(flag.worker_ids) == {str(kept.id), str(alone.id)}
    for worker in (kept, alone):
        db.session.delete(db.session.get(type(worker), worker.id))
    db.session.commit()
    assert flags(db, "fast_capture") == []  # nobody left in it: the flag goes too
