"""A sync batch is first applied all at once (staged, then flushed in a few multi-row
statements); a refusal by the database sends it the careful way, one savepoint per operation.
Both ways must give the same answers and leave the same rows."""

import uuid
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event, select

from perisai import clock
from perisai.auth.permissions import Scope
from perisai.contributions.models import Payment, PaymentMonth
from perisai.months import Month
from perisai.sync.handlers import Context
from perisai.sync.models import SyncOperation
from perisai.sync.operations import apply_operations
from perisai.workers.membership import damm_digit
from perisai.workers.models import Worker
from tests.factories import make_worker, worker_payload
from tests.sync.test_sync import count, op, payment_op, price, sync


def _context(org):
    user = org.agent_user
    return Context(user, Scope("agent", org.agent.id, org.branch.id), org.agent, clock.today())


def _loaded(operation: dict) -> dict:
    """What SyncSchema hands to apply_operations: the op_id as a UUID."""
    return {**operation, "op_id": uuid.UUID(operation["op_id"])}


@contextmanager
def statements(db):
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def _savepoints(seen: list[str]) -> int:
    """Savepoints released: the batch's own when it went at once, one per operation if not."""
    return sum(1 for statement in seen if statement.startswith("RELEASE SAVEPOINT"))


def _quote(client, start: Month, months: int) -> int:
    query = (
        "income_level=1000000&programs=JKK,JKM&sector=other&funding=self"
        f"&start_month={start}&months={months}"
    )
    return client.get(f"/api/v1/reference/quote?{query}").get_json()["total"]


def test_a_batch_costs_the_same_statements_whatever_its_size(app, as_agent, db, org):
    """Registrations and first payments are written a table at a time, not an operation at a
    time. (SQLite, in the same process, gets one insert per paid month: it cannot say which
    generated id belongs to which row of a multi-row insert. There is no round trip to save.)"""
    amount = price(as_agent)

    def batch(size):
        registrations = [op() for _ in range(size)]
        payments = [payment_op(r["payload"]["id"], amount) for r in registrations]
        return [_loaded(o) for o in registrations + payments]

    apply_operations(db.session, ctx=_context(org), operations=batch(2))  # reference data read
    counts = []
    for size in (3, 30):
        with statements(db) as seen:
            results = apply_operations(db.session, ctx=_context(org), operations=batch(size))
        assert {r.status for r in results} == {"applied"}
        assert _savepoints(seen) == 1
        if app.config["BACKEND"] == "sqlite":
            seen = [s for s in seen if not s.startswith("INSERT INTO payment_months")]
        counts.append(len(seen))
    assert counts[0] == counts[1], "\n".join(s[:70] for s in seen)
    assert count(db, Payment) == 2 + 3 + 30


def _varied_batch(as_agent, db, org) -> list[dict]:
    """Every kind of answer a batch can hold, none of which needs the careful way."""
    existing = make_worker(db.session, org.agent)
    db.session.commit()
    earlier = op()
    sync(as_agent, earlier)
    this_month = Month.of(clock.today())
    one, two = _quote(as_agent, this_month, 1), _quote(as_agent, this_month + 1, 2)
    new = op()
    new_id = new["payload"]["id"]
    look_alike = worker_payload(phone=new["payload"]["phone"], id=str(uuid.uuid4()))
    bad_nik = worker_payload(nik="1234", id=str(uuid.uuid4()))
    tomorrow = (clock.today() + timedelta(days=2)).isoformat()
    return [
        new,
        payment_op(new_id, one),
        payment_op(new_id, two, months=2),
        op(payload=bad_nik),
        payment_op(bad_nik["id"], one),
        payment_op(existing.id, one + 1),
        payment_op(existing.id, one),
        {"op_id": str(uuid.uuid4()), "type": "worker.rename", "payload": {}},
        op(payload=look_alike),
        earlier,
        payment_op(new_id, one, paid_on=tomorrow),
        op(payload={**earlier["payload"], "id": str(uuid.uuid4())}),  # the NIK is taken
    ]


def _numbers():
    """Membership numbers in the same order on each run, so both runs can be compared."""
    serial = iter(range(10**9, 2 * 10**9))

    def draw():
        digits = str(next(serial))
        return digits + damm_digit(digits)

    return draw


def _apply(db, org, operations, monkeypatch, *, together):
    import perisai.workers.operations as workers

    monkeypatch.setattr(workers, "new_membership_number", _numbers())
    savepoint = db.session.begin_nested()
    with statements(db) as seen:
        results = apply_operations(
            db.session, ctx=_context(org), operations=operations, together=together
        )
    db.session.flush()
    answers = [_comparable(result.__dict__) for result in results]
    rows = {
        "workers": db.session.execute(
            select(
                Worker.id,
                Worker.membership_number,
                Worker.covered_until,
                Worker.first_paid_month,
                Worker.registered_by_id,
                Worker.managed_by_id,
                Worker.branch_id,
            ).order_by(Worker.id)
        ).all(),
        "payments": db.session.execute(
            select(Payment.id, Payment.worker_id, Payment.receipt_number, Payment.amount).order_by(
                Payment.id
            )
        ).all(),
        "months": db.session.execute(
            select(PaymentMonth.payment_id, PaymentMonth.month, PaymentMonth.total).order_by(
                PaymentMonth.payment_id, PaymentMonth.month
            )
        ).all(),
        "ledger": db.session.execute(
            select(
                SyncOperation.op_id, SyncOperation.entity_id, SyncOperation.http_status
            ).order_by(SyncOperation.op_id)
        ).all(),
    }
    savepoint.rollback()
    db.session.expire_all()
    return answers, rows, seen


def _comparable(value):
    """Timestamps only as "set or not": the two runs happen a few milliseconds apart."""
    if isinstance(value, dict):
        return {
            k: (v is not None) if k in ("created_at", "given_at") else _comparable(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    return value


def test_all_at_once_answers_and_stores_exactly_as_one_at_a_time(as_agent, db, org, monkeypatch):
    operations = [_loaded(o) for o in _varied_batch(as_agent, db, org)]
    together, stored_together, seen = _apply(db, org, operations, monkeypatch, together=True)
    assert _savepoints(seen) == 1  # it was not sent the careful way
    alone, stored_alone, seen = _apply(db, org, operations, monkeypatch, together=False)
    assert _savepoints(seen) == [a["status"] for a in alone].count("applied")  # one each
    assert together == alone
    assert stored_together == stored_alone
    assert [answer["status"] for answer in together] == [
        "applied",
        "applied",
        "applied",
        "rejected",
        "rejected",
        "rejected",
        "applied",
        "rejected",
        "applied",
        "duplicate",
        "rejected",
        "rejected",
    ]
    assert together[11]["http_status"] == 409
    assert together[11]["details"]["worker_id"] == operations[9]["payload"]["id"]
    assert together[8]["warnings"][0]["code"] == "possible_duplicate"
    assert together[2]["entity"]["receipt_number"].endswith("-002")
    # The registration's answer is the participant as it stood then, before its payments.
    assert together[0]["entity"]["covered_until"] is None
    assert len(stored_together["payments"]) == 3
    assert len(stored_together["ledger"]) == 1 + 5


def test_a_double_tap_splits_the_batch_and_answers_as_one_at_a_time(as_agent, db, org, monkeypatch):
    """The same participant under a second op_id, and the same op_id twice, name what the batch
    staged before them: that is written, then they are answered on their own."""
    operations = _varied_batch(as_agent, db, org)
    again = {**operations[0], "op_id": str(uuid.uuid4())}
    operations = [_loaded(o) for o in [*operations, again, operations[1], operations[0]]]
    together, stored_together, seen = _apply(db, org, operations, monkeypatch, together=True)
    assert _savepoints(seen) == 2  # the batch's, and the second registration's own
    alone, stored_alone, _ = _apply(db, org, operations, monkeypatch, together=False)
    assert (together, stored_together) == (alone, stored_alone)
    assert [answer["status"] for answer in together[-3:]] == ["duplicate"] * 3
    assert together[-3]["entity"]["id"] == operations[0]["payload"]["id"]
    assert together[-2]["entity"] == together[1]["entity"]


def test_a_broken_operation_in_a_batch_is_redone_alone_and_undoes_only_itself(
    as_agent, db, org, monkeypatch, caplog
):
    """Something unexpected after an operation staged its rows (here: its answer cannot be
    written) may leave half of it pending: the batch is applied again the careful way, where
    that operation's savepoint undoes it alone."""
    import perisai.sync.handlers as handlers

    amount = price(as_agent)
    first, second = op(), op()
    broken = payment_op(first["payload"]["id"], amount)
    fine = payment_op(second["payload"]["id"], amount)
    real = handlers._payment_entity

    def fails_for_one(payment):
        if str(payment.id) == broken["payload"]["id"]:
            raise RuntimeError("cannot write the answer")
        return real(payment)

    monkeypatch.setattr(handlers, "_payment_entity", fails_for_one)
    results = sync(as_agent, first, second, broken, fine)
    assert [r["status"] for r in results] == ["applied", "applied", "rejected", "applied"]
    assert results[2]["http_status"] == 500
    assert "cannot write the answer" in caplog.text
    assert (count(db, Worker), count(db, Payment), count(db, SyncOperation)) == (2, 1, 3)
    assert db.session.get(Payment, uuid.UUID(broken["payload"]["id"])) is None
