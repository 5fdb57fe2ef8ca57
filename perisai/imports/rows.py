"""One row of an import: its cells read into a registration body and checked by the registry's
own rules, every problem of the row reported at once.

The cells become the body of POST /api/v1/workers, loaded by `WorkerCreateSchema`; worker ids
are uuid5(job id, row number), so a chunk redone after an interruption finds its own rows
instead of creating new ones. A NIK twice in one file is found by a salted key, never stored.
A row's report (`ImportRow`) stays out of the session until the chunk is done: `finish_rows`
gives it its final status and writes the chunk's new reports in one bulk INSERT.
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date

from marshmallow import ValidationError
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from perisai import zones
from perisai.agents.models import Agent
from perisai.auth.models import User
from perisai.auth.permissions import Scope
from perisai.contributions.models import Sponsor
from perisai.contributions.rules import RuleBook, is_income_level
from perisai.errors import DomainError
from perisai.imports import columns
from perisai.imports.models import ImportJob, ImportRow
from perisai.months import Month
from perisai.regions.provinces import province_code_known
from perisai.workers.models import Occupation, Worker, mask_nik
from perisai.workers.nik import check_nik
from perisai.workers.schemas import WorkerCreateSchema
from perisai.workers.validation import (
    normalise_phone,
    programs_problem,
    village_problem,
)


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
    scope = Scope.of(user)
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


def domain_errors(error: DomainError) -> dict[str, list[str]]:
    errors = error.errors.get("json", error.errors) if error.errors else {}
    if not errors:
        key = "agent_code" if error.message.startswith("workers.agent") else "row"
        return {key: [error.message]}
    return columns.flatten_errors(errors)


def prepare_chunk(session: Session, ctx: RowContext, records: list) -> list[Prepared]:
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
        if row is None:  # never added to the session: finish_rows inserts the new ones
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
    """The registry's field rules (perisai.workers.validation.validated_values, in the same
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
    if level is not None and not is_income_level(session, level, Month.of(today)):
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


_REPORT = (
    "job_id",
    "row_number",
    "status",
    "nik_key",
    "nik_masked",
    "errors",
    "warnings",
    "worker_id",
    "sponsor_payment_id",
)


def finish_rows(session: Session, items: list[Prepared], ok_status: str) -> None:
    """The rows' reports: a row stored by an earlier run is updated through the session; the
    new ones are written by one ORM bulk INSERT (an executemany: nothing reads their ids), which
    leaves out None values as a flush does, so they store the same as added rows would."""
    new = []
    for item in items:
        row = item.row
        if item.errors:
            row.status, row.errors, row.worker_id = "invalid", item.errors, None
        else:
            row.status, row.errors = ok_status, None
            if ok_status == "imported":
                row.worker_id = item.worker.id
        row.warnings = item.warnings or None
        if row.id is None:
            new.append({key: getattr(row, key) for key in _REPORT})
    session.flush()
    if new:
        session.execute(insert(ImportRow), new)
