"""The outbox on the real job queue: beat's two tasks sent to a Celery worker process
(`celery -A perisai.jobs worker`, Redis, this run's own queue), which queues the reminder and
sends it to the local gateway server.

Skipped when Redis does not answer, unless CI is set (tests/jobs/conftest.py).
"""

from __future__ import annotations

import os
import time

import pytest
import redis
from flask_migrate import upgrade
from sqlalchemy import select

from perisai import clock, create_app
from perisai.extensions import db as _db
from perisai.jobs.app import celery, celery_settings, dispatch
from perisai.notifications import tasks
from perisai.notifications.models import Notification
from tests import factories
from tests.conftest import own_database_url
from tests.jobs.conftest import QUEUE, REDIS_URL, Workers, redis_answers
from tests.notifications.conftest import gateway_config, participant, serving

pytestmark = pytest.mark.slow
MOMENT = "2026-06-25T10:00:00+07:00"  # the worker's clock and the test's: due next week


@pytest.fixture(scope="module")
def live(app, tmp_path_factory):
    """(app with REDIS_URL, org, workers, gateway server): a committed database of its own."""
    if not redis_answers():
        if os.environ.get("CI"):
            pytest.fail(f"Redis does not answer at {REDIS_URL}")
        pytest.skip(f"Redis does not answer at {REDIS_URL}")
    tmp_path = tmp_path_factory.mktemp("notifications_worker")
    url = own_database_url(app.config["BACKEND"], tmp_path, "notifications_worker")
    # this run's one queue: Celery's producer keeps the queue it first connected with, so a
    # queue of our own would be one nobody sends to once the jobs tests ran first
    queue = QUEUE
    with serving() as gateway:
        settings = gateway_config(gateway)
        config = {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": url,
            "REDIS_URL": REDIS_URL,
            "JOBS_QUEUE": queue,
            "STORAGE_URL": f"file://{tmp_path}/files",
            "BASE_URL": "http://perisai.test",
            **settings,
        }
        live_app = create_app(config)
        env = {
            **{k: v for k, v in os.environ.items() if k != clock.ENVIRONMENT_VARIABLE},
            clock.ENVIRONMENT_VARIABLE: MOMENT,
            "PERISAI_DATABASE_URL": url,
            "PERISAI_REDIS_URL": REDIS_URL,
            "PERISAI_JOBS_QUEUE": queue,
            "PERISAI_STORAGE_URL": config["STORAGE_URL"],
            "PERISAI_BASE_URL": config["BASE_URL"],
            **{f"PERISAI_{name}": value for name, value in settings.items()},
        }
        workers = Workers(env, tmp_path)
        with live_app.app_context():
            upgrade()
            org = factories.make_org(_db.session)
            try:
                yield live_app, org, workers, gateway
            finally:
                workers.stop_all()
                _db.session.remove()
                _db.engine.dispose()
                keys = redis.Redis.from_url(REDIS_URL)
                for key in keys.scan_iter(f"{queue}*"):
                    keys.delete(key)
                celery.conf.update(celery_settings(app.config))


def _wait(predicate, timeout: float = 90):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        _db.session.remove()
        if value := predicate():
            return value
        time.sleep(0.2)
    pytest.fail("the worker never sent it")


def reminders(gateway):
    """What the server received of the reminder (the agent's morning digest goes too)."""
    return [
        r for r in gateway.of("whatsapp") if r.body["template"]["name"] == "perisai_renewal_due"
    ]


@pytest.mark.today(MOMENT)
def test_the_worker_queues_and_sends_the_reminder(live):
    _, org, workers, gateway = live
    worker = participant(_db, org.agent, channels=("whatsapp",))
    worker_id, nik = worker.id, worker.nik
    workers.start("notifier")

    def stored(state=None):
        found = select(Notification).where(Notification.worker_id == worker_id)
        if state is not None:
            found = found.where(Notification.state == state)
        return _db.session.scalar(found)

    dispatch(tasks.queue_notifications)
    _wait(stored)
    dispatch(tasks.deliver_notifications)

    (sent,) = _wait(lambda: reminders(gateway))
    assert nik not in sent.raw.decode()
    # the id the gateway answered this message with (it numbers every message it answers, and
    # the agent's digest may go out first)
    answered = f"wamid.TEST{gateway.received.index(sent) + 1:06d}"
    assert _wait(lambda: stored("sent")).provider_message_id == answered
    # beat again: nothing more (the key, and the message is no longer queued)
    dispatch(tasks.queue_notifications)
    dispatch(tasks.deliver_notifications)
    time.sleep(3)
    assert len(reminders(gateway)) == 1
