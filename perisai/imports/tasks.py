"""Import jobs on the job queue: run one, send again those whose runner has gone, and remove
the lists (personal data) of jobs finished long ago.

`perisai.imports.run` is the runner an upload starts when jobs go to workers (PERISAI_REDIS_URL):
the lease (`leases.claim`) makes a second delivery of the same job, or two workers at once,
harmless: the loser finds the job Busy and returns. A worker killed mid-import leaves whole
chunks and a lease that no longer beats; `perisai.imports.requeue` (beat, every minute) sends the
job again and the next runner carries on from the first row not yet done.
"""

from __future__ import annotations

import logging
import os
import uuid
from datetime import timedelta

from sqlalchemy import select

from perisai import clock
from perisai.extensions import db
from perisai.imports import chunks, files, runner
from perisai.imports.leases import is_interrupted
from perisai.imports.models import FINISHED, RUNNING, ImportJob
from perisai.jobs.app import celery, dispatch
from perisai.storage import storage

log = logging.getLogger(__name__)
KEEP_FINISHED_FILES = timedelta(days=7)  # a dry run can be committed for a week, then upload again


@celery.task(name="perisai.imports.run")
def run_import(job_id: str) -> str | None:
    """Run, or carry on, one import job; nothing when another runner holds it or it is done."""
    try:
        job = runner.run_job(db.session, uuid.UUID(job_id), **_pace())
    except (runner.Busy, runner.Stolen):
        db.session.rollback()
        return None
    except Exception:  # noqa: BLE001 - recorded on the job (error) and logged by run_job
        db.session.rollback()
        return "failed"
    return job.state


def _pace() -> dict:
    """Rows per chunk and a pause after each, from PERISAI_IMPORT_CHUNK_ROWS and
    PERISAI_IMPORT_PAUSE (seconds): as `run-import --chunk-rows/--pause`, for tests and demos
    that watch (or kill) a worker mid-import; the defaults otherwise."""
    rows = os.environ.get("PERISAI_IMPORT_CHUNK_ROWS")
    pause = os.environ.get("PERISAI_IMPORT_PAUSE")
    return {
        "chunk_rows": int(rows) if rows else chunks.CHUNK_ROWS,
        "pause": float(pause) if pause else 0.0,
    }


def queue_import(job: ImportJob) -> None:
    """Send a committed, queued job to the workers."""
    dispatch(run_import, str(job.id))


@celery.task(name="perisai.imports.requeue")
def requeue_interrupted() -> int:
    """Send again every running job whose runner has gone (not those stopped by an error:
    they wait for their uploader's resume or roll back)."""
    jobs = db.session.scalars(select(ImportJob).where(ImportJob.state.in_(RUNNING))).all()
    ids = [job.id for job in jobs if job.error is None and is_interrupted(job)]
    db.session.rollback()
    for job_id in ids:
        dispatch(run_import, str(job_id))
    return len(ids)


@celery.task(name="perisai.imports.clean_up")
def remove_finished_files() -> int:
    """Delete the uploaded lists of jobs finished more than a week ago (a file that another,
    unfinished job of the same bytes still reads stays); a second run deletes nothing."""
    before = clock.now() - KEEP_FINISHED_FILES
    old = db.session.scalars(
        select(ImportJob.file_path).where(
            ImportJob.state.in_(FINISHED), ImportJob.finished_at < before
        )
    ).all()
    needed = set(
        db.session.scalars(select(ImportJob.file_path).where(ImportJob.state.in_(RUNNING)))
    )
    db.session.rollback()
    removed = 0
    for key in set(old) - needed:
        if os.path.exists(key) if files.is_legacy(key) else storage().exists(key):
            files.remove(key)
            removed += 1
    return removed
