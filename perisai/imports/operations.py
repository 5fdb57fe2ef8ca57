"""Import jobs: who sees them, creating one from an upload, queueing it and its next step.

A job is one uploader's file (found again by its SHA-256): a dry run or an import, in one of two
modes (all_or_nothing, valid_only), optionally with a sponsor paying for its participants. The
rows themselves are checked in `perisai.imports.rows`, written in `perisai.imports.chunks`,
paid for in `perisai.imports.sponsoring`; `perisai.imports.runner` runs a job chunk by chunk.
The functions here flush but never commit.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

from sqlalchemy import ColumnElement, exists, select
from sqlalchemy.orm import Session

from perisai import clock, zones
from perisai.auth.models import User
from perisai.auth.permissions import Scope, or_404
from perisai.contributions.models import Payment, Sponsor
from perisai.contributions.payments import check_paid_on
from perisai.errors import Conflict, NotAllowed, field_error
from perisai.imports import columns, files, reader
from perisai.imports.leases import is_interrupted
from perisai.imports.models import RUNNING, ImportJob, ImportRow

MAX_ROWS = 100_000


# --- scope -----------------------------------------------------------------------------------


def visible_jobs(scope: Scope) -> ColumnElement[bool]:
    """Admins see every job, supervisors their branch's, agents those they uploaded."""
    return scope.where(branch=ImportJob.branch_id, user=ImportJob.created_by_id)


def visible_job(session: Session, scope: Scope, job_id) -> ImportJob:
    """The job, or NotFound whether it is missing or outside the caller's scope."""
    job = session.get(ImportJob, job_id)
    visible = job is not None and scope.sees(branch_id=job.branch_id, user_id=job.created_by_id)
    return or_404(job, visible)


# --- creating a job --------------------------------------------------------------------------


@dataclass
class Upload:
    """A received file: `path` a file on this machine to check; `key` where the shared
    storage keeps it for the runner (None: the runner reads `path` itself, on this machine)."""

    filename: str
    path: str
    sha256: str
    size: int
    key: str | None = None

    def kept(self) -> str:
        """Into the storage (when it has a key); the job's `file_path`."""
        if self.key is None:
            return self.path
        files.keep(self.key, self.path)
        return self.key


def inspect_upload(upload: Upload) -> tuple[str, dict, int | None]:
    """(format, layout, data rows) from the header and a streaming count; 422 when unusable."""
    file_format = reader.detect_format(upload.filename, upload.path)
    dialect = reader.csv_dialect(upload.path) if file_format == "csv" else {}
    with reader.open_rows(upload.path, file_format, dialect or None) as rows:
        header = next(rows, (1, []))[1]
        layout = columns.match_header(list(header or []))
        if layout.missing:
            raise field_error(
                "file", "imports.columns_missing|" + ", ".join(layout.missing), location="files"
            )
        if layout.twice:
            raise field_error(
                "file", "imports.column_twice|" + ", ".join(layout.twice), location="files"
            )
        count = 0
        for _, cells in rows:
            if not columns.is_blank(cells):
                count += 1
                if count > MAX_ROWS:
                    raise field_error("file", f"imports.too_many_rows|{MAX_ROWS}", location="files")
    if count == 0:
        raise field_error("file", "imports.file_empty", location="files")
    stored = {"positions": layout.positions, "unknown": layout.unknown, **dialect}
    return file_format, stored, count


def check_options(session: Session, scope: Scope, options: dict) -> Sponsor | None:
    """The form's options: a sponsor only for supervisors/admins, of a visible branch, 3/6/12."""
    if options.get("sponsor_id") is None:
        return None
    if scope.role == "agent":
        raise NotAllowed("imports.sponsor_agents")
    sponsor = session.get(Sponsor, options["sponsor_id"])
    if sponsor is None or not scope.allows_branch(sponsor.branch_id):
        raise field_error("sponsor_id", "imports.sponsor_unknown", location="form")
    if options.get("sponsor_months") not in (3, 6, 12):
        raise field_error("sponsor_months", "imports.sponsor_months", location="form")
    paid_on = options.get("paid_on") or zones.today_of_branch(session, sponsor.branch_id)
    check_paid_on(paid_on, clock.latest_today(), location="form")
    if not sponsor.agreement_start <= paid_on <= sponsor.agreement_end:
        raise field_error("paid_on", "contributions.sponsor_agreement", location="form")
    options["paid_on"] = paid_on
    return sponsor


def _apply_options(job: ImportJob, options: dict, sponsor: Sponsor | None) -> None:
    job.default_agent_code = (options.get("agent_code") or "").strip().upper() or None
    job.default_notice_version = options.get("notice_version") or None
    job.default_funding = options.get("funding") or (sponsor.type if sponsor else None)
    job.sponsor_id = sponsor.id if sponsor else None
    job.sponsor_months = options.get("sponsor_months") if sponsor else None
    job.paid_on = options.get("paid_on") if sponsor else None


def _options_differ(job: ImportJob, options: dict, mode: str) -> bool:
    return (
        job.mode != mode
        or job.sponsor_id != options.get("sponsor_id")
        or (job.sponsor_id is not None and job.sponsor_months != options.get("sponsor_months"))
    )


def submit_import(
    session: Session, *, user: User, upload: Upload, dry_run: bool, mode: str, options: dict
) -> tuple[ImportJob, bool]:
    """The job for this uploader and file (created, or found by its SHA-256) and queued.

    Returns (job, created). A file already imported is not imported again: its job comes back
    as it is, with every row's outcome.
    """
    scope = Scope.of(user)
    sponsor = check_options(session, scope, options)
    job = session.scalar(
        select(ImportJob).where(
            ImportJob.created_by_id == user.id, ImportJob.file_sha256 == upload.sha256
        )
    )
    if job is None:
        file_format, layout, count = inspect_upload(upload)
        job = ImportJob(
            id=uuid.uuid4(),
            filename=os.path.basename(upload.filename)[:200] or "upload",
            file_format=file_format,
            file_sha256=upload.sha256,
            file_path=upload.kept(),
            size_bytes=upload.size,
            layout=layout,
            created_by_id=user.id,
            branch_id=scope.branch_id,
            action="validate" if dry_run else "import",
            mode=mode,
            state="queued",
            total_rows=count,
        )
        _apply_options(job, options, sponsor)
        session.add(job)
        session.flush()
        return job, True
    if job.state != "done":
        job.file_path = upload.kept()  # same bytes; the earlier copy may have been removed
    if job.state in RUNNING and not is_interrupted(job):
        return job, False  # already on its way: the caller polls it
    if job.imported_rows or job.state in ("importing", "paying", "rolling_back"):
        if not dry_run and _options_differ(job, options, mode):
            raise Conflict("imports.options_fixed")
        return job, False  # imported (or partly: resume it); the rows say what happened
    _apply_options(job, options, sponsor)
    queue(job, action="validate" if dry_run else "import", mode=mode)
    return job, False


def queue(job: ImportJob, *, action: str, mode: str | None = None) -> None:
    job.action = action
    if mode is not None:
        job.mode = mode
    job.state = "queued"
    job.error = None
    job.processed_rows = 0
    job.finished_at = None


def commit_validated(job: ImportJob, mode: str | None) -> None:
    """After a dry run: import the same file with the same options."""
    if job.state in RUNNING and not is_interrupted(job):
        raise Conflict("imports.busy")
    if job.state not in ("validated", "rejected", "rolled_back"):
        raise Conflict("imports.not_committable")
    queue(job, action="import", mode=mode or job.mode)


def validated_clean(job: ImportJob) -> bool:
    """Every row of the file was checked (dry run) and none had a problem."""
    return bool(job.total_rows) and job.invalid_rows == 0 and job.valid_rows == job.total_rows


def mark_for_resume(job: ImportJob) -> None:
    if not is_interrupted(job):
        raise Conflict("imports.not_resumable")
    job.error = None


def mark_for_rollback(session: Session, job: ImportJob) -> None:
    if not is_interrupted(job):
        raise Conflict("imports.rollback_state")
    paid = select(ImportRow.worker_id).where(
        ImportRow.job_id == job.id, ImportRow.worker_id.is_not(None)
    )
    if session.scalar(select(exists().where(Payment.worker_id.in_(paid)))):
        raise Conflict("imports.rollback_payments")
    job.state = "rolling_back"
    job.error = None
