"""The agent page: an agent's 12-month trend, its participants by status, the registration map
points and the renewal backlog.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai.agents.models import Agent
from perisai.auth.permissions import Scope
from perisai.months import Month
from perisai.reports.figures import FIGURES, TREND_MONTHS
from perisai.reports.models import AgentMonth
from perisai.reports.rollups import ensure_rollups
from perisai.workers.models import GRACE_MONTHS, Worker, status_case


def agent_trend(session: Session, scope: Scope, agent: Agent, month: Month) -> list[dict]:
    """The agent's figures for the 12 months to `month`; only the rollups of the agent's
    branch are brought up to date, also for an admin who chose no branch."""
    months = [month - i for i in range(TREND_MONTHS - 1, -1, -1)]
    ensure_rollups(session, months, scope.within(agent.wadah.branch_id))
    rows = session.execute(
        select(AgentMonth.month, *[func.sum(getattr(AgentMonth, n)) for n in FIGURES])
        .where(AgentMonth.agent_id == agent.id, AgentMonth.month.in_(months))
        .group_by(AgentMonth.month)
    ).all()
    by_month = {r[0]: {n: int(v or 0) for n, v in zip(FIGURES, r[1:], strict=True)} for r in rows}
    empty = dict.fromkeys(FIGURES, 0)
    return [{"month": m, **by_month.get(m, empty)} for m in months]


def status_counts(session: Session, agent: Agent, month: Month) -> dict[str, int]:
    """The agent's managed participants by status now (from covered_until, as of `month`)."""
    status = status_case(month)  # the participants' own rule
    counts = dict.fromkeys(("registered", "active", "grace", "ended"), 0)
    for name, count in session.execute(
        select(status, func.count()).where(Worker.managed_by_id == agent.id).group_by(status)
    ):
        counts[name] = int(count)
    return counts


def map_points(session: Session, agent: Agent, limit: int = 2000) -> list[dict]:
    """Registration points (GPS) of the agent's participants; no names or NIK."""
    rows = session.execute(
        select(Worker.lat, Worker.lon, Worker.covered_until)
        .where(Worker.registered_by_id == agent.id, Worker.lat.isnot(None))
        .order_by(Worker.created_at.desc())
        .limit(limit)
    )
    return [
        {"lat": lat, "lon": lon, "covered_until": str(c) if c else None} for lat, lon, c in rows
    ]


def renewal_backlog(session: Session, agent: Agent, month: Month, limit: int = 100) -> list:
    """Managed participants due this month or in grace (arrears still payable), oldest first."""
    return session.scalars(
        select(Worker)
        .where(
            Worker.managed_by_id == agent.id,
            Worker.died_on.is_(None),  # no payment request after a death (DOMAIN.md §10)
            Worker.covered_until.between(month - GRACE_MONTHS, month),
        )
        .order_by(Worker.covered_until, Worker.full_name)
        .limit(limit)
    ).all()
