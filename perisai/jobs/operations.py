"""Jobs as a caller sees them: creating one, who sees it, its download, what is left to redo.

The functions here flush but never commit; `perisai.jobs.runner` runs a job.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from perisai import clock
from perisai.auth.permissions import Scope, or_404
from perisai.errors import Conflict
from perisai.jobs.models import Job
from perisai.jobs.runner import stalled
from perisai.storage import storage

KEEP_RESULTS = timedelta(days=7)  # a generated file (card sheets: personal data) is kept this long


def new_job(
    session: Session,
    kind: str,
    *,
    user=None,
    branch_id: int | None = None,
    params: dict | None = None,
    request_id: str | None = None,
) -> Job:
    """A queued job of `kind` for `user` (None: the system); flushed, so it has its id."""
    job = Job(
        kind=kind,
        state="queued",
        created_by_id=getattr(user, "id", None),
        branch_id=branch_id,
        params=params or {},
        request_id=request_id,
    )
    session.add(job)
    session.flush()
    return job


def once(session: Session, kind: str, key: str, **fields) -> Job | None:
    """The job that must happen once under `key`, created now; None if it exists already (a
    second scheduler run, or two at once: the unique key decides)."""
    if session.scalar(select(Job.id).where(Job.key == key)) is not None:
        return None
    try:
        with session.begin_nested():
            job = Job(kind=kind, key=key, state="queued", params={}, **fields)
            session.add(job)
    except IntegrityError:
        return None
    return job


def visible_job(session: Session, scope: Scope, job_id) -> Job:
    """The job, or NotFound whether it is missing or outside the caller's scope: admins see
    every job, supervisors their branch's, agents their own."""
    job = session.get(Job, job_id)
    visible = (
        job is not None
        and job.created_by_id is not None
        and scope.sees(branch_id=job.branch_id, user_id=job.created_by_id)
    )
    return or_404(job, visible)


def download(job: Job):
    """(stream context, name, content type) of a finished job's file; 409 before it is ready."""
    if not job.has_download:
        raise Conflict("jobs.not_ready")
    return storage().open(job.result_key), job.result_name, job.result_type


def stalled_job_ids(session: Session) -> list:
    """Jobs to send again: queued long ago and never taken, or running without a heartbeat."""
    old = clock.now() - timedelta(minutes=10)
    stmt = select(Job.id).where(stalled() | ((Job.state == "queued") & (Job.updated_at < old)))
    return list(session.scalars(stmt.order_by(Job.created_at).limit(500)))


def remove_old_results(session: Session) -> int:
    """Delete generated files older than KEEP_RESULTS (their job stays, without a download);
    running it again finds none."""
    before = clock.now() - KEEP_RESULTS
    jobs = session.scalars(
        select(Job).where(Job.result_key.is_not(None), Job.finished_at < before)
    ).all()
    for job in jobs:
        storage().delete(job.result_key)
        job.result_key = None
    session.flush()
    return len(jobs)
