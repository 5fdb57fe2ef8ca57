"""The outbox's scheduled work (BEAT_SCHEDULE; `flask jobs run-scheduled` without Redis).

`perisai.notifications.queue` (hourly) queues the reminders due in each zone's today, once a
local day per zone, and in each zone's morning the agents' digests (operations.queue_scheduled);
`perisai.notifications.deliver` (every 30 s) sends what is due. Both are idempotent: a
situation is queued once (its key), and a message is sent by whoever holds its lease.
"""

from __future__ import annotations

from perisai.extensions import db
from perisai.jobs.app import celery
from perisai.notifications.operations import queue_scheduled, send_due

# A delivery run stops taking new batches after this long; the next run goes on.
DELIVERY_BUDGET_SECONDS = 25


@celery.task(name="perisai.notifications.queue")
def queue_notifications() -> int:
    """Beat, hourly: queue what is due now; how many messages were queued."""
    return sum(queue_scheduled(db.session).values())


@celery.task(name="perisai.notifications.deliver")
def deliver_notifications() -> int:
    """Beat, every 30 s: send what is due; how many messages were handled."""
    return send_due(db.session, time_budget=DELIVERY_BUDGET_SECONDS).handled
