"""Sync operations `worker.update` and `worker.death`: the PATCH and death endpoints' bodies +
worker_id, replay-safe, a stale version rejected with 409 and the current participant."""

import uuid

import pytest
from sqlalchemy import func, select

from perisai.months import Month
from perisai.workers.models import Worker, WorkerChange
from tests.factories import make_worker, worker_payload
from tests.sync.test_sync import op, sync


def update_op(worker_id, version, op_id=None, **fields):
    return op("worker.update", {"worker_id": str(worker_id), "version": version, **fields}, op_id)


def change_count(db, worker_id):
    return db.session.scalar(
        select(func.count()).select_from(WorkerChange).where(WorkerChange.worker_id == worker_id)
    )


def test_an_update_is_applied_once_and_replays_as_duplicate(as_agent, db, org):
    worker = make_worker(db.session, org.agent)
    db.session.commit()
    operation = update_op(worker.id, 1, phone="081277770101")
    [result] = sync(as_agent, operation)
    assert result["status"] == "applied" and result["http_status"] == 200, result
    assert result["entity"]["phone"] == "+6281277770101" and result["entity"]["version"] == 2
    [replay] = sync(as_agent, operation)
    assert replay["status"] == "duplicate" and replay["entity"]["version"] == 2
    assert change_count(db, worker.id) == 1
    db.session.expire_all()
    assert db.session.get(Worker, worker.id).version == 2


def test_a_stale_update_is_rejected_with_409_and_the_current_participant(as_agent, db, org):
    worker = make_worker(db.session, org.agent)
    db.session.commit()
    first, stale = (
        update_op(worker.id, 1, address="Jl. Satu 1"),
        update_op(worker.id, 1, address="Jl. Dua 2"),
    )
    applied, rejected = sync(as_agent, first, stale)
    assert applied["status"] == "applied"
    assert rejected["status"] == "rejected" and rejected["http_status"] == 409
    details = rejected["errors"]["json"]["version"]["details"]
    assert details["version"] == 2 and details["address"] == "Jl. Satu 1"
    assert rejected["details"]["current"]["version"] == 2
    assert "versi 2" in rejected["message"]


def test_bad_values_and_a_missing_worker_id_are_rejected_alone(as_agent, db, org):
    worker = make_worker(db.session, org.agent)
    db.session.commit()
    bad = update_op(worker.id, 1, phone="12")
    no_id = op("worker.update", {"version": 1, "phone": "081277770102"})
    good = update_op(worker.id, 1, phone="081277770103")
    r_bad, r_no_id, r_good = sync(as_agent, bad, no_id, good)
    assert r_bad["http_status"] == 422 and "phone" in r_bad["errors"]["json"]
    assert r_no_id["http_status"] == 422 and "worker_id" in r_no_id["errors"]["json"]
    assert r_good["status"] == "applied"


def test_register_then_update_in_one_batch(as_agent, db, org):
    payload = worker_payload(id=str(uuid.uuid4()))
    register = op("worker.register", payload)
    update = update_op(payload["id"], 1, phone="081277770104")
    r_register, r_update = sync(as_agent, register, update)
    assert r_register["status"] == r_update["status"] == "applied", r_update
    assert r_update["entity"]["version"] == 2
    db.session.expire_all()
    assert db.session.get(Worker, uuid.UUID(payload["id"])).phone == "+6281277770104"


@pytest.mark.today("2026-06-15")
def test_an_update_then_a_payment_in_one_batch_prices_arrears_at_the_old_level(as_agent, db, org):
    worker = make_worker(
        db.session, org.agent, funding="apbd", covered_until=Month(2026, 4), first_paid_month=None
    )
    db.session.commit()
    update = update_op(worker.id, 1, income_level=2_000_000)
    payment = op(
        "payment.record",
        {
            "id": str(uuid.uuid4()),
            "worker_id": str(worker.id),
            "months": 2,
            "amount": 16_800 + 26_800,  # May at Rp 1,000,000, June at Rp 2,000,000
            "paid_on": "2026-06-15",
            "channel": "cash",
        },
    )
    r_update, r_payment = sync(as_agent, update, payment)
    assert r_update["status"] == "applied"
    assert r_payment["status"] == "applied", r_payment


@pytest.mark.today("2026-06-15")
def test_a_death_through_sync_then_a_later_payment_is_refused(as_agent, db, org):
    worker = make_worker(
        db.session, org.agent, funding="apbd", covered_until=Month(2026, 4), first_paid_month=None
    )
    db.session.commit()
    death = op("worker.death", {"worker_id": str(worker.id), "died_on": "2026-05-02"})
    payment = op(
        "payment.record",
        {
            "id": str(uuid.uuid4()),
            "worker_id": str(worker.id),
            "months": 2,
            "amount": 2 * 16_800,
            "paid_on": "2026-06-15",
            "channel": "cash",
        },
    )
    r_death, r_payment = sync(as_agent, death, payment)
    assert r_death["status"] == "applied" and r_death["entity"]["status"] == "ended"
    assert r_death["entity"]["end_reason"] == "died"
    assert r_payment["status"] == "rejected" and r_payment["http_status"] == 422
    assert "months" in r_payment["errors"]["json"]
    [replay] = sync(as_agent, death)
    assert replay["status"] == "duplicate"
    future = op("worker.death", {"worker_id": str(worker.id), "died_on": "2026-07-01"})
    [r_future] = sync(as_agent, future)
    assert r_future["http_status"] == 409  # recorded already, on another date


def test_another_agents_participant_is_404(as_agent2, db, org):
    worker = make_worker(db.session, org.agent)
    db.session.commit()
    [result] = sync(as_agent2, update_op(worker.id, 1, phone="081277770105"))
    assert result["status"] == "rejected" and result["http_status"] == 404
