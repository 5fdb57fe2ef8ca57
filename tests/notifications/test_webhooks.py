"""WhatsApp's delivery webhooks: the set-up handshake, signatures, statuses."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from perisai.notifications.models import Notification
from tests.notifications.conftest import (
    VERIFY_TOKEN,
    deliver,
    participant,
    remind,
    signed,
    status_webhook,
)

URL = "/api/v1/notifications/webhooks/whatsapp"
DUE_NEXT_WEEK = "2026-06-25T10:00:00+07:00"


def sent_message(db, org, gateway, channels=("whatsapp", "sms")) -> Notification:
    worker = participant(db, org.agent, channels=channels)
    remind(db, gateway)
    return db.session.scalar(select(Notification).where(Notification.worker_id == worker.id))


def test_the_verify_token_handshake(client, configured):
    ok = client.get(
        f"{URL}?hub.mode=subscribe&hub.verify_token={VERIFY_TOKEN}&hub.challenge=1158201444"
    )
    assert ok.status_code == 200 and ok.get_data(as_text=True) == "1158201444"
    wrong = client.get(f"{URL}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1")
    assert wrong.status_code == 403 and wrong.get_json()["code"] == 403


@pytest.mark.today(DUE_NEXT_WEEK)
def test_a_delivery_webhook_with_a_bad_signature_is_refused(db, org, client, configured):
    message = sent_message(db, org, configured)
    body = status_webhook(message.provider_message_id, "delivered")
    raw, headers = signed(body, secret="not-the-app-secret")

    refused = client.post(URL, data=raw, headers=headers)
    unsigned = client.post(URL, data=json.dumps(body), headers={"Content-Type": "application/json"})
    tampered_raw, good = signed(body)
    tampered = client.post(URL, data=tampered_raw.replace(b"delivered", b"failed"), headers=good)

    assert [r.status_code for r in (refused, unsigned, tampered)] == [403, 403, 403]
    db.session.expire_all()
    assert db.session.get(Notification, message.id).state == "sent"


@pytest.mark.today(DUE_NEXT_WEEK)
def test_delivered_and_read_statuses(db, org, client, configured):
    message = sent_message(db, org, configured)
    for status in ("delivered", "read", "sent"):  # out of order: never back to sent
        raw, headers = signed(status_webhook(message.provider_message_id, status))
        response = client.post(URL, data=raw, headers=headers)
        assert response.status_code == 200, response.get_json()
    db.session.expire_all()
    stored = db.session.get(Notification, message.id)
    assert stored.state == "delivered" and stored.delivered_at is not None


@pytest.mark.today(DUE_NEXT_WEEK)
def test_a_failed_status_falls_back_to_sms(db, org, client, configured):
    message = sent_message(db, org, configured)
    failure = {"errors": [{"code": 131047, "title": "Re-engagement message", "message": "…"}]}
    raw, headers = signed(status_webhook(message.provider_message_id, "failed", **failure))

    response = client.post(URL, data=raw, headers=headers)
    assert response.get_json() == {"updated": 1}
    deliver(db, configured)

    db.session.expire_all()
    stored = db.session.get(Notification, message.id)
    assert stored.state == "failed" and "code 131047: Re-engagement message" in stored.reason
    sms = db.session.scalar(select(Notification).where(Notification.fallback_of_id == message.id))
    assert sms.state == "sent" and len(configured.of("sms")) == 1


def test_other_bodies_are_answered_not_crashed_on(client, configured):
    for body in ({}, {"entry": "x"}, {"entry": [{"changes": [{"value": {"statuses": [{}]}}]}]}, []):
        raw, headers = signed(body)
        response = client.post(URL, data=raw, headers=headers)
        assert response.status_code == 200 and response.get_json() == {"updated": 0}


def test_without_an_app_secret_every_webhook_is_refused(client):
    raw, headers = signed(status_webhook("wamid.X", "delivered"))
    assert client.post(URL, data=raw, headers=headers).status_code == 403
