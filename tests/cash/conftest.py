"""Shared pieces of the cash custody tests: participants of the demo agent, cash payments
through the API, deposits and statements."""

from __future__ import annotations

import uuid

import pytest

from perisai import clock
from tests.factories import make_worker

MONTHLY = 16_800  # an APBD-funded participant: no discount


@pytest.fixture
def workers(db, org):
    made = [make_worker(db.session, org.agent, funding="apbd") for _ in range(12)]
    db.session.commit()
    return made


def pay(client, worker, months=1, *, channel="cash", paid_on=None, expect=201):
    body = {
        "id": str(uuid.uuid4()),
        "months": months,
        "amount": months * MONTHLY,
        "paid_on": (paid_on or clock.today()).isoformat(),
        "channel": channel,
    }
    response = client.post(f"/api/v1/workers/{worker.id}/payments", json=body)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def deposit(client, amount, reference, deposited_on=None, *, expect=201, deposit_id=None):
    body = {
        "id": deposit_id or str(uuid.uuid4()),
        "amount": amount,
        "channel": "va",
        "reference": reference,
        "deposited_on": (deposited_on or clock.today()).isoformat(),
    }
    response = client.post("/api/v1/cash/deposits", json=body)
    assert response.status_code == expect, response.get_json()
    return response.get_json()


def position(client, agent_code):
    response = client.get(f"/api/v1/cash/agents/{agent_code}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def statement(client, rows, *, expect=201, query=""):
    text = "date,reference,amount\n" + "".join(f"{d},{r},{a}\n" for d, r, a in rows)
    response = client.post(
        f"/api/v1/cash/statements{query}",
        data=text.encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert response.status_code == expect, response.get_json()
    return response.get_json()
