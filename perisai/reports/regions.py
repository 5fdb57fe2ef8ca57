"""Coverage by region: registered and active participants per regency (or district) against
the workforce estimate (perisai.reports.estimates uploads the estimates).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai.auth.permissions import Scope
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
    codes = list(sums)
    names = names_of(session, codes)
    estimates = dict(
        session.execute(
            select(WorkforceEstimate.region_code, WorkforceEstimate.informal_workers).where(
                WorkforceEstimate.region_code.in_(codes)
            )
        ).all()
    )
    rows = [
        RegionRow(code, names.get(code, code), *sums[code], estimates.get(code)) for code in codes
    ]
    rows.sort(key=lambda r: (r.coverage is None, -(r.coverage or 0), -r.active, r.code))
    return rows
