"""The work of one chunk of rows, which `perisai.imports.runner` commits as one transaction:
a dry run (every rule, nothing kept), a publish (the rows registered, and paid for), a rollback
(the job's participants removed), and the job's counters from its row reports.

A chunk's rows are registered through the batch writer sync uses (`perisai.batch`): checked and
built by `build_registration`, written in one flush, and only after the database refused some
of it each row in a savepoint of its own; a row is either fully registered (and, with a sponsor,
paid) or leaves nothing behind. What the rows look up is read once per chunk (`_known`): the
participants stored under their ids, the villages, the agents named, and a `DuplicatePool`,
one query for everyone born on the chunk's days with one of its phones or in one of its
villages, to which each registered row is added for the rows after it. A row's likely
duplicates are its pool's candidates with the same phone or a name whose difflib ratio is at
least 0.85 (`perisai.workers.duplicates`). The row reports are then written by `finish_rows`,
the new ones in one bulk INSERT, and a publish's audit events (a participant, a sponsor payment)
with one more. The functions here flush but never commit.
"""

from __future__ import annotations

from sqlalchemy import exists, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from perisai.audit.operations import Actor, record_many
from perisai.batch import together_or_alone
from perisai.contributions.models import Payment
from perisai.errors import Conflict, DomainError
from perisai.imports.models import ImportJob, ImportRow
from perisai.imports.rows import Prepared, RowContext, domain_errors, finish_rows, prepare_chunk
from perisai.imports.sponsoring import check_sponsor_row, pay_rows
from perisai.regions.models import Region
from perisai.workers.duplicates import DuplicatePool
from perisai.workers.models import Worker
from perisai.workers.operations import agents_by_code, build_registration, register_worker

# Rows per transaction. Each chunk reads its likely duplicates again (everyone born on its days
# in its villages), so halving the chunks of a list born on few days halves those reads.
CHUNK_ROWS = 2000


def _register(session: Session, ctx: RowContext, item: Prepared) -> None:
    """register_worker in a savepoint: afterwards the row is registered or nothing is left."""
    savepoint = session.begin_nested()
    try:
        registration = register_worker(
            session, scope=ctx.scope, agent=item.agent, data=item.data, today=ctx.today
        )
        if ctx.sponsor is not None:
            check_sponsor_row(session, ctx, registration.worker)
    except DomainError as error:
        savepoint.rollback()
        item.errors = domain_errors(error)
        return
    savepoint.commit()
    item.worker = registration.worker
    item.warnings = [w.get("message") for w in registration.warnings]


def _stage(session: Session, ctx: RowContext, item: Prepared, known: dict, keep: bool) -> None:
    """The row's participant checked, built and added for the chunk's one flush; a refusal is
    the row's answer and leaves nothing behind (nothing is added before every check passed)."""
    try:
        registration = build_registration(
            session,
            scope=ctx.scope,
            agent=item.agent,
            data=item.data,
            today=ctx.today,
            existing=known["workers"].get(item.data["id"]),
            duplicates=known["duplicates"],
            agents=known["agents"],
        )
        if ctx.sponsor is not None:
            check_sponsor_row(session, ctx, registration.worker)
    except DomainError as error:
        item.errors = domain_errors(error)
        return
    if registration.created:
        session.add(registration.worker)
        if keep:  # a later row of the chunk may duplicate this one (a dry run keeps none)
            known["duplicates"].add(registration.worker)
    item.worker = registration.worker
    item.warnings = [w.get("message") for w in registration.warnings]


def _known(session: Session, ctx: RowContext, items: list[Prepared]) -> dict:
    """What the chunk's registrations look up, read once for all of them: participants stored
    under their ids (a chunk redone), likely duplicates and taken NIKs, the agents named, and
    the villages. (The registry keeps the villages it read for the session, but each chunk's
    commit expires them: one query per chunk brings them all back, instead of one per village.)
    """
    ids = [item.data["id"] for item in items]
    codes = {item.data.get("agent_code") for item in items}
    villages = {item.data["village_code"] for item in items}
    return {
        "villages": session.scalars(select(Region).where(Region.code.in_(villages))).all(),
        "workers": {w.id: w for w in session.scalars(select(Worker).where(Worker.id.in_(ids)))},
        "duplicates": DuplicatePool(session, [item.data for item in items]),
        "agents": None if ctx.scope.role == "agent" else agents_by_code(session, ctx.scope, codes),
    }


def register_rows(
    session: Session, ctx: RowContext, items: list[Prepared], *, keep: bool = True
) -> None:
    """Register the rows' participants through the batch writer: the chunk at once (one read of
    what exists, one flush), or, when the database refuses any of it, row by row in savepoints
    so that the clashing row is reported for itself and the others still stand."""

    def together() -> None:
        known = _known(session, ctx, items)
        for item in items:
            _stage(session, ctx, item, known, keep)

    def alone() -> None:
        for item in items:
            item.worker, item.warnings, item.errors = None, [], {}
            if keep:
                _register(session, ctx, item)
            else:  # each dry-run registration undone before the next, as it never happened
                savepoint = session.begin_nested()
                _register(session, ctx, item)
                savepoint.rollback()

    if items:
        together_or_alone(session, together, alone)


def validate_chunk(session: Session, ctx: RowContext, records: list) -> None:
    """Dry run of a chunk: every rule, nothing kept (the registrations' savepoint rolled back)."""
    prepared = prepare_chunk(session, ctx, records)
    savepoint = session.begin_nested()
    todo = [i for i in prepared if i.row.status != "imported" and not i.errors]
    register_rows(session, ctx, todo, keep=False)
    savepoint.rollback()
    finish_rows(session, [i for i in prepared if i.row.status != "imported"], "valid")


def publish_chunk(session: Session, ctx: RowContext, records: list, *, pay: bool) -> int:
    """Register the chunk's rows (and pay for them when `pay`); returns the rows that failed.

    With a sponsor payment a row's registration and payment stand or fall together: when the
    payment of the chunk is refused because of some rows, those rows are marked and the chunk is
    redone without them.
    """
    prepared = [i for i in prepare_chunk(session, ctx, records) if i.row.status != "imported"]
    for _attempt in range(3):
        outer = session.begin_nested()
        todo = [i for i in prepared if not i.errors]
        register_rows(session, ctx, todo)
        paid = [i for i in todo if i.worker is not None]
        if pay and ctx.sponsor is not None and paid:
            refused = pay_rows(session, ctx, paid)
            if refused:
                outer.rollback()
                for item in todo:
                    item.worker, item.warnings = None, []
                for item, errors in refused.items():
                    item.errors = errors
                continue
        outer.commit()
        break
    else:  # pragma: no cover - three refusals in a row: give up on the chunk's remaining rows
        for item in prepared:
            item.errors = item.errors or {"row": ["imports.sponsor_chunk"]}
            item.worker = None
    finish_rows(session, prepared, "imported")
    _audit_published(session, ctx, prepared)
    return sum(1 for i in prepared if i.errors)


def _audit_published(session: Session, ctx: RowContext, prepared: list[Prepared]) -> None:
    """One event per participant the chunk wrote and per sponsor payment it made, in the
    chunk's transaction. Only this run's rows: rows imported earlier were left out of
    `prepared`, so a resumed run does not record them again."""
    written = [i for i in prepared if not i.errors and i.worker is not None]
    events = [("create", "participant", i.worker.id) for i in written]
    paid = dict.fromkeys(i.row.sponsor_payment_id for i in written)
    events += [("create", "sponsor_payment", p) for p in paid if p is not None]
    if events:
        record_many(session, Actor.of_import(ctx.job), events)


def rollback_chunk(session: Session, job: ImportJob, limit: int) -> list:
    """Remove up to `limit` participants this job created; returns the ids of those removed.

    Only participants without any payment: a payment is money received and is never deleted,
    so a job whose participants were paid for is resumed, not rolled back.
    """
    rows = list(
        session.scalars(
            select(ImportRow)
            .where(ImportRow.job_id == job.id, ImportRow.worker_id.is_not(None))
            .order_by(ImportRow.row_number)
            .limit(limit)
        )
    )
    if not rows:
        return []
    ids = [row.worker_id for row in rows]
    if session.scalar(select(exists().where(Payment.worker_id.in_(ids)))):
        raise Conflict("imports.rollback_payments")
    for row in rows:
        row.worker_id, row.status = None, "valid"
    session.flush()
    try:
        with session.begin_nested():
            # ORM deletes, so flush hooks (report freshness) see the participants go.
            for worker in session.scalars(select(Worker).where(Worker.id.in_(ids))).all():
                session.delete(worker)
    except IntegrityError as error:
        raise Conflict("imports.rollback_blocked") from error
    return ids


def recount(session: Session, job: ImportJob) -> None:
    counts = dict(
        session.execute(
            select(ImportRow.status, func.count())
            .where(ImportRow.job_id == job.id)
            .group_by(ImportRow.status)
        ).all()
    )
    job.valid_rows = counts.get("valid", 0) + counts.get("imported", 0)
    job.invalid_rows = counts.get("invalid", 0)
    job.imported_rows = counts.get("imported", 0)
    job.paid_rows = session.scalar(
        select(func.count()).where(
            ImportRow.job_id == job.id, ImportRow.sponsor_payment_id.is_not(None)
        )
    )
