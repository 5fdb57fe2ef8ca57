"""`flask --app wsgi jobs run-scheduled`: beat's schedule run once, in this process, for cron.

Without Redis there is no beat (`make dev`, one server on SQLite): a crontab line running this
every few minutes does the scheduled work instead (README "Jobs"). Every task of
`BEAT_SCHEDULE` runs once, in its order, inside this command's app context: the stalled jobs and
imports sent again (run here and now: JOBS_EAGER for the command, so nothing is left to a thread
the process would kill on exit; with Redis they go to the workers as beat's do), the stale
rollups, each branch's standing check once its month has ended, consent withdrawals, the old
generated files and import lists. Each task reads its dates from perisai.clock and is
idempotent, so a second run, or two at once, changes nothing more; each audits what it changes
as it does under beat (with the job as actor). A failing task is reported and the others still
run; the command then exits non-zero.

The tasks are looked up by name in Celery's registry (`celery.loader` imports TASK_MODULES), so
this module imports no feature.
"""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup

from perisai.extensions import db
from perisai.jobs.app import BEAT_SCHEDULE, celery

log = logging.getLogger(__name__)
jobs_cli = AppGroup("jobs", help="Background jobs (Celery; in-process without Redis).")


def run_scheduled() -> dict[str, tuple[bool, object]]:
    """Run every scheduled task once here: entry name → (succeeded, its result or error)."""
    celery.loader.import_default_modules()
    app = current_app._get_current_object()
    eager = app.config.get("JOBS_EAGER")
    app.config["JOBS_EAGER"] = True
    outcomes = {}
    try:
        for name, entry in BEAT_SCHEDULE.items():
            result = celery.tasks[entry["task"]].apply()
            if result.failed():
                db.session.rollback()
                log.error("scheduled task %s failed: %r", entry["task"], result.result)
            outcomes[name] = (not result.failed(), result.result)
    finally:
        if eager is None:
            app.config.pop("JOBS_EAGER")
        else:
            app.config["JOBS_EAGER"] = eager
    return outcomes


@jobs_cli.command("run-scheduled")
def run_scheduled_command():
    """Run every scheduled task (beat's) once, in this process: for cron without Redis."""
    outcomes = run_scheduled()
    for name, (succeeded, result) in outcomes.items():
        click.echo(f"{name}: {result if succeeded else f'FAILED {result!r}'}")
    if not all(succeeded for succeeded, _ in outcomes.values()):
        raise click.ClickException("scheduled tasks failed (see above and the log)")
