"""The row reports of an import job, as the API, the CSV and the pages read them."""

from __future__ import annotations

from sqlalchemy import select

from perisai.imports.models import ImportJob, ImportRow
from perisai.workers.models import Worker


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
