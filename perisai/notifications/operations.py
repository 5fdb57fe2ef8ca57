"""What the API, the CLI and the scheduled tasks do with the outbox (each module of this feature
holds one idea: queueing.py, delivery.py, content.py, gateways.py, webhooks.py, quiet.py)."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.jobs.operations import once
from perisai.notifications.delivery import Counts, deliver_due
from perisai.notifications.gateways import gateways_from
from perisai.notifications.models import Notification
from perisai.notifications.queueing import (
    DIGEST_FROM_HOUR,
    DIGEST_UNTIL_HOUR,
    queue_digests,
    queue_reminders,
)
from perisai.workers.models import Worker

KIND = "notifications_queue"  # the job rows of queue_scheduled


def worker_notifications(worker: Worker):
    """A participant's messages, newest first (the supervisor's list)."""
    return (
        select(Notification)
        .where(Notification.worker_id == worker.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )


def queue_due(session: Session) -> dict[str, int]:
    """Queue the reminders due now and this morning's agent digests, in every zone, whenever
    asked (`flask perisai send-reminders`: a situation is still queued once); committed."""
    counts = queue_reminders(session)
    counts["agent_digest"] = queue_digests(session)
    session.commit()
    return counts


def queue_scheduled(session: Session) -> dict[str, int]:
    """What beat's hourly run queues: each zone's reminders once a local day (the situations
    change only with the date), each zone's digests once a morning; a job row keyed by zone and
    day records that it was done (perisai.jobs.operations.once), so the other hours, a second
    beat or `flask jobs run-scheduled` change nothing. Committed."""
    now = clock.now()
    reminders, digests = [], []
    for zone in clock.ZONES:
        local = now.astimezone(clock.zone(zone))
        jobs = [(reminders, f"notifications:{zone}:{local.date()}")]
        if DIGEST_FROM_HOUR <= local.hour < DIGEST_UNTIL_HOUR:
            jobs.append((digests, f"digests:{zone}:{local.date()}"))
        for due, key in jobs:
            if (job := once(session, KIND, key)) is not None:
                job.state, job.finished_at = "done", now
                due.append(zone)
    counts = queue_reminders(session, now, zones=tuple(reminders)) if reminders else {}
    counts["agent_digest"] = queue_digests(session, now, zones=tuple(digests)) if digests else 0
    session.commit()
    return counts


def send_due(session: Session, *, time_budget: float | None = None) -> Counts:
    """Send every message whose time has come, through the configured gateways."""
    config = current_app.config
    return deliver_due(
        session,
        gateways_from(config),
        concurrency=int(config.get("NOTIFICATIONS_CONCURRENCY") or 4),
        time_budget=time_budget,
    )
