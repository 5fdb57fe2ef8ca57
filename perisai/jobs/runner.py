"""Running one job: claim it, do its work, keep its file in shared storage, record the end.

A job is claimed with a compare-and-set on its runner token (queued, or running with a lease
that expired), so a job sent twice, or taken by two workers at once, runs once; a job already
finished is not run again. The work is a function of (session, job) returning an `Output` (a
file for the download) or a summary dict; it runs in the claim's session, and its writes commit
with the job's end, so a worker killed half way leaves the job `running` with an old heartbeat
and nothing of its work: the next runner (a redelivered message or `requeue_stalled`) does it all.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from perisai import clock
from perisai.errors import DomainError
from perisai.jobs.models import Job
from perisai.storage import storage

log = logging.getLogger(__name__)
STALE_AFTER = timedelta(minutes=10)  # no heartbeat for this long: the runner has gone
MAX_ATTEMPTS = 3  # a job that killed its worker this often is failed, not tried forever


@dataclass(frozen=True)
class Output:
    """A generated file: its bytes, the download's name and its content type."""

    data: bytes
    filename: str
    content_type: str


Work = Callable[[Session, Job], "Output | dict | None"]
WORK: dict[str, Work] = {}  # kind → its work, registered by the features' tasks modules


def work(kind: str) -> Callable[[Work], Work]:
    """Register the function that does a job of `kind` (in `perisai/<feature>/tasks.py`)."""

    def register(function: Work) -> Work:
        WORK[kind] = function
        return function

    return register


def stalled(now=None):
    """The condition of a running job whose runner stopped reporting."""
    now = now or clock.now()
    return (Job.state == "running") & (Job.heartbeat_at < now - STALE_AFTER)


def claim(session: Session, job_id) -> str | None:
    """Make this runner the job's only one; None when it is finished or another runner has it."""
    token = str(uuid.uuid4())
    now = clock.now()
    changed = session.execute(
        update(Job)
        .where(Job.id == job_id, or_(Job.state == "queued", stalled(now)))
        .values(
            state="running",
            runner_token=token,
            heartbeat_at=now,
            started_at=now,
            attempts=Job.attempts + 1,
            error=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    session.commit()
    return token if changed == 1 else None


def result_key(job: Job, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"generated/{job.kind}/{job.id}.{extension}"


def run_job(session: Session, job_id) -> Job | None:
    """Claim the job and do its kind's work; None when there was nothing to do (see above)."""
    token = claim(session, job_id)
    if token is None:
        return None
    job = session.get(Job, job_id, populate_existing=True)
    if job.attempts > MAX_ATTEMPTS:
        return _end(session, job, token, state="failed", error="jobs.gave_up")
    try:
        outcome = WORK[job.kind](session, job)
        if isinstance(outcome, Output):
            key = result_key(job, outcome.filename)
            storage().put(key, outcome.data, content_type=outcome.content_type)
            job.result_key, job.result_name = key, outcome.filename
            job.result_type = outcome.content_type
        elif outcome is not None:
            job.result = outcome
    except Exception as error:
        session.rollback()
        log.exception("job %s (%s) failed: %s", job_id, job.kind, type(error).__name__)
        job = session.get(Job, job_id, populate_existing=True)
        message = error.message if isinstance(error, DomainError) else "jobs.failed"
        return _end(session, job, token, state="failed", error=message)
    return _end(session, job, token, state="done")


def _end(session: Session, job: Job, token: str, *, state: str, error: str | None = None):
    """Finish the job if it is still ours (a runner that stalled and was replaced gives up)."""
    owner = session.scalar(select(Job.runner_token).where(Job.id == job.id).with_for_update())
    if owner != token:
        session.rollback()
        return None
    job.state, job.error, job.finished_at, job.runner_token = state, error, clock.now(), None
    session.commit()
    return job
