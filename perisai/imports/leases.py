"""Who runs a job: one runner at a time holds its lease (a token, a heartbeat, a pid).

A job whose runner has gone (killed, crashed, stopped reporting) is interrupted and can be
claimed by a new runner, which carries on from the first row not yet done.
"""

from __future__ import annotations

import os
import socket
import uuid
from datetime import datetime, timedelta

from sqlalchemy import func, update
from sqlalchemy.orm import Session

from perisai import clock
from perisai.imports.models import RUNNING, ImportJob

STALE_AFTER = timedelta(minutes=2)  # a runner that has not reported for this long has gone


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_interrupted(job: ImportJob, now: datetime | None = None) -> bool:
    """A running state whose runner has gone (killed, crashed) or has stopped reporting."""
    if job.state not in RUNNING:
        return False
    if job.error is not None:
        return True
    now = now or clock.now()
    if job.runner_token is None:
        # Queued but never picked up (the background runner could not start).
        seen = job.heartbeat_at or job.updated_at or job.created_at
        return seen is not None and now - seen > STALE_AFTER
    if (
        job.runner_host == socket.gethostname()
        and job.runner_pid
        and not _pid_alive(job.runner_pid)
    ):
        return True
    return job.heartbeat_at is None or now - job.heartbeat_at > STALE_AFTER


def claim(session: Session, job: ImportJob, *, force: bool = False) -> str | None:
    """Make this process the job's only runner (compare-and-set on the runner token)."""
    if job.runner_token is not None and not force and not is_interrupted(job):
        return None
    if job.state not in RUNNING:
        return None
    token = str(uuid.uuid4())
    now = clock.now()
    changed = session.execute(
        update(ImportJob)
        .where(
            ImportJob.id == job.id,
            ImportJob.runner_token.is_(None)
            if job.runner_token is None
            else ImportJob.runner_token == job.runner_token,
        )
        .values(
            runner_token=token,
            runner_pid=os.getpid(),
            runner_host=socket.gethostname()[:100],
            heartbeat_at=now,
            started_at=func.coalesce(ImportJob.started_at, now),
            error=None,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        return None
    session.refresh(job)
    return token
