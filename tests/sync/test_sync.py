"""POST /api/v1/sync: results in order, one savepoint per operation, replays and conflicts."""

import uuid
from datetime import date

import pytest
from sqlalchemy import func, select

from perisai import clock
from perisai.contributions.models import Payment
from perisai.sync.models import SyncOperation
from perisai.workers.models import Worker
from tests.factories import make_worker, valid_nik, worker_payload


def op(op_type="worker.register", payload=None, op_id=None):
    return {
        "op_id": op_id or str(uuid.uuid4()),
        "type": op_type,
        "payload": payload if payload is not None else worker_payload(id=str(uuid.uuid4())),
    }


def sync(client, *operations, **kwargs):
    response = client.post("/api/v1/sync", json={"operations": list(operations)}, **kwargs)
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def price(client, months=1, start=None):
    """The price from `start` (default this month) for worker_payload()'s profile, from the
    server's own quote."""
    query = (
        "income_level=1000000&programs=JKK,JKM&sector=other&funding=self"
        f"&start_month={start or clock.this_month()}&months={months}"
    )
    return client.get(f"/api/v1/reference/quote?{query}").get_json()["total"]


def payment_op(worker_id, amount, months=1, **overrides):
    payload = {
        "id": str(uuid.uuid4()),
        "worker_id": str(worker_id),
        "months": months,
        "amount": amount,
        "paid_on": clock.today().isoformat(),
        "channel": "cash",
        **overrides,
    }
    return op("payment.record", payload)


def test_register_is_applied_and_returns_the_participant(as_agent, db, org):
    operation = op()
    [result] = sync(as_agent, operation)
    assert result["status"] == "applied" and result["http_status"] == 201
    assert result["op_id"] == operation["op_id"]
    assert result["entity"]["id"] == operation["payload"]["id"]
    assert len(result["entity"]["membership_number"]) == 11
    assert result["entity"]["nik"] == operation["payload"]["nik"]
    assert result["errors"] == {} and result["message"] is None


def test_replay_is_a_duplicate_with_the_same_entity(as_agent, db, org):
    operation = op()
    [first] = sync(as_agent, operation)
    [again] = sync(as_agent, operation)
    assert again["status"] == "duplicate" and again["http_status"] == 200
    assert again["entity"]["id"] == first["entity"]["id"]
    assert again["entity"]["membership_number"] == first["entity"]["membership_number"]
    assert count(db, Worker) == 1 and count(db, SyncOperation) == 1


def test_same_op_id_with_other_content_is_rejected_409(as_agent, db, org):
    operation = op()
    sync(as_agent, operation)
    changed = {**operation, "payload": {**operation["payload"], "address": "Jl. Lain 2"}}
    [result] = sync(as_agent, changed, headers={"Accept-Language": "en"})
    assert result["status"] == "rejected" and result["http_status"] == 409
    assert result["message"] == "This op_id was already used with different content."
    assert result["entity"] is None
    assert count(db, Worker) == 1


def test_one_rejected_operation_never_undoes_the_others(as_agent, db, org):
    good1, good2 = op(), op()
    bad = op(payload=worker_payload(id=str(uuid.uuid4()), nik="3325010507900000"))
    results = sync(as_agent, good1, bad, good2)
    assert [r["op_id"] for r in results] == [good1["op_id"], bad["op_id"], good2["op_id"]]
    assert [r["status"] for r in results] == ["applied", "rejected", "applied"]
    assert results[1]["http_status"] == 422
    assert results[1]["errors"]["json"]["nik"] == [
        "Nomor urut NIK (4 digit terakhir) tidak boleh 0000."
    ]
    assert count(db, Worker) == 2
    # Rejected operations are not recorded: the fixed payload may be sent under the same op_id.
    fixed = {**bad, "payload": worker_payload(id=bad["payload"]["id"])}
    [result] = sync(as_agent, fixed)
    assert result["status"] == "applied"


def test_errors_are_in_the_requests_language(as_agent, db, org):
    bad = op(payload=worker_payload(phone="12345"))
    [result] = sync(as_agent, bad, headers={"Accept-Language": "en"})
    assert result["errors"]["json"]["phone"] == ["Phone must be 08… or +62… (9–13 digits)."]
    assert result["message"] == "Some fields are invalid."


def test_schema_errors_of_a_payload_are_a_rejection_not_a_failed_batch(as_agent, db, org):
    missing = worker_payload()
    del missing["nik"]
    results = sync(
        as_agent,
        op(payload=missing),
        op(payload={**worker_payload(), "colour": "blue"}),
        op("worker.delete", {}),
        op(payload=["not", "an", "object"]),
        op(),
    )
    assert [r["http_status"] for r in results] == [422, 422, 422, 422, 201]
    assert "nik" in results[0]["errors"]["json"]
    assert "colour" in results[1]["errors"]["json"]
    assert "type" in results[2]["errors"]["json"]


def test_duplicate_nik_is_rejected_with_the_existing_participant(as_agent, db, org):
    body = worker_payload()
    [first] = sync(as_agent, op(payload={**body, "id": str(uuid.uuid4())}))
    [second] = sync(as_agent, op(payload={**body, "id": str(uuid.uuid4())}))
    assert second["status"] == "rejected" and second["http_status"] == 409
    assert second["message"] == "NIK sudah terdaftar."
    assert second["details"]["worker_id"] == first["entity"]["id"]
    assert second["details"]["membership_number"] == first["entity"]["membership_number"]


def test_same_op_id_twice_in_one_batch(as_agent, db, org):
    operation = op()
    results = sync(as_agent, operation, operation)
    assert [r["status"] for r in results] == ["applied", "duplicate"]
    assert count(db, Worker) == 1


def test_op_id_of_another_user_is_rejected(as_agent, as_agent2, db, org):
    operation = op()
    sync(as_agent, operation)
    [result] = sync(as_agent2, operation)
    assert result["status"] == "rejected" and result["http_status"] == 409
    assert result["entity"] is None


def test_register_then_pay_in_one_batch(as_agent, db, org):
    register = op()
    worker_id = register["payload"]["id"]
    amount = price(as_agent)
    pay = payment_op(worker_id, amount)
    results = sync(as_agent, register, pay)
    assert [r["status"] for r in results] == ["applied", "applied"]
    entity = results[1]["entity"]
    assert entity["id"] == pay["payload"]["id"] and entity["amount"] == amount
    assert entity["receipt_number"] and entity["covers"] == [f"{clock.today():%Y-%m}"]
    [again] = sync(as_agent, pay)
    assert again["status"] == "duplicate" and again["entity"] == entity
    assert count(db, Payment) == 1


def test_wrong_amount_is_rejected_with_the_expected_amount(as_agent, db, org):
    worker = make_worker(db.session, org.agent)
    db.session.commit()
    expected = price(as_agent)
    [result] = sync(as_agent, payment_op(worker.id, amount=expected + 1))
    assert result["status"] == "rejected" and result["http_status"] == 422
    assert f"{expected:,}".replace(",", ".") in result["errors"]["json"]["amount"][0]
    assert result["details"]["expected_amount"] == expected


def test_payment_for_someone_elses_participant_is_404(as_agent2, db, org):
    worker = make_worker(db.session, org.agent)
    db.session.commit()
    results = sync(as_agent2, payment_op(worker.id, 8_400), payment_op("not-a-uuid", 8_400))
    assert [r["http_status"] for r in results] == [404, 422]
    assert "worker_id" in results[1]["errors"]["json"]
    assert count(db, Payment) == 0


def test_more_than_500_operations_is_413(as_agent, db, org):
    response = as_agent.post("/api/v1/sync", json={"operations": [op() for _ in range(501)]})
    assert response.status_code == 413
    body = response.get_json()
    assert body["code"] == 413 and "operations" in body["errors"]["json"]
    assert count(db, Worker) == 0


def test_envelope_errors_are_422(as_agent, db, org):
    for body in ({}, {"operations": "x"}, {"operations": [{"type": "worker.register"}]}):
        response = as_agent.post("/api/v1/sync", json=body)
        assert response.status_code == 422, body
        assert set(response.get_json()) == {"code", "status", "message", "errors"}


def test_login_and_csrf_are_required(client, as_agent, db, org):
    assert client.post("/api/v1/sync", json={"operations": []}).status_code == 401
    response = as_agent.post("/api/v1/sync", json={"operations": []}, headers={"X-CSRF-Token": ""})
    assert response.status_code == 403
    assert sync(as_agent) == []


def test_area_is_the_branchs_regency(as_agent, as_admin, db, org):
    body = as_agent.get("/api/v1/sync/area").get_json()
    assert body == {
        "regency_code": "33.25",
        "branch_code": org.branch.code,
        "branch_name": org.branch.name,
    }
    assert as_admin.get("/api/v1/sync/area").get_json()["regency_code"] is None


def test_a_nik_clash_inside_a_batch_gets_its_own_answer_and_the_rest_applies(as_agent, db, org):
    body = worker_payload()
    first = op(payload={**body, "id": str(uuid.uuid4())})
    clash = op(payload={**body, "id": str(uuid.uuid4())})
    other = op()
    pay = payment_op(first["payload"]["id"], price(as_agent))
    results = sync(as_agent, first, clash, other, pay)
    assert [r["status"] for r in results] == ["applied", "rejected", "applied", "applied"]
    assert results[1]["http_status"] == 409 and results[1]["message"] == "NIK sudah terdaftar."
    assert results[1]["details"]["worker_id"] == first["payload"]["id"]
    assert (count(db, Worker), count(db, Payment), count(db, SyncOperation)) == (2, 1, 3)


def test_a_membership_number_drawn_twice_is_drawn_again(as_agent, db, org, monkeypatch):
    import perisai.workers.operations as workers

    taken = make_worker(db.session, org.agent).membership_number
    db.session.commit()
    # Taken when the batch is written at once, again when the operation is applied alone
    # without its savepoint, and again with it, where it is drawn anew.
    draws = iter([taken, taken, taken, "12345678903"])
    monkeypatch.setattr(workers, "new_membership_number", lambda: next(draws))
    [result] = sync(as_agent, op())
    assert result["status"] == "applied"
    assert result["entity"]["membership_number"] == "12345678903"


def test_ledger_records_what_happened_when_it_was_not_the_likely_outcome(as_agent, db, org):
    """The ledger row is written expecting 'created, with the client's id'; a double tap
    (another op_id, same participant) and an id in capitals must still be recorded as they
    happened, so that their replays answer the same."""
    body = worker_payload(id=str(uuid.uuid4()).upper())
    tap, double_tap = op(payload=body), op(payload=body)
    results = sync(as_agent, tap, double_tap)
    assert [(r["status"], r["http_status"]) for r in results] == [
        ("applied", 201),
        ("duplicate", 200),
    ]
    records = {r.op_id: r for r in db.session.scalars(select(SyncOperation)).all()}
    canonical = body["id"].lower()
    assert records[uuid.UUID(tap["op_id"])].entity_id == canonical
    assert records[uuid.UUID(double_tap["op_id"])].http_status == 200
    replays = sync(as_agent, tap, double_tap)
    assert [r["status"] for r in replays] == ["duplicate", "duplicate"]
    assert replays[0]["entity"] == replays[1]["entity"] == results[0]["entity"]


@pytest.mark.today("2026-12-02")  # December is discounted for the "other" sector, January not
def test_a_stale_payment_count_still_gives_the_next_receipt_number(as_agent, db, org, monkeypatch):
    """Sync counts a batch's payments per participant once; a count gone stale (another device
    paid meanwhile) clashes on the receipt number and the payment is redone, not refused."""
    import perisai.sync.handlers as handlers
    import perisai.sync.operations as sync_operations

    register = op()
    worker_id = register["payload"]["id"]
    amount = price(as_agent)
    sync(as_agent, register, payment_op(worker_id, amount))

    def stale_preload(session, ctx, operations):
        handlers.preload(session, ctx, operations)
        ctx.payment_counts.clear()  # as if counted before the first payment landed

    monkeypatch.setattr(sync_operations, "preload", stale_preload)
    next_month = clock.this_month() + 1  # priced on its own: its rate or discount may differ
    amount = price(as_agent, start=next_month)
    [result] = sync(as_agent, payment_op(worker_id, amount, start_month=str(next_month)))
    assert result["status"] == "applied", result
    assert result["entity"]["receipt_number"].endswith("-002")


def test_likely_duplicates_are_found_in_the_database_and_earlier_in_the_batch(as_agent, db, org):
    """The batch reads its possible duplicates at once; they must be the same warnings a
    registration on its own gets, including one registered earlier in the same batch."""
    stored = worker_payload(full_name="Muhammad Rizki")
    sync(as_agent, op(payload={**stored, "id": str(uuid.uuid4())}))
    same_phone = worker_payload(phone=stored["phone"], full_name="Budi")

    def born(day: date, name: str) -> dict:
        return worker_payload(full_name=name, birth_date=day.isoformat(), nik=valid_nik(birth=day))

    first_of_batch = born(date(1985, 2, 3), "Siti Aminah")
    typed_again = born(date(1985, 2, 3), "Siti Aminnah")
    unrelated = born(date(1979, 11, 30), "Agus Salim")
    batch = [
        op(payload={**body, "id": str(uuid.uuid4())})
        for body in (same_phone, first_of_batch, typed_again, unrelated)
    ]
    results = sync(as_agent, *batch)
    assert [r["status"] for r in results] == ["applied"] * 4
    codes = [[w["code"] for w in r["warnings"]] for r in results]
    assert codes == [["possible_duplicate"], [], ["possible_duplicate"], []]
    assert (
        results[2]["warnings"][0]["membership_number"] == results[1]["entity"]["membership_number"]
    )
