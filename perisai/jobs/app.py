"""The Celery app (`celery -A perisai.jobs worker|beat`) and how a job is started.

With PERISAI_REDIS_URL set, Redis is the broker and result backend and every job is a task
message that any worker may take. A message is acknowledged only after its task returns
(`task_acks_late`) and given back when the worker process dies under it
(`task_reject_on_worker_lost`); since Redis gives back an unacknowledged message only after its
`visibility_timeout`, the beat task `perisai.jobs.requeue` also sends again every job whose
runner stopped reporting (its lease expired). A task may therefore run twice or on two workers
at once: each one claims its job in the database first (a compare-and-set on a runner token),
and a loser does nothing.

Without Redis (the embedded default, `make dev`), `dispatch` runs the task in a thread of this
process, or at once in the caller's thread when JOBS_EAGER is set (tests); the state is in the
database either way, so nothing else changes.

Tasks live beside the feature they serve (`perisai/<feature>/tasks.py`, listed in TASK_MODULES)
and run inside a Flask app context: the caller's when there is one, else one app per worker
process (`flask_app`). A request id given to `dispatch` travels in the message's headers; while
the task runs, `perisai.observability.request_id()` answers it (for log lines).
"""

from __future__ import annotations

import logging
import os
import threading

import flask
from celery import Celery, Task
from celery.schedules import crontab

import perisai
from perisai.config import defaults, from_environment

log = logging.getLogger(__name__)

# Modules whose tasks the worker registers (names, so this module imports no feature).
TASK_MODULES = (
    "perisai.jobs.tasks",
    "perisai.imports.tasks",
    "perisai.cards.tasks",
    "perisai.commissions.tasks",
    "perisai.reports.tasks",
    "perisai.workers.tasks",
    "perisai.notifications.tasks",
    "perisai.quality.tasks",
    # Not tasks: the Celery signals that carry a request's id into the job it queued and give
    # the worker's log lines the app's format, connected before the first task runs.
    "perisai.observability.tasks",
)
# Scheduled work (celery beat). Each task reads the date from perisai.clock and is idempotent,
# so the exact minute it runs, or running it twice, changes nothing.
BEAT_SCHEDULE = {
    "requeue-stalled-jobs": {"task": "perisai.jobs.requeue", "schedule": 60.0},
    "requeue-stalled-imports": {"task": "perisai.imports.requeue", "schedule": 60.0},
    "refresh-stale-rollups": {"task": "perisai.reports.refresh_rollups", "schedule": 300.0},
    # Hourly: a branch's month starts at its own midnight (WIB, WITA, WIT).
    "standing-check": {"task": "perisai.commissions.standing_check", "schedule": crontab(minute=7)},
    "consent-withdrawals": {
        "task": "perisai.workers.process_withdrawals",
        "schedule": crontab(minute=17),
    },
    # Reminders queued once a local day per zone (checked hourly), agents' digests each
    # morning; what is due sent every 30 s (perisai/notifications/tasks.py).
    "notifications-queue": {"task": "perisai.notifications.queue", "schedule": crontab(minute=3)},
    "notifications-deliver": {"task": "perisai.notifications.deliver", "schedule": 30.0},
    "clean-up-files": {"task": "perisai.jobs.clean_up", "schedule": crontab(minute=37)},
    # Hourly, each branch once a day of its own: the enrolment quality signals of its months.
    "quality-check": {"task": "perisai.quality.refresh", "schedule": crontab(minute=27)},
    "clean-up-import-files": {
        "task": "perisai.imports.clean_up",
        "schedule": crontab(minute=47),
    },
}

_worker_app: dict[int, flask.Flask] = {}  # per process id: a forked child makes its own


def celery_settings(config) -> dict:
    """Celery's settings from the app's configuration (REDIS_URL, JOBS_QUEUE)."""
    url = config.get("REDIS_URL")
    queue = config.get("JOBS_QUEUE") or "perisai"
    return {
        "broker_url": url or "memory://",
        "result_backend": url or None,
        "task_default_queue": queue,
        "task_acks_late": True,
        "task_reject_on_worker_lost": True,
        "worker_prefetch_multiplier": 1,  # a long import must not hold other jobs back
        "broker_transport_options": {
            "visibility_timeout": int(config.get("JOBS_VISIBILITY_TIMEOUT") or 3600),
            "global_keyprefix": f"{queue}:",
        },
        "result_backend_transport_options": {"global_keyprefix": f"{queue}:"},
        "result_expires": 24 * 3600,
        "task_ignore_result": True,  # the job's row is its result
        "broker_connection_retry_on_startup": True,
        "include": list(TASK_MODULES),
        "beat_schedule": BEAT_SCHEDULE,
        "timezone": "UTC",
        "worker_hijack_root_logger": False,
    }


def _environment_config() -> dict:
    config = defaults(os.path.join(os.getcwd(), "instance"))
    from_environment(config)
    return config


def flask_app() -> flask.Flask:
    """The Flask app a task runs in: the caller's, or this worker process's own."""
    if flask.has_app_context():
        return flask.current_app._get_current_object()
    pid = os.getpid()
    if pid not in _worker_app:
        _worker_app[pid] = perisai.create_app()
    return _worker_app[pid]


class FlaskTask(Task):
    """A task run inside an app context (the queuing request's id is bound by the signals of
    perisai.observability.tasks)."""

    def __call__(self, *args, **kwargs):
        if flask.has_app_context():
            return self.run(*args, **kwargs)
        with flask_app().app_context():
            return self.run(*args, **kwargs)


celery = Celery("perisai", task_cls=FlaskTask)
celery.conf.update(celery_settings(_environment_config()))


def init_app(app: flask.Flask) -> None:
    """Celery follows the app's configuration (a test's REDIS_URL and queue, say)."""
    celery.conf.update(celery_settings(app.config))
    app.extensions["perisai.jobs"] = celery


def uses_workers(app: flask.Flask | None = None) -> bool:
    """Whether jobs go to Celery workers (PERISAI_REDIS_URL) rather than run in-process."""
    return bool((app or flask.current_app).config.get("REDIS_URL"))


def dispatch(task: Task, *args, request_id: str | None = None) -> None:
    """Start `task(*args)`: a message for the workers, else in-process (a thread, or now)."""
    app = flask.current_app._get_current_object()
    if uses_workers(app):
        task.apply_async(args=args, headers={"request_id": request_id})
        return
    if app.config.get("JOBS_EAGER"):
        task.apply(args=args, headers={"request_id": request_id})
        return

    def run() -> None:
        with app.app_context():
            task.apply(args=args, headers={"request_id": request_id})

    threading.Thread(target=run, name=f"job-{task.name}", daemon=True).start()
