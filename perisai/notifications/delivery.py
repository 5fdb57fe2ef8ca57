"""Sending what the outbox holds: claim a batch, decide each message, send, record the outcome.

A batch is claimed with a lease (`lease_until`, and on PostgreSQL `FOR UPDATE SKIP LOCKED`),
so two senders at once (two workers, beat and the CLI) take different messages, and one that
died leaves its messages to the next once the lease runs out. For each message, just before
sending, in this order:

1. nothing to a participant who died or was anonymised, or without a phone (`skipped`);
2. the channel: a fallback SMS keeps its channel, else WhatsApp when consented to, else SMS
   (a channel with credentials first); without a consent in force, `skipped` (`no_consent`,
   or `consent_withdrawn` when there was one): a withdrawal stops queued messages too;
3. quiet hours in the branch's zone: held until they end (`queued`, reason `quiet_hours`);
4. its text from today's data (content.py), or `skipped` when it no longer holds (paid since).

Then the messages of the batch go out together from a few threads (NOTIFICATIONS_CONCURRENCY),
the database untouched meanwhile, and every outcome is written at once: `sent` with the
gateway's id; a refusal worth retrying waits RETRY_DELAYS (30 s, 2 min, 10 min) and is tried
again, up to MAX_ATTEMPTS; then, or on a final refusal, `failed` with the gateway's reason, and
a WhatsApp message falls back to an SMS (a new row) when the participant consented to SMS.
A channel without credentials logs the message instead (`skipped`, `gateway_not_configured`).
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, selectinload

from perisai import clock, zones
from perisai.notifications.content import Stale, render
from perisai.notifications.gateways import (
    GatewayError,
    NotConfigured,
    Outgoing,
    close_all,
    is_configured,
)
from perisai.notifications.models import Notification
from perisai.notifications.quiet import next_allowed
from perisai.notifications.rules import rule_for
from perisai.workers.models import MESSAGE_CHANNELS, Worker

log = logging.getLogger(__name__)
BATCH = 200
LEASE = timedelta(minutes=5)
RETRY_DELAYS = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10))
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1


@dataclass
class Counts:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped: int = 0
    held: int = 0
    by_reason: dict = field(default_factory=dict)

    def add(self, other: Counts) -> None:
        for name in ("sent", "retried", "failed", "skipped", "held"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for reason, n in other.by_reason.items():
            self.by_reason[reason] = self.by_reason.get(reason, 0) + n

    @property
    def handled(self) -> int:
        return self.sent + self.retried + self.failed + self.skipped + self.held

    def as_dict(self) -> dict:
        return {
            "sent": self.sent,
            "retried": self.retried,
            "failed": self.failed,
            "skipped": self.skipped,
            "held": self.held,
        }


# --- claiming ----------------------------------------------------------------------------------


def _due(now: datetime):
    return (
        (Notification.state == "queued")
        & (Notification.next_attempt_at <= now)
        & or_(Notification.lease_until.is_(None), Notification.lease_until < now)
    )


def claim(session: Session, now: datetime, limit: int = BATCH) -> list[int]:
    """Lease up to `limit` messages whose time has come, oldest first; committed."""
    ids = list(
        session.scalars(
            select(Notification.id)
            .where(_due(now))
            .order_by(Notification.next_attempt_at, Notification.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    if ids:
        session.execute(
            update(Notification)
            .where(Notification.id.in_(ids), _due(now))
            .values(lease_until=now + LEASE)
            .execution_options(synchronize_session=False)
        )
    session.commit()
    return ids


# --- deciding ----------------------------------------------------------------------------------


@dataclass
class Decision:
    notification: Notification
    outgoing: Outgoing | None = None
    channel: str | None = None
    skip: str | None = None
    hold_until: datetime | None = None
    failed: bool = False  # `skip` is why it could not be prepared


def _consent_reason(worker: Worker) -> str:
    ever = worker.consent_withdrawn_at is not None or any(c.withdrawn_at for c in worker.consents)
    return "consent_withdrawn" if ever else "no_consent"


def choose_channel(notification: Notification, allowed: list[str], gateways) -> str | None:
    """The channel to use among those allowed (consented to; an agent: both)."""
    if notification.fallback_of_id is not None:  # the SMS after a failed WhatsApp message
        return notification.channel if notification.channel in allowed else None
    configured = [c for c in allowed if is_configured(gateways[c])]
    return (configured or allowed or [None])[0]


def _quiet_until(session: Session, notification: Notification, now: datetime, rules: dict):
    """When the quiet hours of the message's branch end, if they hold now (None otherwise)."""
    zone = zones.of_branch(session, notification.branch_id)
    day = now.astimezone(clock.zone(zone)).date()
    if (zone, day) not in rules:
        rules[zone, day] = rule_for(session, day)
    allowed_at = next_allowed(now, zone, rules[zone, day])
    return allowed_at if allowed_at > now else None


def decide(
    session: Session, notification: Notification, now: datetime, gateways, rules: dict
) -> Decision:
    decision = Decision(notification)
    worker, agent = notification.worker, notification.agent
    if agent is not None and worker is None:  # an agent's digest
        if agent.status != "active":
            decision.skip = "agent_inactive"
            return decision
        allowed, phone, language = list(MESSAGE_CHANNELS), agent.phone, notification.language
    else:
        if worker is None or worker.anonymised_at is not None:
            decision.skip = "anonymised"
            return decision
        if worker.died_on is not None:
            decision.skip = "died"
            return decision
        allowed, phone, language = worker.message_channels, worker.phone, worker.language
    channel = choose_channel(notification, allowed, gateways)
    if channel is None:
        decision.skip = _consent_reason(worker) if worker is not None else "no_channel"
        return decision
    if not phone:
        decision.skip = "no_phone"
        return decision
    if (held := _quiet_until(session, notification, now, rules)) is not None:
        decision.hold_until = held
        return decision
    try:
        text = render(session, notification, language)
    except Stale as stale:
        decision.skip = stale.reason
        return decision
    notification.language, notification.template = language, text.template.name
    decision.channel = channel
    decision.outgoing = Outgoing(notification.id, phone, text)
    return decision


def _decided(session: Session, notification: Notification, now, gateways, rules) -> Decision:
    """`decide`, and a message that cannot even be decided (a bug, broken data) failed with
    the error's kind as its reason, rather than the whole batch with it, again and again."""
    try:
        return decide(session, notification, now, gateways, rules)
    except Exception as error:  # one broken message must not hold up the others
        log.exception("notification %s could not be prepared", notification.id)
        return Decision(notification, skip=f"not_prepared: {type(error).__name__}", failed=True)


# --- sending and recording ----------------------------------------------------------------


def _send(gateways, channel: str, outgoing: Outgoing):
    try:
        return gateways[channel].send(outgoing)
    except (GatewayError, NotConfigured) as error:
        return error
    except Exception as error:  # a gateway bug fails the message, not the whole batch
        log.exception("notification %s: gateway error", outgoing.notification_id)
        return GatewayError(f"gateway_error: {type(error).__name__}", retry=True)


def fallback_sms(session: Session, notification: Notification, now: datetime) -> bool:
    """After a failed WhatsApp message, the same by SMS when the participant consented to it
    (an agent's digest always); a new row, queued now. False when there is none to send."""
    worker = notification.worker
    if notification.channel != "whatsapp" or notification.fallback_of_id is not None:
        return False
    if worker is not None and "sms" not in worker.message_channels:
        return False
    key = f"{notification.key}:sms"
    if session.scalar(select(Notification.id).where(Notification.key == key)) is not None:
        return False
    session.add(
        Notification(
            key=key,
            template=notification.template,
            worker_id=notification.worker_id,
            agent_id=notification.agent_id,
            payment_id=notification.payment_id,
            branch_id=notification.branch_id,
            channel="sms",
            language=notification.language,
            state="queued",
            params=notification.params,
            rule_id=notification.rule_id,
            fallback_of_id=notification.id,
            next_attempt_at=now,
            attempts=0,
        )
    )
    return True


def _record(session: Session, decision: Decision, outcome, now: datetime, counts: Counts):
    n = decision.notification
    n.lease_until = None
    if decision.skip is not None:
        n.state, n.reason = "failed" if decision.failed else "skipped", decision.skip
        if decision.failed:
            counts.failed += 1
        else:
            counts.skipped += 1
        counts.by_reason[decision.skip] = counts.by_reason.get(decision.skip, 0) + 1
        return
    if decision.hold_until is not None:
        n.next_attempt_at, n.reason = decision.hold_until, "quiet_hours"
        counts.held += 1
        return
    n.channel = decision.channel
    n.attempts += 1
    if isinstance(outcome, NotConfigured):
        n.state, n.reason = "skipped", "gateway_not_configured"
        counts.skipped += 1
        return
    if isinstance(outcome, GatewayError):
        if outcome.retry and n.attempts < MAX_ATTEMPTS:
            n.next_attempt_at = now + RETRY_DELAYS[n.attempts - 1]
            n.reason = outcome.reason
            counts.retried += 1
            return
        n.state, n.reason = "failed", outcome.reason
        counts.failed += 1
        if fallback_sms(session, n, now):
            n.reason = f"{outcome.reason} (SMS sent instead)"[:200]
        return
    n.state, n.reason, n.sent_at, n.provider_message_id = "sent", None, now, outcome
    counts.sent += 1


def deliver_batch(session: Session, gateways, *, concurrency: int = 4, now=None) -> Counts:
    """Claim one batch, decide, send and record it (see the module); committed."""
    now = now or clock.now()
    counts = Counts()
    ids = claim(session, now)
    if not ids:
        return counts
    notifications = session.scalars(
        select(Notification)
        .where(Notification.id.in_(ids))
        .options(
            selectinload(Notification.worker).selectinload(Worker.managed_by),
            selectinload(Notification.agent),
            selectinload(Notification.payment),
        )
        .order_by(Notification.id)
        .execution_options(populate_existing=True)
    ).all()
    rules: dict = {}
    decisions = [_decided(session, n, now, gateways, rules) for n in notifications]
    sending = [d for d in decisions if d.outgoing is not None]
    with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(sending) or 1))) as pool:
        outcomes = dict(
            zip(
                (id(d) for d in sending),
                pool.map(lambda d: _send(gateways, d.channel, d.outgoing), sending),
                strict=True,
            )
        )
    for decision in decisions:
        _record(session, decision, outcomes.get(id(decision)), now, counts)
    session.commit()
    return counts


def deliver_due(
    session: Session, gateways, *, concurrency: int = 4, time_budget: float | None = None
) -> Counts:
    """Send batches until nothing is due (or `time_budget` seconds have passed)."""
    total = Counts()
    started = time.monotonic()
    try:
        while True:
            counts = deliver_batch(session, gateways, concurrency=concurrency)
            total.add(counts)
            if not counts.handled:
                return total
            if time_budget is not None and time.monotonic() - started > time_budget:
                return total
    finally:
        close_all(gateways)
