"""An employer's wage-earning workers: added one at a time (API and outbox), idempotent on the
client id. The NIK follows the participants' rules (perisai.workers.nik); one person is in an
employer once (409), and may be a BPU participant or work for another employer as well: both
are allowed and said in the answer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from perisai import zones
from perisai.audit.operations import Actor, record_many
from perisai.auth.permissions import Scope
from perisai.employers.models import Employer, EmployerWorker
from perisai.employers.operations import request_hash
from perisai.errors import Conflict, ValidationFailed
from perisai.regions.provinces import province_code_known
from perisai.workers.models import Worker
from perisai.workers.nik import check_nik


@dataclass
class EmployeeAdded:
    employee: EmployerWorker
    created: bool
    warnings: list[dict] = field(default_factory=list)


def add_employer_worker(
    session: Session,
    *,
    scope: Scope,
    employer: Employer,
    data: dict,
    added_by=None,
    today: date | None = None,
) -> EmployeeAdded:
    """Add one worker to `employer` (the caller has checked it may see the employer)."""
    fingerprint = request_hash({**data, "employer_id": str(employer.id)})
    if data.get("id") is not None and (found := session.get(EmployerWorker, data["id"])):
        return _replay(found, fingerprint)
    today = today or zones.today_of_branch(session, employer.branch_id)
    nik, warnings = _checked_nik(data, today)
    _refuse_twice(session, employer, nik)
    warnings += elsewhere(session, scope, employer, nik)
    employee = EmployerWorker(
        id=data.get("id") or uuid.uuid4(),
        employer_id=employer.id,
        nik=nik,
        full_name=" ".join(data["full_name"].split()),
        birth_date=data["birth_date"],
        gender=data["gender"],
        wage=data["wage"],
        request_hash=fingerprint,
        added_by_id=getattr(added_by, "id", None),
    )
    try:
        with session.begin_nested():
            session.add(employee)
    except IntegrityError:  # the same id or NIK, committed meanwhile by another request
        if data.get("id") is not None and (found := session.get(EmployerWorker, data["id"])):
            return _replay(found, fingerprint)
        _refuse_twice(session, employer, nik)
        raise Conflict(
            "employers.worker_id_conflict", {"json": {"id": ["employers.worker_id_conflict"]}}
        ) from None
    session.expire(employer, ["workers"])  # a quote next reads them with this one
    record_many(session, Actor.current(), [("create", "employer_worker", employee.id)])
    return EmployeeAdded(employee, True, warnings)


def _checked_nik(data: dict, today: date) -> tuple[str, list[dict]]:
    nik = data["nik"].strip()
    errors: dict[str, list[str]] = {}
    if data["birth_date"] > today:
        errors["birth_date"] = ["workers.birth_future"]
    check = check_nik(
        nik,
        today=today,
        birth_date=data["birth_date"],
        gender=data["gender"],
        province_known=province_code_known,
    )
    if check.errors:
        errors["nik"] = check.errors
    if errors:
        raise ValidationFailed("http.422", {"json": errors})
    return nik, [{"code": "nik_province_unknown", "message": w} for w in check.warnings]


def _refuse_twice(session: Session, employer: Employer, nik: str) -> None:
    existing = session.scalar(
        select(EmployerWorker.id).where(
            EmployerWorker.employer_id == employer.id, EmployerWorker.nik == nik
        )
    )
    if existing is not None:
        raise Conflict(
            "employers.worker_twice",
            {"json": {"nik": ["employers.worker_twice"]}},
            extra={"employer_worker_id": str(existing)},
        )


def _replay(existing: EmployerWorker, fingerprint: str) -> EmployeeAdded:
    if existing.request_hash != fingerprint:
        raise Conflict(
            "employers.worker_id_conflict", {"json": {"id": ["employers.worker_id_conflict"]}}
        )
    return EmployeeAdded(existing, False)


def elsewhere(session: Session, scope: Scope, employer: Employer, nik: str) -> list[dict]:
    """Where else this person is insured: a BPU participant (the membership number where the
    caller may see that participant), a worker of another employer."""
    found = []
    participant = session.scalar(select(Worker).where(Worker.nik == nik))
    if participant is not None:
        found.append(
            {
                "code": "also_bpu",
                "message": "employers.also_bpu",
                "membership_number": (
                    participant.membership_number if scope.sees_worker(participant) else None
                ),
            }
        )
    other = session.scalar(
        select(EmployerWorker.id)
        .where(EmployerWorker.nik == nik, EmployerWorker.employer_id != employer.id)
        .limit(1)
    )
    if other is not None:
        found.append({"code": "other_employer", "message": "employers.other_employer"})
    return found


def bpu_niks(session: Session, niks) -> set[str]:
    """Which of these NIKs are BPU participants (one query for a list of workers)."""
    niks = set(niks)
    if not niks:
        return set()
    return set(session.scalars(select(Worker.nik).where(Worker.nik.in_(niks))))
