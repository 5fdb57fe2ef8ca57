"""Coverage by region: registered and active participants per regency (or district) against
the workforce estimate (perisai.reports.estimates uploads the estimates), and the employers
registered there with their workers against the workers the labour office reported (PU,
perisai.employers and perisai.compliance; reported figures exist per regency only).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai.auth.permissions import Scope
from perisai.compliance.models import Headcount, HeadcountList
from perisai.employers.models import Employer, EmployerWorker
from perisai.months import Month
from perisai.regions.operations import names_of
from perisai.reports.figures import ratio
from perisai.reports.models import DistrictMonth, WorkforceEstimate
from perisai.reports.rollups import ensure_rollups


@dataclass
class RegionRow:
    code: str
    name: str
    registered: int
    active: int
    estimate: int | None
    employers: int = 0
    employer_workers: int = 0
    reported_workers: int | None = None  # the labour office's newest list (regencies only)

    @property
    def coverage(self) -> float | None:
        return ratio(self.active, self.estimate) if self.estimate else None

    @property
    def registered_coverage(self) -> float | None:
        return ratio(self.registered, self.estimate) if self.estimate else None


def regions(
    session: Session,
    scope: Scope,
    month: Month,
    *,
    level: str = "regency",
    parent: str | None = None,
) -> list[RegionRow]:
    """Registered and active participants per regency (or district of `parent`) against the
    workforce estimate, ranked by active coverage (regions without an estimate last)."""
    ensure_rollups(session, [month], scope)
    width = 5 if level == "regency" else 8
    code = func.substr(DistrictMonth.district_code, 1, width)
    stmt = (
        select(code, func.sum(DistrictMonth.registered), func.sum(DistrictMonth.active))
        .where(DistrictMonth.month == month, scope.branches(DistrictMonth.branch_id))
        .group_by(code)
    )
    if parent:
        stmt = stmt.where(DistrictMonth.district_code.like(f"{parent}.%"))
    sums = {c: (int(r or 0), int(a or 0)) for c, r, a in session.execute(stmt)}
    employers = employer_coverage(session, scope, width, parent)
    reported = reported_workers(session, scope) if level == "regency" else {}
    codes = list(sums) + [c for c in employers if c not in sums]
    names = names_of(session, codes)
    estimates = dict(
        session.execute(
            select(WorkforceEstimate.region_code, WorkforceEstimate.informal_workers).where(
                WorkforceEstimate.region_code.in_(codes)
            )
        ).all()
    )
    rows = [
        RegionRow(
            code,
            names.get(code, code),
            *sums.get(code, (0, 0)),
            estimates.get(code),
            *employers.get(code, (0, 0)),
            reported.get(code),
        )
        for code in codes
    ]
    rows.sort(key=lambda r: (r.coverage is None, -(r.coverage or 0), -r.active, r.code))
    return rows


def employer_coverage(
    session: Session, scope: Scope, width: int, parent: str | None
) -> dict[str, tuple[int, int]]:
    """Region code → (employers registered, their registered workers)."""
    code = func.substr(Employer.village_code, 1, width)
    workers = (
        select(EmployerWorker.employer_id, func.count().label("workers"))
        .group_by(EmployerWorker.employer_id)
        .subquery()
    )
    stmt = (
        select(code, func.count(Employer.id), func.coalesce(func.sum(workers.c.workers), 0))
        .outerjoin(workers, workers.c.employer_id == Employer.id)
        .where(scope.branches(Employer.branch_id))
        .group_by(code)
    )
    if parent:
        stmt = stmt.where(Employer.village_code.like(f"{parent}.%"))
    return {c: (int(n), int(w)) for c, n, w in session.execute(stmt)}


def reported_workers(session: Session, scope: Scope) -> dict[str, int]:
    """Regency code → the workers the labour office reported in each branch's newest list."""
    newest = (
        select(func.max(HeadcountList.id))
        .where(scope.branches(HeadcountList.branch_id))
        .group_by(HeadcountList.branch_id)
    )
    stmt = (
        select(Headcount.regency_code, func.sum(Headcount.reported_workers))
        .where(Headcount.list_id.in_(newest))
        .group_by(Headcount.regency_code)
    )
    return {c: int(n) for c, n in session.execute(stmt)}
