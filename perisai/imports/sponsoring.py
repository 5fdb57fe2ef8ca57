"""A sponsor paying for an import's participants: its rules per row, and one sponsor payment
per chunk of rows (valid_only: with the chunk; all_or_nothing: once every row is registered).
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.contributions.quotes import quote_for_worker
from perisai.contributions.sponsors import pay_for_participants
from perisai.errors import DomainError, ValidationFailed
from perisai.imports.models import ImportJob, ImportRow
from perisai.imports.rows import Prepared, RowContext, domain_errors
from perisai.workers.models import Worker


def check_sponsor_row(session: Session, ctx: RowContext, worker: Worker) -> int:
    """The sponsor's rules for one participant: same branch, and a price for every month."""
    if worker.branch_id != ctx.sponsor.branch_id:
        raise ValidationFailed(
            "imports.sponsor_branch", {"json": {"row": ["imports.sponsor_branch"]}}
        )
    quote = quote_for_worker(
        session,
        worker,
        ctx.job.sponsor_months,
        ctx.job.paid_on,
        funding=ctx.sponsor.type,
        rules=ctx.rules,
        location="json",
    )
    return quote.total


def pay_rows(session: Session, ctx: RowContext, items: list[Prepared]) -> dict:
    """Pay the sponsor's months for these rows' participants; {item: errors} when refused."""
    job, sponsor = ctx.job, ctx.sponsor
    amount = 0
    for item in items:
        amount += quote_for_worker(
            session,
            item.worker,
            job.sponsor_months,
            job.paid_on,
            funding=sponsor.type,
            rules=ctx.rules,
            location="json",
        ).total
    first, last = items[0].row.row_number, items[-1].row.row_number
    data = {
        "id": uuid.uuid5(job.id, f"sponsor:{first}:{last}:{len(items)}"),
        "months": job.sponsor_months,
        "paid_on": job.paid_on,
        "worker_ids": [item.worker.id for item in items],
        "amount": amount,
    }
    try:
        batch, _ = pay_for_participants(
            session, sponsor=sponsor, data=data, scope=ctx.scope, recorded_by=ctx.user
        )
    except DomainError as error:
        per_worker = error.errors.get("json", {}).get("worker_ids", {})
        if per_worker:
            return {
                items[int(index)]: {"row": [str(m) for m in messages]}
                for index, messages in per_worker.items()
            }
        return {item: domain_errors(error) for item in items}
    for item in items:
        item.row.sponsor_payment_id = batch.id
    job.amount_paid += batch.amount
    return {}


def unpaid_rows(session: Session, job: ImportJob, limit: int) -> list[ImportRow]:
    return list(
        session.scalars(
            select(ImportRow)
            .where(
                ImportRow.job_id == job.id,
                ImportRow.status == "imported",
                ImportRow.sponsor_payment_id.is_(None),
            )
            .order_by(ImportRow.row_number)
            .limit(limit)
        )
    )


def pay_chunk(session: Session, ctx: RowContext, rows: list[ImportRow]) -> None:
    """All-or-nothing imports pay once every row is registered; a refusal stops the job."""
    workers = {
        w.id: w
        for w in session.scalars(select(Worker).where(Worker.id.in_([r.worker_id for r in rows])))
    }
    items = [Prepared(row=row, worker=workers[row.worker_id]) for row in rows]
    refused = pay_rows(session, ctx, items)
    if refused:
        item, errors = next(iter(refused.items()))
        raise ValidationFailed(
            "contributions.sponsor_failed", {"json": {str(item.row.row_number): errors}}
        )
    session.flush()
