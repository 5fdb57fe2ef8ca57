"""Sending: retries with back-off, the fall back to SMS, gateways without credentials, leases."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from perisai import clock
from perisai.notifications import delivery
from perisai.notifications.gateways import gateways_from
from perisai.notifications.models import Notification
from perisai.notifications.queueing import queue_reminders
from tests.notifications.conftest import deliver, gateway_config, participant, remind

DUE_NEXT_WEEK = "2026-06-25T10:00:00+07:00"


def messages(db, worker) -> list[Notification]:
    db.session.expire_all()
    stmt = select(Notification).where(Notification.worker_id == worker.id)
    return list(db.session.scalars(stmt.order_by(Notification.id)))


@pytest.mark.today(DUE_NEXT_WEEK)
def test_a_failed_send_is_retried_with_back_off_then_falls_back_to_sms(db, org, gateway):
    worker = participant(db, org.agent, channels=("whatsapp", "sms"))
    gateway.refuse_always("whatsapp", 503, {"error": {"message": "Service unavailable"}})

    remind(db, gateway)
    (first,) = messages(db, worker)
    assert (first.state, first.attempts, first.reason) == (
        "queued",
        1,
        "whatsapp_http_503: Service unavailable",
    )
    wait = first.next_attempt_at - clock.now()
    assert timedelta(seconds=25) < wait <= delivery.RETRY_DELAYS[0]
    deliver(db, gateway)  # too early: the back-off holds it
    assert len(gateway.of("whatsapp")) == 1

    for wait in delivery.RETRY_DELAYS:
        clock.set_now(clock.now() + wait + timedelta(seconds=1))
        deliver(db, gateway)

    assert len(gateway.of("whatsapp")) == delivery.MAX_ATTEMPTS  # 4 tries, then no more
    whatsapp, sms = messages(db, worker)
    assert (whatsapp.channel, whatsapp.state, whatsapp.attempts) == ("whatsapp", "failed", 4)
    assert whatsapp.reason.startswith("whatsapp_http_503") and "SMS" in whatsapp.reason
    assert (sms.channel, sms.state, sms.fallback_of_id) == ("sms", "sent", whatsapp.id)
    (received,) = gateway.of("sms")
    assert received.body["to"] == worker.phone
    assert received.body["reference"] == str(sms.id)
    assert "30 Juni 2026" in received.body["text"]
    assert worker.nik not in received.raw.decode()


@pytest.mark.today(DUE_NEXT_WEEK)
def test_a_refusal_fails_at_once_and_falls_back(db, org, gateway):
    worker = participant(db, org.agent, channels=("whatsapp", "sms"))
    gateway.refuse_next(
        "whatsapp",
        1,
        400,
        {"error": {"message": "(#131026) Message undeliverable", "code": 131026}},
    )

    remind(db, gateway)
    deliver(db, gateway)  # the SMS, queued by the failure

    whatsapp, sms = messages(db, worker)
    assert (whatsapp.state, whatsapp.attempts) == ("failed", 1)
    assert "code 131026" in whatsapp.reason
    assert sms.state == "sent" and len(gateway.of("sms")) == 1


@pytest.mark.today(DUE_NEXT_WEEK)
def test_no_fall_back_without_consent_to_sms(db, org, gateway):
    worker = participant(db, org.agent, channels=("whatsapp",))
    gateway.refuse_always("whatsapp", 400, {"error": {"message": "Invalid parameter", "code": 100}})

    remind(db, gateway)

    (whatsapp,) = messages(db, worker)
    assert (
        whatsapp.state == "failed"
        and whatsapp.reason == "whatsapp_http_400 code 100: Invalid parameter"
    )
    assert gateway.of("sms") == []


@pytest.mark.today(DUE_NEXT_WEEK)
def test_an_unreachable_gateway_is_retried(db, org):
    worker = participant(db, org.agent)
    queue_reminders(db.session)
    db.session.commit()
    config = {
        "WHATSAPP_API_URL": "http://127.0.0.1:9",  # nothing listens (discard port)
        "WHATSAPP_PHONE_ID": "1",
        "WHATSAPP_TOKEN": "t",
        "NOTIFICATIONS_TIMEOUT": 2,
    }
    delivery.deliver_due(db.session, gateways_from(config))
    (message,) = messages(db, worker)
    assert message.state == "queued" and message.reason.startswith("whatsapp_unreachable")


@pytest.mark.today(DUE_NEXT_WEEK)
def test_without_credentials_messages_are_logged_not_sent(db, org, caplog):
    worker = participant(db, org.agent, channels=("whatsapp", "sms"))
    caplog.set_level(logging.INFO, logger="perisai.notifications.gateways")

    remind(db)  # no gateway configured

    (message,) = messages(db, worker)
    assert (message.state, message.reason, message.channel) == (
        "skipped",
        "gateway_not_configured",
        "whatsapp",
    )
    (line,) = [r.getMessage() for r in caplog.records if "logged, not sent" in r.getMessage()]
    assert str(message.id) in line and "renewal_due" in line
    assert worker.phone not in line and worker.phone[3:] not in line
    assert worker.full_name not in line


@pytest.mark.today(DUE_NEXT_WEEK)
def test_sms_is_used_when_only_sms_has_credentials(db, org, gateway):
    worker = participant(db, org.agent, channels=("whatsapp", "sms"))
    queue_reminders(db.session)
    db.session.commit()
    config = {k: v for k, v in gateway_config(gateway).items() if not k.startswith("WHATSAPP")}

    delivery.deliver_due(db.session, gateways_from(config))

    assert [(m.channel, m.state) for m in messages(db, worker)] == [("sms", "sent")]


@pytest.mark.today(DUE_NEXT_WEEK)
def test_a_claimed_message_is_not_taken_by_a_second_sender(db, org, gateway):
    participant(db, org.agent)
    queue_reminders(db.session)
    db.session.commit()
    claimed = delivery.claim(db.session, clock.now())
    assert len(claimed) == 1
    assert delivery.claim(db.session, clock.now()) == []  # leased to the first
    with clock.travel(clock.now() + delivery.LEASE + timedelta(seconds=1)):
        assert delivery.claim(db.session, clock.now()) == claimed  # the first sender died


@pytest.mark.today(DUE_NEXT_WEEK)
def test_a_message_that_cannot_be_prepared_fails_alone(db, org, gateway, monkeypatch):
    broken, fine = participant(db, org.agent), participant(db, org.agent)
    queue_reminders(db.session)
    db.session.commit()
    real = delivery.render

    def render(session, notification, language):
        if notification.worker_id == broken.id:
            raise RuntimeError("a bug")
        return real(session, notification, language)

    monkeypatch.setattr(delivery, "render", render)
    deliver(db, gateway)

    assert [(m.state, m.reason) for m in messages(db, broken)] == [
        ("failed", "not_prepared: RuntimeError")
    ]
    assert [m.state for m in messages(db, fine)] == ["sent"]
