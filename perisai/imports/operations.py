"""Import jobs: creating them from an upload, and the per-chunk work a runner commits.

Every row goes through the registry's own rules: the cells become the body of POST
/api/v1/workers, loaded by `WorkerCreateSchema` and handed to `register_worker` inside a savepoint,
so a row is either fully registered (and, with a sponsor, paid) or leaves nothing behind.
A dry run does the same and rolls the savepoint back. Worker ids are uuid5(job id, row number):
a chunk redone after an interruption finds its own rows instead of creating new ones.

The functions here flush but never commit; `perisai.imports.runner` commits once per chunk.
"""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from marshmallow import ValidationError
from sqlalchemy import ColumnElement, exists, false, func, select, true, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import perisai.imports.messages  # noqa: F401 - registers the messages
from perisai import clock
from perisai.agents import zones
from perisai.agents.models import Agent
from perisai.auth.models import User
from perisai.auth.permissions import Scope
from perisai.contributions.models import Payment, Sponsor
from perisai.contributions.operations import check_paid_on, quote_for_worker
from perisai.contributions.rules import RuleBook
from perisai.contributions.sponsors import pay_for_participants
from perisai.errors import Conflict, DomainError, NotAllowed, ValidationFailed, field_error
from perisai.imports import columns, reader
from perisai.imports.models import FINISHED, RUNNING, ImportJob, ImportRow
from perisai.months import Month
from perisai.regions.provinces import province_code_known
from perisai.workers.models import Occupation, Worker, mask_nik
from perisai.workers.nik import check_nik
from perisai.workers.operations import (
    income_level_allowed,
    normalise_phone,
    programs_problem,
    register_worker,
    village_problem,
)
from perisai.workers.schemas import WorkerCreateSchema

CHUNK_ROWS = 500
MAX_ROWS = 100_000
STALE_AFTER = timedelta(minutes=2)  # a runner that has not reported for this long has gone


# --- scope -----------------------------------------------------------------------------------


def scope_of(user: User) -> Scope:
    return Scope(role=user.role, agent_id=user.agent_id, branch_id=user.scope_branch_id)


def visible_jobs(scope: Scope, user_id: int) -> ColumnElement[bool]:
    """Admins see every job, supervisors their branch's, agents their own."""
    if scope.is_admin:
        return true()
    if scope.role == "agent":
        return ImportJob.created_by_id == user_id
    if scope.branch_id is None:
        return false()
    return ImportJob.branch_id == scope.branch_id


def can_see_job(scope: Scope, user_id: int, job: ImportJob) -> bool:
    if scope.is_admin:
        return True
    if scope.role == "agent":
        return job.created_by_id == user_id
    return job.branch_id is not None and job.branch_id == scope.branch_id


# --- creating a job --------------------------------------------------------------------------


@dataclass
class Upload:
    filename: str
    path: str
    sha256: str
    size: int


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
    scope = scope_of(user)
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
            file_path=upload.path,
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
        job.file_path = upload.path  # same bytes; the earlier copy may have been removed
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


# --- runners ---------------------------------------------------------------------------------


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


# --- rows ------------------------------------------------------------------------------------


@dataclass
class RowContext:
    job: ImportJob
    user: User
    scope: Scope
    sponsor: Sponsor | None
    layout: columns.Layout
    defaults: dict
    today: date
    wadah_agents: dict[str, Agent] = field(default_factory=dict)
    schema: WorkerCreateSchema = field(default_factory=WorkerCreateSchema)
    rules: RuleBook | None = None


def row_context(session: Session, job: ImportJob) -> RowContext:
    user = session.get(User, job.created_by_id)
    scope = scope_of(user)
    wadah_agents = {}
    if scope.role == "agent" and user.agent is not None:
        wadah_agents = {
            a.agent_code: a
            for a in session.scalars(select(Agent).where(Agent.wadah_id == user.agent.wadah_id))
        }
    positions = {key: int(index) for key, index in job.layout["positions"].items()}
    return RowContext(
        job=job,
        user=user,
        scope=scope,
        sponsor=session.get(Sponsor, job.sponsor_id) if job.sponsor_id else None,
        layout=columns.Layout(positions=positions, unknown=[], missing=[], twice=[]),
        defaults={
            "agent_code": job.default_agent_code,
            "notice_version": job.default_notice_version,
            "funding": job.default_funding,
        },
        today=zones.today_of_user(session, user),
        wadah_agents=wadah_agents,
        rules=RuleBook(session) if job.sponsor_id else None,
    )


def worker_id_for(job: ImportJob, row_number: int) -> uuid.UUID:
    return uuid.uuid5(job.id, f"row:{row_number}")


def nik_key(job: ImportJob, nik: str) -> str:
    """Finds the same NIK twice in one file without storing it (salted by the job)."""
    return hashlib.sha256(f"{job.id}:{nik}".encode()).hexdigest()[:32]


@dataclass(eq=False)  # identity semantics: used as a dict key
class Prepared:
    row: ImportRow
    data: dict | None = None
    errors: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    agent: Agent | None = None
    worker: Worker | None = None


def _domain_errors(error: DomainError) -> dict[str, list[str]]:
    errors = error.errors.get("json", error.errors) if error.errors else {}
    if not errors:
        key = "agent_code" if error.message.startswith("workers.agent") else "row"
        return {key: [error.message]}
    return columns.flatten_errors(errors)


def _prepare_chunk(session: Session, ctx: RowContext, records: list) -> list[Prepared]:
    """Parse and schema-check a chunk; attach each record's ImportRow; find in-file duplicates."""
    job = ctx.job
    numbers = [number for number, _ in records]
    existing = {
        row.row_number: row
        for row in session.scalars(
            select(ImportRow).where(
                ImportRow.job_id == job.id, ImportRow.row_number.between(numbers[0], numbers[-1])
            )
        )
    }
    parsed = []
    for number, cells in records:
        body, errors = columns.row_payload(list(cells), ctx.layout, ctx.defaults)
        nik = body.get("nik") or ""
        parsed.append((number, body, errors, nik_key(job, nik) if nik else None, nik))
    keys = {key for *_, key, _ in parsed if key}
    first_seen = dict(
        session.execute(
            select(ImportRow.nik_key, func.min(ImportRow.row_number))
            .where(
                ImportRow.job_id == job.id,
                ImportRow.nik_key.in_(keys),
                ImportRow.row_number < numbers[0],
            )
            .group_by(ImportRow.nik_key)
        ).all()
    )
    prepared = []
    for number, body, errors, key, nik in parsed:
        row = existing.get(number)
        if row is None:  # added to the session only when finished: one INSERT, final status
            row = ImportRow(job_id=job.id, row_number=number, status="pending")
        row.nik_key, row.nik_masked = key, mask_nik(nik)[:16] if nik else None
        item = Prepared(row=row)
        prepared.append(item)
        if key is not None:
            if key in first_seen:
                errors.setdefault("nik", []).append(f"imports.duplicate_in_file|{first_seen[key]}")
            else:
                first_seen[key] = number
        if row.status == "imported":
            continue
        body["id"] = str(worker_id_for(job, number))
        try:
            item.data = ctx.schema.load(body)
            loaded = item.data
        except ValidationError as error:
            loaded = error.valid_data or {}
            for key, tokens in columns.flatten_errors(error.messages).items():
                if key not in errors:  # a cell already named as unreadable: its reason stands
                    errors[key] = tokens
        if errors:
            # Every problem of the row in one report: the registry's rules, too, on each field
            # that could be read (the rest of the rules run at registration, as for the API).
            for key, tokens in rule_problems(session, loaded, ctx.today).items():
                errors.setdefault(key, tokens)
            item.errors, item.data = errors, None
            continue
        item.agent = _row_agent(ctx, item)
    return prepared


def rule_problems(session: Session, data: dict, today: date) -> dict[str, list[str]]:
    """The registry's field rules (perisai.workers.operations._validated_values, in the same
    words) on the fields of `data` that loaded: a row that failed its schema is still checked
    for everything else. Keys are the import's column keys."""
    problems: dict[str, list[str]] = {}
    birth, nik = data.get("birth_date"), data.get("nik")
    if birth is not None and birth > today:
        problems["birth_date"] = ["workers.birth_future"]
    if nik:
        checked = check_nik(
            nik.strip(),
            today=today,
            birth_date=birth,
            gender=data.get("gender"),
            province_known=province_code_known,
        )
        if checked.errors:
            problems["nik"] = checked.errors
    if data.get("phone") and normalise_phone(data["phone"]) is None:
        problems["phone"] = ["workers.phone_invalid"]
    beneficiary_phone = (data.get("beneficiary") or {}).get("phone")
    if beneficiary_phone and normalise_phone(beneficiary_phone) is None:
        problems["beneficiary_phone"] = ["workers.phone_invalid"]
    if data.get("occupation"):
        occupation = session.get(Occupation, data["occupation"])
        if occupation is None or not occupation.is_active:
            problems["occupation"] = ["workers.occupation_unknown"]
    if data.get("programs") and (token := programs_problem(data["programs"])):
        problems["programs"] = [token]
    level = data.get("income_level")
    if level is not None and not income_level_allowed(session, level, Month.of(today)):
        problems["income_level"] = ["workers.income_level_unknown"]
    if data.get("village_code") and (token := village_problem(session, data["village_code"])):
        problems["village_code"] = [token]
    return problems


def _row_agent(ctx: RowContext, item: Prepared) -> Agent | None:
    """Agents import for their own Wadah: an agent code, if any, must be one of its agents."""
    if ctx.scope.role != "agent":
        return None
    code = item.data.get("agent_code")
    if not code:
        return ctx.user.agent
    agent = ctx.wadah_agents.get(code)
    if agent is None:
        item.errors = {"agent_code": ["imports.agent_not_in_wadah"]}
    return agent


def _register(session: Session, ctx: RowContext, item: Prepared) -> None:
    """register_worker in a savepoint: afterwards the row is registered or nothing is left."""
    savepoint = session.begin_nested()
    try:
        registration = register_worker(
            session, scope=ctx.scope, agent=item.agent, data=item.data, today=ctx.today
        )
        if ctx.sponsor is not None:
            _check_sponsor_row(session, ctx, registration.worker)
    except DomainError as error:
        savepoint.rollback()
        item.errors = _domain_errors(error)
        return
    savepoint.commit()
    item.worker = registration.worker
    item.warnings = [w.get("message") for w in registration.warnings]


def _check_sponsor_row(session: Session, ctx: RowContext, worker: Worker) -> int:
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


def _finish_row(session: Session, item: Prepared, ok_status: str) -> None:
    row = item.row
    if row.id is None:
        session.add(row)
    if item.errors:
        row.status, row.errors, row.worker_id = "invalid", item.errors, None
    else:
        row.status, row.errors = ok_status, None
        if ok_status == "imported":
            row.worker_id = item.worker.id
    row.warnings = item.warnings or None


def validate_chunk(session: Session, ctx: RowContext, records: list) -> None:
    """Dry run of a chunk: every rule, nothing kept (each registration's savepoint rolled back)."""
    prepared = _prepare_chunk(session, ctx, records)
    for item in prepared:
        if item.row.status != "imported" and not item.errors:
            savepoint = session.begin_nested()
            _register(session, ctx, item)
            savepoint.rollback()
    for item in prepared:
        if item.row.status != "imported":
            _finish_row(session, item, "valid")
    session.flush()


def publish_chunk(session: Session, ctx: RowContext, records: list, *, pay: bool) -> int:
    """Register the chunk's rows (and pay for them when `pay`); returns the rows that failed.

    With a sponsor payment a row's registration and payment stand or fall together: when the
    payment of the chunk is refused because of some rows, those rows are marked and the chunk is
    redone without them.
    """
    prepared = [i for i in _prepare_chunk(session, ctx, records) if i.row.status != "imported"]
    for _attempt in range(3):
        outer = session.begin_nested()
        todo = [i for i in prepared if not i.errors]
        for item in todo:
            _register(session, ctx, item)
        paid = [i for i in todo if i.worker is not None]
        if pay and ctx.sponsor is not None and paid:
            refused = _pay(session, ctx, paid)
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
    for item in prepared:
        _finish_row(session, item, "imported")
    session.flush()
    return sum(1 for i in prepared if i.errors)


def _pay(session: Session, ctx: RowContext, items: list[Prepared]) -> dict:
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
        return {item: _domain_errors(error) for item in items}
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
    refused = _pay(session, ctx, items)
    if refused:
        item, errors = next(iter(refused.items()))
        raise ValidationFailed(
            "contributions.sponsor_failed", {"json": {str(item.row.row_number): errors}}
        )
    session.flush()


def rollback_chunk(session: Session, job: ImportJob, limit: int) -> int:
    """Remove up to `limit` participants this job created; returns how many were removed.

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
        return 0
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
    return len(rows)


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


# --- reading ---------------------------------------------------------------------------------


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
