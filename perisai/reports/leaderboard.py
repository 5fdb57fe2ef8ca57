"""The agents report (`GET /api/v1/reports/agents`, the supervisor leaderboard): every agent of
the scope's branches (`Scope.agents()`) ranked for a month, a page at a time, with commission,
last activity, flags and the share of the month's cash the bank has settled.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.agents.models import Agent, Wadah
from perisai.auth.permissions import Scope
from perisai.cash.overview import settled_shares, share
from perisai.commissions.estimates import agent_months
from perisai.commissions.standing import flag_reasons
from perisai.errors import DomainError
from perisai.months import Month
from perisai.quality.shares import QualityShare, quality_shares
from perisai.reports.figures import FIGURES, ratio
from perisai.reports.models import AgentMonth
from perisai.reports.rollups import ensure_rollups

SORTS = {
    "rank": None,
    "new_participants": "new_participants",
    "first_payments": "first_payments",
    "first_payment_rate": "first_payment_rate",
    "active_participants": "active_participants",
    "retention_3": "retention_3",
    "retention_6": "retention_6",
    "retention_12": "retention_12",
    "collected_amount": "collected_amount",
    "agent_code": "agent_code",
    "name": "name",
}
AGENT_STATUSES = ("active", "suspended", "terminated")


@dataclass
class AgentRow:
    rank: int
    agent: Agent
    wadah: Wadah
    figures: dict
    commission_total: int | None = None
    last_activity_on: date | None = None
    flags: list[str] = field(default_factory=list)
    as_of: date | None = None  # the day days_since_last_activity counts to (as_of_day)
    cash_collected: int = 0  # cash the agent took in the month (in its custody)
    cash_settled: int = 0  # of which the bank has settled (perisai.cash.settlement)
    quality: QualityShare = field(default_factory=QualityShare)  # the month's registrations

    @property
    def flagged_rate(self) -> float | None:
        return self.quality.rate(self.quality.flagged)

    @property
    def confirmed_rate(self) -> float | None:
        return self.quality.rate(self.quality.confirmed)

    @property
    def cleared_rate(self) -> float | None:
        return self.quality.rate(self.quality.cleared)

    @property
    def settlement_rate(self) -> float | None:
        return share(self.cash_settled, self.cash_collected)

    def retention(self, lag: int) -> float | None:
        return ratio(self.figures[f"retained_{lag}"], self.figures[f"acquired_{lag}"])

    @property
    def retention_rate(self) -> float | None:
        return self.retention(0)

    @property
    def retention_3(self) -> float | None:
        return self.retention(3)

    @property
    def retention_6(self) -> float | None:
        return self.retention(6)

    @property
    def retention_12(self) -> float | None:
        return self.retention(12)

    @property
    def days_since_last_activity(self) -> int | None:
        return self.days_since_activity(self.as_of) if self.as_of else None

    @property
    def first_payment_rate(self) -> float | None:
        return ratio(self.figures["acquired_0"], self.figures["registered_total"])

    def days_since_activity(self, as_of: date) -> int | None:
        return (as_of - self.last_activity_on).days if self.last_activity_on else None


def _month_sums(month: Month, scope: Scope, names, agent_ids=None):
    """Per agent, the sums of `names` over the agent's rollup rows of the month (an agent who
    moved branch has a row in each)."""
    stmt = (
        select(
            AgentMonth.agent_id.label("agent_id"),
            *[func.sum(getattr(AgentMonth, n)).label(n) for n in names],
        )
        .where(AgentMonth.month == month, AgentMonth.agent_id.isnot(None))
        .where(scope.branches(AgentMonth.branch_id))
        .group_by(AgentMonth.agent_id)
    )
    if agent_ids is not None:
        stmt = stmt.where(AgentMonth.agent_id.in_(agent_ids))
    return stmt


def _share(sums, part: str, whole: str):
    whole_col = func.coalesce(getattr(sums.c, whole), 0)
    return case((whole_col > 0, func.coalesce(getattr(sums.c, part), 0) * 1.0 / whole_col))


RANK_FIGURES = ("active_participants", "collected_amount", "first_payments")
SORT_NEEDS = {
    "first_payment_rate": ("acquired_0", "registered_total"),
    **{f"retention_{n}": (f"retained_{n}", f"acquired_{n}") for n in (3, 6, 12)},
}


def _agents_in_scope(scope: Scope, *, wadah_id=None, status=None):
    stmt = scope.agents().add_columns(Wadah)
    if wadah_id:
        stmt = stmt.where(Agent.wadah_id == wadah_id)
    if status:
        stmt = stmt.where(Agent.status == status)
    return stmt


def leaderboard_query(
    month: Month, scope: Scope, *, wadah_id=None, status=None, sort="rank", descending=True
):
    """Every agent of the branches (also those without a single figure this month), ranked:
    (Agent, Wadah) rows in order. Only the figures the order needs are summed here; a page's
    full figures are read for its agents alone (`_page_figures`).

    The rank rewards paying participants, not registrations: active participants, then money
    collected, then first payments; registrations that never pay add nothing.
    """
    key = SORTS.get(sort)
    names = dict.fromkeys([*RANK_FIGURES, *SORT_NEEDS.get(key, (key,) if key in FIGURES else ())])
    sums = _month_sums(month, scope, list(names)).subquery()
    c = {n: func.coalesce(getattr(sums.c, n), 0) for n in names}
    rank_order = [
        c["active_participants"].desc(),
        c["collected_amount"].desc(),
        c["first_payments"].desc(),
        Agent.agent_code,
    ]
    stmt = _agents_in_scope(scope, wadah_id=wadah_id, status=status).outerjoin(
        sums, sums.c.agent_id == Agent.id
    )
    if key is None:
        return stmt.order_by(*rank_order)
    if key in SORT_NEEDS:
        column = _share(sums, *SORT_NEEDS[key])
    else:
        column = {"agent_code": Agent.agent_code, "name": Agent.full_name}.get(key, c.get(key))
    ordered = column.desc() if descending else column.asc()
    nulls = case((column.is_(None), 1), else_=0)
    return stmt.order_by(nulls, ordered, *rank_order)


def _page_figures(session: Session, month: Month, scope: Scope, agent_ids) -> dict[int, dict]:
    rows = session.execute(_month_sums(month, scope, FIGURES, agent_ids)).all()
    return {row[0]: {n: int(v or 0) for n, v in zip(FIGURES, row[1:], strict=True)} for row in rows}


def leaderboard(
    session: Session,
    scope: Scope,
    month: Month,
    *,
    page: int = 1,
    page_size: int = 50,
    with_commissions: bool = True,
    **filters,
) -> tuple[list[AgentRow], int]:
    """One page of ranked agents with commission, last activity and standing flags."""
    ensure_rollups(session, [month], scope)
    chosen = {k: filters.get(k) for k in ("wadah_id", "status")}
    counted = _agents_in_scope(scope, **chosen).with_only_columns(func.count(Agent.id))
    total = session.scalar(counted)
    stmt = leaderboard_query(month, scope, **filters)
    rows = session.execute(stmt.limit(page_size).offset((page - 1) * page_size)).all()
    figures = _page_figures(session, month, scope, [agent.id for agent, _ in rows])
    empty = dict.fromkeys(FIGURES, 0)
    out = [
        AgentRow(
            rank=(page - 1) * page_size + i + 1,
            agent=agent,
            wadah=wadah,
            figures=dict(figures.get(agent.id, empty)),
        )
        for i, (agent, wadah) in enumerate(rows)
    ]
    decorate(session, out, month, with_commissions=with_commissions)
    return out, total


def iter_leaderboard(session: Session, scope: Scope, month: Month, chunk: int = 500, **filters):
    """Every ranked agent, a chunk at a time (exports)."""
    page = 1
    while True:
        rows, total = leaderboard(session, scope, month, page=page, page_size=chunk, **filters)
        yield from rows
        if page * chunk >= total:
            return
        page += 1


def decorate(session: Session, rows: list[AgentRow], month: Month, *, with_commissions=True):
    """Commission (closed statement or running estimate), last activity, flags and cash
    settled: one query each for the page."""
    if not rows:
        return
    ids = [r.agent.id for r in rows]
    last = dict(
        session.execute(
            select(AgentMonth.agent_id, func.max(AgentMonth.last_activity_on))
            .where(AgentMonth.agent_id.in_(ids), AgentMonth.month <= month)
            .group_by(AgentMonth.agent_id)
        ).all()
    )
    flags = {
        agent_id: [f"{kind}:{reason}" for kind, reason in reasons]
        for agent_id, reasons in flag_reasons(session, month, ids).items()
    }
    commissions = {}
    if with_commissions:
        try:
            commissions = {
                m.agent.id: m.figures["total"]
                for m in agent_months(session, month, [r.agent for r in rows])
            }
        except DomainError:
            commissions = {}
    cash = settled_shares(session, ids, month)
    quality = quality_shares(session, ids, month)
    for row in rows:
        row.quality = quality.get(row.agent.id, QualityShare())
        row.cash_collected, row.cash_settled = cash.get(row.agent.id, (0, 0))
        row.last_activity_on = last.get(row.agent.id)
        row.commission_total = commissions.get(row.agent.id)
        row.flags = list(flags.get(row.agent.id, []))
        if row.agent.status != "active":
            row.flags.insert(0, f"status:{row.agent.status}")
        if row.figures["registered_total"] and not row.figures["acquired_0"]:
            row.flags.append("registrations_never_paid")


def as_of_day(month: Month, zone: str | None = None) -> date:
    """The day 'days since last activity' counts to: today in this month, else its last day."""
    today = clock.today(zone)
    return today if Month.of(today) == month else month.last_day()
