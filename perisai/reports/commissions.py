"""What the reports show of commissions, read from perisai.commissions (never computed here):
what a month's closed statements owe, and a Wadah's fee for the month.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai.agents.models import Wadah
from perisai.auth.permissions import Scope
from perisai.commissions.close import last_closed_months
from perisai.commissions.estimates import agent_months
from perisai.commissions.models import CommissionStatement
from perisai.errors import DomainError
from perisai.months import Month


def commissions_due(session: Session, scope: Scope, month: Month) -> tuple[int | None, str]:
    """What the closed statements of the month owe (agents' total + Wadah fee).

    A month still open owes nothing yet: its running estimate is per agent on the leaderboard
    (and on the commissions statements), not summed here, because estimating a whole branch
    costs more than the rest of the overview together.
    """
    total = session.scalar(
        select(
            func.coalesce(func.sum(CommissionStatement.total + CommissionStatement.wadah_fee), 0)
        ).where(
            CommissionStatement.month == month,
            scope.branches(CommissionStatement.branch_id),
        )
    )
    branch_id = scope.one_branch_id
    if branch_id is None:
        return int(total), "reports.commissions_closed_only"
    last = last_closed_months(session, [branch_id]).get(branch_id)
    if last is not None and month <= last:
        return int(total), "reports.commissions_closed"
    return int(total), "reports.commissions_open"


def wadah_fee(session: Session, wadah: Wadah, month: Month) -> int | None:
    """The Wadah's fee for the month: 10 % of its agents' incentive (closed or estimated)."""
    try:
        return sum(m.figures["wadah_fee"] for m in agent_months(session, month, list(wadah.agents)))
    except DomainError:
        return None
