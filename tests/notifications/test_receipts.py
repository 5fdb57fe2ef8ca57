"""Receipts, and the card link with the first payment: queued with the payment, whatever
recorded it, and sent with links the participant can open."""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from perisai import clock
from perisai.notifications.models import Notification
from tests.factories import worker_payload
from tests.notifications.conftest import deliver

TODAY = "2026-06-10T10:00:00+07:00"


def pay(client, worker_id: str, months: int = 1) -> dict:
    quote = client.get(f"/api/v1/workers/{worker_id}/quote?months={months}").get_json()
    response = client.post(
        f"/api/v1/workers/{worker_id}/payments",
        json={
            "id": str(uuid.uuid4()),
            "months": months,
            "amount": quote["total"],
            "paid_on": clock.today().isoformat(),
            "channel": "cash",
        },
    )
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def consenting(*channels) -> dict:
    return {"given": True, "notice_version": "2026-01", "channels": list(channels)}


def receipt_of(db, payment_id: str) -> Notification:
    db.session.expire_all()
    stmt = select(Notification).where(Notification.payment_id == uuid.UUID(payment_id))
    return db.session.scalar(stmt)


def values_of(received) -> list[str]:
    return [p["text"] for p in received.body["template"]["components"][0]["parameters"]]


@pytest.mark.today(TODAY)
def test_a_payment_sends_its_receipt_and_the_first_one_the_card(db, as_agent, gateway, app):
    body = worker_payload(
        consent={"given": True, "notice_version": "2026-01", "channels": ["whatsapp"]}
    )
    worker = as_agent.post("/api/v1/workers", json=body).get_json()
    first = pay(as_agent, worker["id"], months=3)

    queued = db.session.scalar(
        select(Notification).where(Notification.payment_id == uuid.UUID(first["id"]))
    )
    assert (queued.template, queued.state, queued.key) == (
        "receipt",
        "queued",
        f"receipt:{first['id']}",
    )
    deliver(db, gateway)

    (sent,) = gateway.of("whatsapp")
    assert sent.body["template"]["name"] == "perisai_receipt_card"
    _member, _amount, months, receipt_url, card_url = values_of(sent)
    assert months == "Juni 2026 – Agustus 2026"
    assert worker["nik"] not in sent.raw.decode()
    public = app.test_client()
    for url in (receipt_url, card_url):
        assert url.startswith("http://perisai.test/l/")
        opened = public.get(urlsplit(url).path)
        assert opened.status_code == 200 and opened.mimetype == "application/pdf"

    pay(as_agent, worker["id"])
    deliver(db, gateway)
    second = gateway.of("whatsapp")[1]
    assert second.body["template"]["name"] == "perisai_receipt"
    assert len(values_of(second)) == 4
    db.session.expire_all()
    states = db.session.scalars(
        select(Notification.template)
        .where(Notification.worker_id == uuid.UUID(worker["id"]))
        .order_by(Notification.id)
    ).all()
    assert states == ["receipt_card", "receipt"]


@pytest.mark.today(TODAY)
def test_a_payment_by_sync_queues_its_receipt_too(db, as_agent, gateway):
    body = worker_payload(consent=consenting("sms"))
    body["id"] = str(uuid.uuid4())
    payment_id = str(uuid.uuid4())
    quote = 16_800 // 2  # June 2026, other sector: PP 50/2025 halves JKK and JKM
    response = as_agent.post(
        "/api/v1/sync",
        json={
            "operations": [
                {"op_id": str(uuid.uuid4()), "type": "worker.register", "payload": body},
                {
                    "op_id": str(uuid.uuid4()),
                    "type": "payment.record",
                    "payload": {
                        "worker_id": body["id"],
                        "id": payment_id,
                        "months": 1,
                        "amount": quote,
                        "paid_on": clock.today().isoformat(),
                        "channel": "cash",
                    },
                },
            ]
        },
    )
    assert [r["status"] for r in response.get_json()["results"]] == ["applied", "applied"], (
        response.get_json()
    )

    deliver(db, gateway)

    (sms,) = gateway.of("sms")
    assert "Rp 8.400" in sms.body["text"] and "/l/receipt/" in sms.body["text"]
    assert body["nik"] not in sms.body["text"]


@pytest.mark.today(TODAY)
def test_a_reversed_payment_sends_no_receipt(db, as_agent, as_supervisor, gateway):
    body = worker_payload(
        consent={"given": True, "notice_version": "2026-01", "channels": ["whatsapp"]}
    )
    worker = as_agent.post("/api/v1/workers", json=body).get_json()
    payment = pay(as_agent, worker["id"])
    reversed_ = as_supervisor.post(
        f"/api/v1/payments/{payment['id']}/reverse", json={"reason": "salah catat"}
    )
    assert reversed_.status_code in (200, 201), reversed_.get_json()

    deliver(db, gateway)

    assert gateway.received == []
    db.session.expire_all()
    receipt = db.session.scalar(
        select(Notification).where(Notification.payment_id == uuid.UUID(payment["id"]))
    )
    assert (receipt.state, receipt.reason) == ("skipped", "payment_reversed")
