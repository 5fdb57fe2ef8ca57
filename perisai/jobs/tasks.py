"""The generic job task, starting a job, and the jobs' own scheduled work (send stalled jobs
again, remove old generated files)."""

from __future__ import annotations

import uuid

from flask import g, has_request_context

from perisai.extensions import db
from perisai.jobs import operations, runner
from perisai.jobs.app import celery, dispatch
from perisai.jobs.models import Job


@celery.task(name="perisai.jobs.run")
def run(job_id: str) -> str | None:
    """Run one job (any kind registered with `runner.work`); nothing when it is not to run."""
    job = runner.run_job(db.session, uuid.UUID(job_id))
    return job.state if job is not None else None


def start(job: Job) -> None:
    """Send a committed, queued job to a worker (or run it in-process, see perisai.jobs.app)."""
    dispatch(run, str(job.id), request_id=job.request_id)


def request_id() -> str | None:
    """The current request's id, when the observability layer set one (`g.request_id`)."""
    return g.get("request_id") if has_request_context() else None


@celery.task(name="perisai.jobs.requeue")
def requeue_stalled() -> int:
    """Send again every job whose runner stopped reporting (a killed worker) or that was never
    taken; a job meanwhile running elsewhere stays with its runner (the claim decides)."""
    ids = operations.stalled_job_ids(db.session)
    db.session.rollback()
    for job_id in ids:
        dispatch(run, str(job_id))
    return len(ids)


@celery.task(name="perisai.jobs.clean_up")
def clean_up() -> int:
    """Remove generated files past their keeping time (a second run removes nothing)."""
    removed = operations.remove_old_results(db.session)
    db.session.commit()
    return removed
