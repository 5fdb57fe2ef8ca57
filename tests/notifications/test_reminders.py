"""Renewal reminders: who gets one, by which channel, once, never at night, never the NIK."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from perisai import clock
from perisai.contributions.quotes import quote_for_worker
from perisai.months import Month
from perisai.notifications.models import Notification
from perisai.notifications.queueing import queue_reminders
from perisai.notifications.rules import add_rule
from perisai.workers.privacy import withdraw_consent
from tests.notifications.conftest import deliver, participant, remind

DUE_NEXT_WEEK = "2026-06-25T10:00:00+07:00"  # coverage to June ends in 5 days


def notifications_of(db, worker) -> list[Notification]:
    db.session.expire_all()
    stmt = select(Notification).where(Notification.worker_id == worker.id)
    return list(db.session.scalars(stmt.order_by(Notification.id)))


@pytest.mark.today(DUE_NEXT_WEEK)
def test_a_participant_due_next_week_gets_exactly_one_whatsapp_reminder(db, org, gateway):
    worker = participant(db, org.agent, channels=("whatsapp", "sms"))

    remind(db, gateway)
    remind(db, gateway)  # beat again, an hour later: nothing more

    (sent,) = gateway.of("whatsapp")
    assert gateway.of("sms") == []
    template = sent.body["template"]
    assert template["name"] == "perisai_renewal_due" and template["language"] == {"code": "id"}
    values = [p["text"] for p in template["components"][0]["parameters"]]
    amount = quote_for_worker(db.session, worker, 1, date(2026, 6, 25)).total
    assert values[0] == "…" + worker.membership_number[-4:]
    assert values[1] == "30 Juni 2026"
    assert values[2] == f"Rp {amount:,}".replace(",", ".")
    assert org.agent.full_name in values[3]
    assert sent.body["to"] == worker.phone.lstrip("+")
    raw = sent.raw.decode()
    assert worker.nik not in raw and worker.membership_number not in raw
    assert worker.full_name not in raw
    (notification,) = notifications_of(db, worker)
    assert (notification.template, notification.channel, notification.state) == (
        "renewal_due",
        "whatsapp",
        "sent",
    )
    assert notification.provider_message_id.startswith("wamid.")
    assert notification.key == f"renewal_due:{worker.id}:2026-06"


@pytest.mark.today(DUE_NEXT_WEEK)
def test_one_without_consent_gets_none_and_the_outbox_says_why(db, org, gateway):
    worker = participant(db, org.agent, channels=())

    remind(db, gateway)

    assert gateway.received == []
    (notification,) = notifications_of(db, worker)
    assert (notification.state, notification.reason, notification.channel) == (
        "skipped",
        "no_consent",
        None,
    )


@pytest.mark.today(DUE_NEXT_WEEK)
def test_a_participant_who_died_gets_nothing(db, org, gateway):
    worker = participant(
        db, org.agent, channels=("whatsapp", "sms"), died_on=date(2026, 6, 20), end_reason="died"
    )
    grace = participant(
        db,
        org.agent,
        channels=("whatsapp",),
        covered_until=Month(2026, 4),
        died_on=date(2026, 5, 2),
        end_reason="died",
    )

    remind(db, gateway)

    assert gateway.received == []
    assert notifications_of(db, worker) == [] and notifications_of(db, grace) == []


@pytest.mark.today(DUE_NEXT_WEEK)
def test_a_death_recorded_after_queueing_stops_the_message(db, org, gateway):
    worker = participant(db, org.agent)
    queue_reminders(db.session)
    worker.died_on, worker.end_reason = date(2026, 6, 24), "died"
    db.session.commit()

    deliver(db, gateway)

    assert gateway.received == []
    assert [(n.state, n.reason) for n in notifications_of(db, worker)] == [("skipped", "died")]


@pytest.mark.today(DUE_NEXT_WEEK)
def test_withdrawing_a_channel_stops_its_queued_message(db, org, gateway):
    whatsapp_then_sms = participant(db, org.agent, channels=("whatsapp", "sms"))
    nothing_left = participant(db, org.agent, channels=("whatsapp",))
    queue_reminders(db.session)
    db.session.commit()
    for worker in (whatsapp_then_sms, nothing_left):
        for consent in worker.consents:
            if consent.channel == "whatsapp":
                consent.withdrawn_at = clock.now()
    db.session.commit()

    deliver(db, gateway)

    assert gateway.of("whatsapp") == []
    (sms,) = gateway.of("sms")
    assert sms.body["to"] == whatsapp_then_sms.phone
    assert [(n.channel, n.state) for n in notifications_of(db, whatsapp_then_sms)] == [
        ("sms", "sent")
    ]
    assert [(n.state, n.reason) for n in notifications_of(db, nothing_left)] == [
        ("skipped", "consent_withdrawn")
    ]


@pytest.mark.today(DUE_NEXT_WEEK)
def test_consent_withdrawn_as_a_whole_stops_every_channel(db, org, gateway):
    worker = participant(db, org.agent, channels=("whatsapp", "sms"))
    withdraw_consent(worker)
    db.session.commit()

    remind(db, gateway)

    assert gateway.received == []
    assert [(n.state, n.reason) for n in notifications_of(db, worker)] == [
        ("skipped", "consent_withdrawn")
    ]
    assert all(c.withdrawn_at is not None for c in worker.consents)


@pytest.mark.today("2026-06-25T22:30:00+07:00")
def test_quiet_hours_hold_a_message_until_morning(db, org, gateway):
    worker = participant(db, org.agent)

    remind(db, gateway)

    assert gateway.received == []
    (held,) = notifications_of(db, worker)
    morning = datetime(2026, 6, 26, 7, 0, tzinfo=clock.zone("WIB"))
    assert (held.state, held.reason) == ("queued", "quiet_hours")
    assert held.next_attempt_at == morning.astimezone(UTC)
    with clock.travel(morning - timedelta(minutes=1)):
        deliver(db, gateway)
        assert gateway.received == []
    with clock.travel(morning + timedelta(minutes=1)):
        deliver(db, gateway)
    assert len(gateway.of("whatsapp")) == 1
    assert [n.state for n in notifications_of(db, worker)] == ["sent"]


@pytest.mark.today("2026-06-25T06:30:00+09:00")  # 06:30 in Jayapura (WIT), 04:30 in Jakarta
def test_quiet_hours_are_the_branchs_own(db, org, gateway):
    org.branch.time_zone = "WIT"
    worker = participant(db, org.agent)

    remind(db, gateway)

    (held,) = notifications_of(db, worker)
    assert held.reason == "quiet_hours"
    assert held.next_attempt_at == datetime(2026, 6, 24, 22, 0, tzinfo=UTC)  # 07:00 WIT
    with clock.travel(datetime(2026, 6, 24, 22, 1, tzinfo=UTC)):  # 05:01 WIB: quiet in Jakarta
        deliver(db, gateway)
    assert len(gateway.of("whatsapp")) == 1


@pytest.mark.today("2026-08-05T10:00:00+07:00")
def test_grace_months_say_what_is_owed_and_until_when(db, org, gateway):
    two_months = participant(db, org.agent, covered_until=Month(2026, 6))
    ended = participant(db, org.agent, covered_until=Month(2026, 4), channels=("sms",))
    long_ended = participant(db, org.agent, covered_until=Month(2025, 12))

    remind(db, gateway)

    (whatsapp,) = gateway.of("whatsapp")
    template = whatsapp.body["template"]
    values = [p["text"] for p in template["components"][0]["parameters"]]
    owed = quote_for_worker(db.session, two_months, 2, date(2026, 8, 5)).total
    assert template["name"] == "perisai_renewal_grace"
    assert values[1:4] == ["2", f"Rp {owed:,}".replace(",", "."), "30 September 2026"]
    assert [n.template for n in notifications_of(db, two_months)] == ["grace_2"]
    (sms,) = gateway.of("sms")
    assert "berakhir" in sms.body["text"] and "Mei 2026" in sms.body["text"]
    assert ended.nik not in sms.body["text"]
    assert [n.template for n in notifications_of(db, ended)] == ["ended"]
    assert notifications_of(db, long_ended) == []  # ended long ago: not reminded again


@pytest.mark.today(DUE_NEXT_WEEK)
def test_english_where_the_participant_chose_it(db, org, gateway):
    participant(db, org.agent, channels=("sms",), language="en")
    participant(db, org.agent, channels=("whatsapp",), language="en")

    remind(db, gateway)

    (sms,) = gateway.of("sms")
    assert "your protection ends on 30 June 2026" in sms.body["text"]
    (whatsapp,) = gateway.of("whatsapp")
    assert whatsapp.body["template"]["language"] == {"code": "en"}


@pytest.mark.today(DUE_NEXT_WEEK)
def test_at_most_one_reminder_in_the_rules_days_and_the_rule_is_data(db, org, gateway):
    worker = participant(db, org.agent)
    # a reminder of another situation went yesterday (grace, before the last payment)
    db.session.add(
        Notification(
            key=f"grace_1:{worker.id}:2026-04",
            template="grace_1",
            worker_id=worker.id,
            branch_id=worker.branch_id,
            channel="whatsapp",
            state="delivered",
            next_attempt_at=clock.now(),
            created_at=clock.now() - timedelta(days=1),
        )
    )
    db.session.commit()

    remind(db, gateway)
    assert gateway.received == []  # the rule: at most one reminder in 3 days
    assert len(notifications_of(db, worker)) == 1

    add_rule(
        db.session,
        effective_from=date(2026, 6, 1),
        min_days_between=1,
        due_days=7,
        quiet_start_minute=21 * 60,
        quiet_end_minute=7 * 60,
        source="test: one day apart",
    )
    db.session.commit()
    remind(db, gateway)

    assert len(gateway.of("whatsapp")) == 1
    latest = notifications_of(db, worker)[-1]
    assert latest.key == f"renewal_due:{worker.id}:2026-06"
    assert latest.rule_id is not None and latest.state == "sent"


def test_the_whatsapp_body_is_the_documented_template_message(db, org, gateway):
    """The request shape (also checked by the server for every test): one body, in full."""
    with clock.travel(DUE_NEXT_WEEK):
        participant(db, org.agent)
        remind(db, gateway)
    (sent,) = gateway.of("whatsapp")
    assert sent.headers["Authorization"] == "Bearer test-whatsapp-token"
    assert sent.headers["Content-Type"] == "application/json"
    body = json.loads(sent.raw)
    assert set(body) == {"messaging_product", "recipient_type", "to", "type", "template"}
    assert body["recipient_type"] == "individual"
    assert [c["type"] for c in body["template"]["components"]] == ["body"]
