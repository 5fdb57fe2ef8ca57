"""The gap report (API.md `GET /api/v1/compliance/gaps`): per employer of the branch's newest
list, the workers the labour office reported, the workers registered with us and the gap
between them, largest first; per regency, the same added up.

An employer matched by two rows of a list is one line (the rows' reported workers added up);
a row not matched (no match, a proposal not confirmed yet, a rejected one) is a line of its
own with no registration number and no registered workers. Registered workers are counted
when the report is read, so a worker registered after a visit closes the gap at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from perisai.auth.permissions import Scope
from perisai.compliance.access import list_or_404, visible_lists
from perisai.compliance.models import ComplianceVisit, Headcount, HeadcountList
from perisai.employers.models import Employer, EmployerWorker


def current_list_ids(session: Session, scope: Scope, list_id: int | None = None) -> list[int]:
    """The list asked for, or the newest list of each branch in scope."""
    if list_id is not None:
        return [list_or_404(session, scope, list_id).id]
    newest = (
        select(func.max(HeadcountList.id))
        .where(visible_lists(scope))
        .group_by(HeadcountList.branch_id)
    )
    return list(session.scalars(newest))


def gap_query(list_ids: list[int], regency_code: str | None = None) -> Select:
    """One line per matched employer or unmatched row, largest gap first."""
    registered = (
        select(EmployerWorker.employer_id, func.count().label("workers"))
        .group_by(EmployerWorker.employer_id)
        .subquery()
    )
    lone_row = case((Headcount.employer_id.is_(None), Headcount.id), else_=None)
    reported = func.sum(Headcount.reported_workers)
    counted = func.coalesce(func.max(registered.c.workers), 0)
    name = func.coalesce(func.max(Employer.name), func.max(Headcount.employer_name))
    stmt = (
        select(
            func.min(Headcount.id).label("headcount_id"),
            name.label("employer_name"),
            func.max(Employer.registration_number).label("registration_number"),
            Headcount.employer_id.label("employer_id"),
            func.min(Headcount.regency_code).label("regency_code"),
            func.min(Headcount.state).label("state"),
            reported.label("reported_workers"),
            counted.label("registered_workers"),
            (reported - counted).label("gap"),
        )
        .select_from(Headcount)
        .outerjoin(Employer, Employer.id == Headcount.employer_id)
        .outerjoin(registered, registered.c.employer_id == Headcount.employer_id)
        .where(Headcount.list_id.in_(list_ids))
        .group_by(Headcount.employer_id, lone_row)
        .order_by((reported - counted).desc(), name, func.min(Headcount.id))
    )
    if regency_code:
        stmt = stmt.where(Headcount.regency_code == regency_code)
    return stmt


@dataclass
class GapLine:
    headcount_id: int
    employer_name: str
    registration_number: str | None
    employer_id: object
    regency_code: str
    state: str
    reported_workers: int
    registered_workers: int
    gap: int
    visit: ComplianceVisit | None = None


def gap_lines(session: Session, stmt: Select) -> list[GapLine]:
    """The lines of a (paginated) gap query, with the visit planned for each, if any."""
    lines = [GapLine(**row._mapping) for row in session.execute(stmt)]
    ids = [line.headcount_id for line in lines]
    if ids:
        visits = session.scalars(
            select(ComplianceVisit).where(ComplianceVisit.headcount_id.in_(ids))
        )
        by_row = {visit.headcount_id: visit for visit in visits}
        for line in lines:
            line.visit = by_row.get(line.headcount_id)
    return lines


def gap_page(session: Session, stmt: Select, args: dict) -> tuple[list[GapLine], dict]:
    """One page of gap lines and the X-Pagination header of API.md."""
    page, size = args["page"], args["page_size"]
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    lines = gap_lines(session, stmt.limit(size).offset((page - 1) * size))
    header = json.dumps({"total": total, "page": page, "page_size": size})
    return lines, {"X-Pagination": header}


def regency_totals(session: Session, list_ids: list[int]) -> list[dict]:
    """Per regency of the lists: lines, reported and registered workers, the gap, largest
    gap first (what the page shows above the lines, and the branch's total last)."""
    lines = gap_query(list_ids).order_by(None).subquery()
    stmt = (
        select(
            lines.c.regency_code,
            func.count().label("employers"),
            func.sum(lines.c.reported_workers).label("reported_workers"),
            func.sum(lines.c.registered_workers).label("registered_workers"),
            func.sum(lines.c.gap).label("gap"),
        )
        .group_by(lines.c.regency_code)
        .order_by(func.sum(lines.c.gap).desc(), lines.c.regency_code)
    )
    return [dict(row._mapping) for row in session.execute(stmt)]


EXPORT_COLUMNS = [
    "employer_name",
    "registration_number",
    "regency_code",
    "match",
    "reported_workers",
    "registered_workers",
    "gap",
]


def export_rows(session: Session, stmt: Select):
    for row in session.execute(stmt):
        yield [
            row.employer_name,
            row.registration_number,
            row.regency_code,
            row.state,
            row.reported_workers,
            row.registered_workers,
            row.gap,
        ]
