"""Writes at the same instant through a real multi-process server (gunicorn, 4 workers x 4
threads) get the answers one at a time would get: 201/409/200, never a 5xx. On SQLite this
needs every transaction that may write to take the write lock up front (perisai.transactions);
on PostgreSQL row locks and unique keys settle the same races."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from perisai.contributions.models import Payment
from perisai.workers.models import Worker
from tests import factories
from tests.concurrency.helpers import DAY, at_once

pytestmark = [pytest.mark.slow, pytest.mark.today(DAY)]
ROUNDS = 4


def _post(http, url, body):
    return lambda: http.post(url, json=body, timeout=90)


def _statuses(answers) -> list:
    return [a.status_code if hasattr(a, "status_code") else repr(a) for a in answers]


def _texts(answers) -> list:
    return [getattr(a, "text", a) for a in answers]


def _price(live, http, *, months: int) -> int:
    """What a new participant of factories.worker_payload pays for `months` from DAY's month."""
    params = {
        "income_level": 1_000_000,
        "programs": "JKK,JKM",
        "sector": "other",
        "funding": "self",
        "start_month": DAY[:7],
        "months": months,
    }
    quote = http.get(f"{live.base}/api/v1/reference/quote", params=params, timeout=30)
    return quote.json()["total"]


def _register(live, http) -> dict:
    response = live.register(http)
    assert response.status_code == 201, response.text
    return response.json()


def test_two_registrations_at_the_same_instant_are_both_created(live):
    agent, agent2 = live.login("agent"), live.login("agent2")
    url = f"{live.base}/api/v1/workers"
    for _ in range(ROUNDS):
        first, second = factories.worker_payload(), factories.worker_payload()
        answers = at_once(_post(agent, url, first), _post(agent2, url, second))
        assert _statuses(answers) == [201, 201], _texts(answers)


def test_the_same_nik_from_two_agents_at_once_is_one_participant_and_one_409(live):
    agent, agent2 = live.login("agent"), live.login("agent2")
    url = f"{live.base}/api/v1/workers"
    with live.engine.connect() as conn:
        for _ in range(ROUNDS):
            body = factories.worker_payload()
            other_phone = {**body, "phone": "081377770000"}
            answers = at_once(_post(agent, url, body), _post(agent2, url, other_phone))
            assert sorted(_statuses(answers)) == [201, 409], [
                getattr(a, "text", a) for a in answers
            ]
            refused = next(a for a in answers if a.status_code == 409).json()
            assert list(refused["errors"]["json"]) == ["nik"]
            stored = select(func.count()).select_from(Worker).where(Worker.nik == body["nik"])
            assert conn.scalar(stored) == 1
            conn.rollback()


def test_the_same_payment_id_twice_at_once_is_one_payment(live):
    agent, same_agent_elsewhere = live.login("agent"), live.login("agent")
    with live.engine.connect() as conn:
        for _ in range(ROUNDS):
            worker = _register(live, agent)
            body = {
                "id": str(uuid.uuid4()),
                "months": 2,
                "amount": _price(live, agent, months=2),
                "paid_on": DAY,
                "channel": "cash",
            }
            url = f"{live.base}/api/v1/workers/{worker['id']}/payments"
            answers = at_once(_post(agent, url, body), _post(same_agent_elsewhere, url, body))
            assert sorted(_statuses(answers)) == [200, 201], [
                getattr(a, "text", a) for a in answers
            ]
            assert answers[0].json()["covers"] == answers[1].json()["covers"]
            payments = select(Payment.id).where(Payment.worker_id == worker["id"])
            assert [str(p) for p in conn.scalars(payments)] == [body["id"]]
            conn.rollback()


def _batch(price: int, registrations: int = 5) -> list[dict]:
    operations = []
    for _ in range(registrations):
        worker_id = str(uuid.uuid4())
        operations.append(
            {
                "op_id": str(uuid.uuid4()),
                "type": "worker.register",
                "payload": factories.worker_payload(id=worker_id),
            }
        )
        payment = {
            "id": str(uuid.uuid4()),
            "worker_id": worker_id,
            "months": 1,
            "amount": price,
            "paid_on": DAY,
            "channel": "cash",
        }
        operations.append(
            {"op_id": str(uuid.uuid4()), "type": "payment.record", "payload": payment}
        )
    return operations


def test_twenty_sync_batches_at_once_are_applied_exactly_once(live):
    clients = [live.login("agent" if i % 2 else "agent2") for i in range(20)]
    price = _price(live, clients[0], months=1)
    batches = [_batch(price) for _ in clients]
    url = f"{live.base}/api/v1/sync"
    sends = [_post(c, url, {"operations": b}) for c, b in zip(clients, batches, strict=True)]

    answers = at_once(*sends)
    assert _statuses(answers) == [200] * 20, _texts(answers)
    results = [r for a in answers for r in a.json()["results"]]
    assert {r["status"] for r in results} == {"applied"}, results

    again = at_once(*sends)  # every phone resends its whole outbox at once
    assert _statuses(again) == [200] * 20, _texts(again)
    replayed = [r for a in again for r in a.json()["results"]]
    assert {r["status"] for r in replayed} == {"duplicate"}
    assert [r["entity"]["id"] for r in replayed] == [r["entity"]["id"] for r in results]

    worker_ids = [op["payload"]["id"] for b in batches for op in b if op["type"].startswith("w")]
    payment_ids = [op["payload"]["id"] for b in batches for op in b if op["type"].startswith("p")]
    with live.engine.connect() as conn:
        workers = conn.scalars(select(Worker.id).where(Worker.id.in_(worker_ids))).all()
        payments = conn.scalars(select(Payment.id).where(Payment.worker_id.in_(worker_ids))).all()
    assert sorted(str(w) for w in workers) == sorted(worker_ids)
    assert sorted(str(p) for p in payments) == sorted(payment_ids)
