"""An import job and its row reports as the API and the pages show them."""

from __future__ import annotations

from sqlalchemy import select

from perisai.contributions.models import Sponsor
from perisai.imports.leases import is_interrupted
from perisai.imports.models import FINISHED, ImportJob, ImportRow
from perisai.workers.models import Worker


def serialize_job(job: ImportJob, sponsor: Sponsor | None = None) -> dict:
    total = job.total_rows or 0
    return {
        "id": str(job.id),
        "filename": job.filename,
        "format": job.file_format,
        "state": job.state,
        "dry_run": job.action == "validate",
        "mode": job.mode,
        "interrupted": is_interrupted(job),
        "finished": job.state in FINISHED,
        "error": job.error,
        "counts": {
            "total": total,
            "processed": job.processed_rows,
            "valid": job.valid_rows,
            "invalid": job.invalid_rows,
            "imported": job.imported_rows,
            "paid": job.paid_rows,
        },
        "progress": round(min(job.processed_rows / total, 1.0), 4) if total else 0.0,
        "amount_paid": job.amount_paid,
        "sponsor": (
            {
                "id": job.sponsor_id,
                "name": sponsor.name if sponsor else None,
                "months": job.sponsor_months,
                "paid_on": job.paid_on.isoformat() if job.paid_on else None,
            }
            if job.sponsor_id
            else None
        ),
        "defaults": {
            "agent_code": job.default_agent_code,
            "notice_version": job.default_notice_version,
            "funding": job.default_funding,
        },
        "unknown_columns": job.layout.get("unknown", []),
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def rows_query(job: ImportJob, status: str | None):
    stmt = (
        select(ImportRow, Worker.membership_number)
        .outerjoin(Worker, Worker.id == ImportRow.worker_id)
        .where(ImportRow.job_id == job.id)
        .order_by(ImportRow.row_number)
    )
    if status == "problems":
        stmt = stmt.where(ImportRow.status == "invalid")
    elif status:
        stmt = stmt.where(ImportRow.status == status)
    return stmt


def serialize_row(row: ImportRow, membership_number: str | None, translate) -> dict:
    return {
        "row": row.row_number,
        "status": row.status,
        "nik_masked": row.nik_masked,
        "errors": {key: [translate(m) for m in msgs] for key, msgs in (row.errors or {}).items()},
        "warnings": [translate(m) for m in row.warnings or []],
        "worker_id": str(row.worker_id) if row.worker_id else None,
        "membership_number": membership_number,
        "sponsor_payment_id": str(row.sponsor_payment_id) if row.sponsor_payment_id else None,
    }
