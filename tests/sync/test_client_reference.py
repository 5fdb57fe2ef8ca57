"""payment.record through the outbox carries the receipt reference printed offline."""

import uuid

import pytest

from perisai import clock
from tests.factories import worker_payload


def op(op_type, payload):
    return {"op_id": str(uuid.uuid4()), "type": op_type, "payload": payload}


def payment(worker_id, amount, reference, **extra):
    return op(
        "payment.record",
        {
            "id": str(uuid.uuid4()),
            "worker_id": worker_id,
            "months": 1,
            "amount": amount,
            "paid_on": clock.today().isoformat(),
            "channel": "cash",
            "client_reference": reference,
            **extra,
        },
    )


def sync(client, *operations):
    response = client.post("/api/v1/sync", json={"operations": list(operations)})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["results"]


def price(client):
    query = (
        "income_level=1000000&programs=JKK,JKM&sector=other&funding=self"
        f"&start_month={clock.this_month()}&months=1"
    )
    return client.get(f"/api/v1/reference/quote?{query}").get_json()["total"]


@pytest.mark.today("2026-12-03")
def test_an_offline_registration_and_payment_keep_the_reference_after_sync(as_agent, db, org):
    register = op("worker.register", worker_payload(id=str(uuid.uuid4())))
    worker_id = register["payload"]["id"]
    pay = payment(worker_id, price(as_agent), "AG0001-D3-0001")
    results = sync(as_agent, register, pay)
    assert [r["status"] for r in results] == ["applied", "applied"], results
    entity = results[1]["entity"]
    assert entity["client_reference"] == "AG0001-D3-0001"
    assert entity["receipt_number"].endswith("-001")
    [again] = sync(as_agent, pay)
    assert again["status"] == "duplicate"
    assert again["entity"]["client_reference"] == "AG0001-D3-0001"
    shown = as_agent.get(f"/api/v1/workers/{worker_id}/payments").get_json()
    assert [p["client_reference"] for p in shown] == ["AG0001-D3-0001"]


@pytest.mark.today("2026-12-03")
def test_a_reference_used_twice_in_one_batch_rejects_the_second_only(as_agent, db, org):
    first = op("worker.register", worker_payload(id=str(uuid.uuid4())))
    second = op("worker.register", worker_payload(id=str(uuid.uuid4())))
    amount = price(as_agent)
    pay_first = payment(first["payload"]["id"], amount, "AG0001-D3-0007")
    pay_second = payment(second["payload"]["id"], amount, "AG0001-D3-0007")
    results = sync(as_agent, first, second, pay_first, pay_second)
    assert [r["status"] for r in results] == ["applied", "applied", "applied", "rejected"]
    assert results[3]["http_status"] == 409
    assert "client_reference" in results[3]["errors"]["json"]
    # A later batch with the same reference for yet another payment: refused as well.
    third = payment(second["payload"]["id"], amount, "AG0001-D3-0007")
    [late] = sync(as_agent, third)
    assert late["status"] == "rejected" and late["http_status"] == 409
    fixed = payment(second["payload"]["id"], amount, "AG0001-D3-0008")
    [ok] = sync(as_agent, fixed)
    assert ok["status"] == "applied" and ok["entity"]["client_reference"] == "AG0001-D3-0008"


@pytest.mark.today("2026-12-03")
def test_a_malformed_reference_is_a_rejection_naming_the_field(as_agent, db, org):
    register = op("worker.register", worker_payload(id=str(uuid.uuid4())))
    pay = payment(register["payload"]["id"], price(as_agent), "ag-1")
    results = sync(as_agent, register, pay)
    assert results[0]["status"] == "applied"
    assert results[1]["status"] == "rejected" and results[1]["http_status"] == 422
    assert "client_reference" in results[1]["errors"]["json"]
