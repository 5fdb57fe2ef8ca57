"""Running an import job: stream the file in chunks, one transaction (commit) per chunk.

This is the one place in the feature that commits, because a 50,000-row list must not be one
transaction: each chunk's registrations, payments, row reports and job counters are committed
together, so after a crash the database holds whole chunks only and a new runner carries on from
the first row not yet done (`flask --app wsgi perisai run-import JOB_ID`, or "resume" in the
API). Small files run inside the request; larger ones in a background process started by it.
Every participant, sponsor payment or removal a chunk writes is an audit event of the job (on
behalf of its uploader, `via` "import <job id>"), committed with the chunk: one INSERT per chunk.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import time
from itertools import islice

from sqlalchemy import select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from perisai import clock
from perisai.audit.operations import Actor, record_many
from perisai.errors import DomainError
from perisai.imports import chunks, columns, files, leases, operations, sponsoring
from perisai.imports.models import ImportJob
from perisai.imports.rows import row_context
from perisai.jobs.app import uses_workers
from perisai.storage import child_environment

log = logging.getLogger(__name__)
LOCK_RETRIES = 5
QUEUED_ABOVE = 1000  # API.md: with workers (PERISAI_REDIS_URL), a larger file is always queued
_children: list[subprocess.Popen] = []  # background runners, reaped as they finish


class Busy(Exception):
    """Another runner owns the job."""


class Stolen(Exception):
    """The job was claimed by another runner while this one was stalled."""


def run_job(
    session: Session,
    job_id,
    *,
    force: bool = False,
    chunk_rows: int = chunks.CHUNK_ROWS,
    pause: float = 0.0,
) -> ImportJob:
    """Do what the job asks (dry run, import, pay, roll back) from where it stands."""
    job = session.get(ImportJob, job_id, populate_existing=True)
    if job is None:
        raise LookupError(job_id)
    token = leases.claim(session, job, force=force)
    if token is None:
        session.rollback()
        raise Busy(str(job_id))
    session.commit()
    run = _Run(session, job, token, chunk_rows, pause)
    try:
        run.execute()
    except Stolen:
        session.rollback()
        raise
    except Exception as error:
        session.rollback()
        job = session.get(ImportJob, job_id, populate_existing=True)
        if job.runner_token == token:
            job.error = error.message if isinstance(error, DomainError) else "imports.failed"
            job.runner_token = None
            session.commit()
        log.exception("import %s stopped: %s", job_id, type(error).__name__)
        raise
    return job


class _Run:
    def __init__(self, session, job, token, chunk_rows, pause):
        self.session, self.job, self.token = session, job, token
        self.chunk_rows, self.pause = max(1, chunk_rows), pause

    def execute(self) -> None:
        job = self.job
        if job.state == "rolling_back":
            self._rollback()
            return self._finish("rolled_back")
        if job.action == "validate":
            self._set_state("validating")
            self._each_chunk(chunks.validate_chunk)
            return self._finish("validated")
        if job.mode == "valid_only":
            self._set_state("importing")
            self._each_chunk(
                lambda s, ctx, records: chunks.publish_chunk(s, ctx, records, pay=True)
            )
            return self._finish("done")
        # All or nothing: validate everything first and publish only a clean file. A dry run that
        # found no problem is that validation; the publish pass checks every row again anyway and
        # undoes the job if a row fails meanwhile (e.g. its NIK was registered since).
        clean_dry_run = job.state == "queued" and operations.validated_clean(job)
        if job.state not in ("importing", "paying") and not clean_dry_run:
            self._set_state("validating")
            self._each_chunk(chunks.validate_chunk)
            if job.invalid_rows:
                return self._finish("rejected")
        if job.state != "paying":
            self._set_state("importing")
            failed = self._each_chunk(
                lambda s, ctx, records: chunks.publish_chunk(s, ctx, records, pay=False),
                stop_on_failure=True,
            )
            if failed:
                # Something changed since validation (a NIK registered meanwhile): undo it all.
                self._set_state("rolling_back")
                self._rollback()
                job.error = "imports.rolled_back"
                return self._finish("rolled_back")
        if job.sponsor_id is not None:
            self._set_state("paying")
            self._pay()
        return self._finish("done")

    # --- chunk loops -------------------------------------------------------------------------

    def _each_chunk(self, work, *, stop_on_failure: bool = False) -> int:
        job, session = self.job, self.session
        ctx = row_context(session, job)
        failed, processed = 0, 0
        with files.open_rows(job.file_path, job.file_format, _dialect(job)) as rows:
            next(rows, None)  # the header
            records = ((n, cells) for n, cells in rows if not columns.is_blank(cells))
            while chunk := list(islice(records, self.chunk_rows)):
                failed += self._chunk(work, ctx, chunk)
                processed += len(chunk)
                job.processed_rows = processed
                self._commit_chunk()
                if failed and stop_on_failure:
                    break
        if not (failed and stop_on_failure):
            job.total_rows = processed
        chunks.recount(session, job)
        session.commit()
        return failed

    def _chunk(self, work, ctx, chunk) -> int:
        """One chunk in one transaction; redone whole if SQLite was locked by another writer."""
        for attempt in range(LOCK_RETRIES):
            try:
                self._take_write_lock()
                return work(self.session, ctx, chunk) or 0
            except OperationalError as error:
                if "locked" not in str(error) or attempt == LOCK_RETRIES - 1:
                    raise
                self.session.rollback()
                time.sleep(0.2 * (attempt + 1))
        return 0  # pragma: no cover - the loop returns or raises

    def _take_write_lock(self) -> None:
        """Write first: a SQLite transaction that starts by reading cannot become a writer once
        another connection (an audited poll, say) has committed, and fails instead of waiting."""
        changed = self.session.execute(
            update(ImportJob)
            .where(ImportJob.id == self.job.id, ImportJob.runner_token == self.token)
            .values(heartbeat_at=clock.now())
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed != 1:
            raise Stolen(str(self.job.id))

    def _audit(self, events: list) -> None:
        if events:
            record_many(self.session, Actor.of_import(self.job), events)

    def _pay(self) -> None:
        ctx = row_context(self.session, self.job)
        while self._take_write_lock() or (
            rows := sponsoring.unpaid_rows(self.session, self.job, self.chunk_rows)
        ):
            sponsoring.pay_chunk(self.session, ctx, rows)
            paid = dict.fromkeys(row.sponsor_payment_id for row in rows)
            self._audit([("create", "sponsor_payment", p) for p in paid if p is not None])
            self.job.paid_rows += len(rows)
            self._commit_chunk()
        chunks.recount(self.session, self.job)

    def _rollback(self) -> None:
        while True:
            self._take_write_lock()
            removed = chunks.rollback_chunk(self.session, self.job, self.chunk_rows)
            if not removed:
                break
            self._audit([("delete", "participant", worker_id) for worker_id in removed])
            self._commit_chunk()
        chunks.recount(self.session, self.job)
        self.job.amount_paid = 0

    # --- bookkeeping -------------------------------------------------------------------------

    def _commit_chunk(self) -> None:
        """Heartbeat + ownership check in the chunk's own transaction, then commit it."""
        owner = self.session.scalar(
            select(ImportJob.runner_token).where(ImportJob.id == self.job.id)
        )
        if owner != self.token:
            raise Stolen(str(self.job.id))
        self.job.heartbeat_at = clock.now()
        self.job.runner_pid = os.getpid()
        self.session.commit()
        if self.pause:
            time.sleep(self.pause)  # lets tests and demos watch (and kill) a run mid-way

    def _set_state(self, state: str) -> None:
        self.job.state = state
        self.job.processed_rows = 0
        self._commit_chunk()

    def _finish(self, state: str) -> None:
        job = self.job
        job.state, job.finished_at, job.runner_token = state, clock.now(), None
        self.session.commit()
        if state == "done":
            _remove_file(self.session, job)


def _dialect(job: ImportJob) -> dict | None:
    layout = job.layout or {}
    if "encoding" in layout:
        return {"encoding": layout["encoding"], "delimiter": layout["delimiter"]}
    return None


def _remove_file(session: Session, job: ImportJob) -> None:
    """The list holds personal data: drop it once no unfinished job needs it."""
    others = session.scalar(
        select(ImportJob.id).where(
            ImportJob.file_path == job.file_path,
            ImportJob.id != job.id,
            ImportJob.state != "done",
        )
    )
    if others is None:
        files.remove(job.file_path)


# --- starting a runner -----------------------------------------------------------------------


def runs_inline(app, job: ImportJob) -> bool:
    """Whether the request runs the job itself (a small file) instead of a background runner."""
    limit = app.config.get("IMPORT_SYNC_MAX_ROWS", 500)
    if uses_workers(app):
        limit = min(limit, QUEUED_ABOVE)
    return (job.total_rows or 0) <= limit


def start(app, session: Session, job: ImportJob) -> bool:
    """Run now (small files, returns True) or start `perisai run-import` in the background
    (the embedded default; with workers, `perisai.imports.tasks` queues the job instead)."""
    if runs_inline(app, job):
        try:
            run_job(session, job.id)
        except Busy:
            pass
        except Exception:  # noqa: BLE001 - recorded on the job (error, interrupted) and logged
            session.rollback()
        return True
    spawn(app, job)
    return False


def spawn(app, job: ImportJob) -> None:
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    # the child's clock reads what this process's does (moved for a demo or a test)
    env = {
        **clock.child_environment(),
        "PERISAI_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        **child_environment(app.config, app.instance_path),  # the same file storage
    }
    os.makedirs(os.path.join(app.instance_path, "import-logs"), exist_ok=True)
    log_path = os.path.join(app.instance_path, "import-logs", f"{job.id}.log")
    _children[:] = [child for child in _children if child.poll() is None]
    with open(log_path, "ab") as log_file:
        child = subprocess.Popen(  # noqa: S603 - fixed argv, no shell
            [sys.executable, "-m", "flask", "--app", "wsgi", "perisai", "run-import", str(job.id)],
            cwd=root,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _children.append(child)
