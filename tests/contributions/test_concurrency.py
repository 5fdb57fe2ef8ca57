"""Two real connections paying the same months at the same time: the database keeps one.

Runs on PostgreSQL (SQLite serialises writers, so there is no race to test there). The data is
committed for real, so the test cleans up after itself.
"""

import threading
import uuid

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.agents.models import Agent, Branch, Wadah
from perisai.contributions.models import Payment, PaymentMonth
from perisai.contributions.payments import record_payment
from perisai.errors import Conflict
from perisai.extensions import db as _db
from perisai.regions.models import Region
from perisai.workers.models import Worker
from tests import factories

VILLAGE = "91.71.01.1001"


@pytest.fixture
def committed_worker(app):
    if app.config["BACKEND"] != "postgresql":
        pytest.skip("a real race needs two PostgreSQL connections")
    with app.app_context():
        engine = _db.engine
        with Session(engine) as session:
            branch = factories.make_branch(session, region_code="91.71")
            agent = factories.make_agent(session, factories.make_wadah(session, branch))
            factories.make_regions(session, VILLAGE)
            worker = factories.make_worker(session, agent, funding="apbd", village_code=VILLAGE)
            ids = (branch.id, agent.wadah_id, agent.id, worker.id)
            session.commit()
        yield engine, ids[3]
        with Session(engine) as session:
            pids = select(Payment.id).where(Payment.worker_id == ids[3])
            session.execute(delete(PaymentMonth).where(PaymentMonth.payment_id.in_(pids)))
            session.execute(delete(Payment).where(Payment.worker_id == ids[3]))
            session.execute(delete(Worker).where(Worker.id == ids[3]))
            session.execute(delete(Agent).where(Agent.id == ids[2]))
            session.execute(delete(Wadah).where(Wadah.id == ids[1]))
            session.execute(delete(Branch).where(Branch.id == ids[0]))
            for code in ("91.71.01.1001", "91.71.01", "91.71", "91"):
                session.execute(delete(Region).where(Region.code == code))
            session.commit()


def race(engine, worker_id, first_id, second_id):
    """A flushes and holds its transaction open while B tries the same months."""
    a_flushed = threading.Event()
    results = {}
    today = clock.today()

    def body(pid):
        return {"id": pid, "months": 2, "amount": 33_600, "paid_on": today, "channel": "cash"}

    def run(name, pid, before=None, after=None):
        with Session(engine) as session:
            worker = session.get(Worker, worker_id)
            if before:
                before.wait(10)
            try:
                payment, created = record_payment(
                    session, worker=worker, data=body(pid), today=today
                )
                if after:
                    after.set()
                    threading.Event().wait(0.5)  # keep the transaction open while B inserts
                session.commit()
                results[name] = ("ok", created, [str(m) for m in payment.covers])
            except Conflict as error:
                session.rollback()
                results[name] = ("conflict", error.message)

    a = threading.Thread(target=run, args=("a", first_id), kwargs={"after": a_flushed})
    b = threading.Thread(target=run, args=("b", second_id), kwargs={"before": a_flushed})
    a.start()
    b.start()
    a.join(20)
    b.join(20)
    return results


def test_two_payments_for_the_same_months_one_wins(committed_worker):
    engine, worker_id = committed_worker
    results = race(engine, worker_id, uuid.uuid4(), uuid.uuid4())
    assert results["a"][:2] == ("ok", True)
    assert results["b"] == ("conflict", "contributions.months_taken")
    with Session(engine) as session:
        months = session.scalars(
            select(PaymentMonth.month).where(PaymentMonth.worker_id == worker_id)
        ).all()
        assert len(months) == 2
        assert str(session.get(Worker, worker_id).covered_until) == results["a"][2][-1]


def test_the_same_payment_sent_twice_at_once_is_stored_once(committed_worker):
    engine, worker_id = committed_worker
    pid = uuid.uuid4()
    results = race(engine, worker_id, pid, pid)
    assert results["a"][:2] == ("ok", True)
    assert results["b"][:2] == ("ok", False)
    assert results["a"][2] == results["b"][2]
    with Session(engine) as session:
        assert session.scalar(select(Payment.id).where(Payment.worker_id == worker_id)) == pid
