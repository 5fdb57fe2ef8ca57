"""The overview page: the month's figures against last month and the Wadah targets, with a
12-month trend and what the month's commissions owe (perisai.reports.commissions).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai.agents.models import Wadah
from perisai.auth.permissions import Scope
from perisai.months import Month
from perisai.reports.commissions import commissions_due
from perisai.reports.figures import OVERVIEW_FIGURES, TREND_MONTHS
from perisai.reports.models import BranchMonth
from perisai.reports.rollups import ensure_rollups


@dataclass
class Overview:
    month: Month
    current: dict
    previous: dict
    target: int
    trend: list[dict]
    commissions_due: int | None
    registered_total: int = 0
    commissions_note: str = ""


def overview(session: Session, scope: Scope, month: Month) -> Overview:
    """The month's figures against last month and the Wadah targets, with a 12-month trend."""
    months = [month - i for i in range(TREND_MONTHS - 1, -1, -1)]
    ensure_rollups(session, [month - TREND_MONTHS, *months], scope)
    names = (*OVERVIEW_FIGURES, "registered_total")
    rows = session.execute(
        select(BranchMonth.month, *[func.sum(getattr(BranchMonth, n)) for n in names])
        .where(BranchMonth.month.between(month - TREND_MONTHS, month))
        .where(scope.branches(BranchMonth.branch_id))
        .group_by(BranchMonth.month)
    ).all()
    by_month = {
        row[0]: {n: int(v or 0) for n, v in zip(names, row[1:], strict=True)} for row in rows
    }
    empty = dict.fromkeys(names, 0)
    trend = [{"month": m, **by_month.get(m, empty)} for m in months]
    target = session.scalar(
        select(func.coalesce(func.sum(Wadah.monthly_target), 0)).where(
            Wadah.status == "active", scope.branches(Wadah.branch_id)
        )
    )
    due, note = commissions_due(session, scope, month)
    current = by_month.get(month, empty)
    return Overview(
        month=month,
        current=current,
        previous=by_month.get(month - 1, empty),
        target=int(target or 0),
        trend=trend,
        commissions_due=due,
        registered_total=current["registered_total"],
        commissions_note=note,
    )
