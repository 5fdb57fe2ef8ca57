"""Employer lists and figures read for many employers at once (worker counts, BPU NIKs)."""

from __future__ import annotations

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from perisai.auth.permissions import Scope
from perisai.employers.access import visible
from perisai.employers.identifiers import digits_of
from perisai.employers.models import Employer, EmployerWorker
from perisai.employers.names import name_key


def employer_list(scope: Scope, *, q: str | None = None, regency_code: str | None = None) -> Select:
    """The employers the scope sees, by name; `q` a part of the name, a registration number,
    NIB or NPWP."""
    stmt = (
        select(Employer)
        .options(selectinload(Employer.registered_by), selectinload(Employer.managed_by))
        .where(visible(scope))
        .order_by(Employer.name_key, Employer.id)
    )
    if regency_code:
        stmt = stmt.where(Employer.regency_code == regency_code)
    if q and q.strip():
        digits = digits_of(q.strip())
        clauses = [Employer.name_key.contains(name_key(q), autoescape=True)]
        if digits.isdigit():
            clauses += [
                Employer.registration_number == digits,
                Employer.nib == digits,
                Employer.npwp.in_([digits, "0" + digits]),
            ]
        stmt = stmt.where(or_(*clauses))
    return stmt


def worker_counts(session: Session, employer_ids) -> dict:
    """employer id → how many workers it registered (0 when none)."""
    ids = list(employer_ids)
    if not ids:
        return {}
    counts = dict(
        session.execute(
            select(EmployerWorker.employer_id, func.count())
            .where(EmployerWorker.employer_id.in_(ids))
            .group_by(EmployerWorker.employer_id)
        ).all()
    )
    return {employer_id: counts.get(employer_id, 0) for employer_id in ids}


def employees_of(employer: Employer) -> Select:
    return (
        select(EmployerWorker)
        .where(EmployerWorker.employer_id == employer.id)
        .order_by(EmployerWorker.full_name, EmployerWorker.id)
    )
