"""The supervisor's view of its agents' cash (`GET /api/v1/cash/agents`, the "Kas agen" page):
per agent of the scope, the cash in hand and how old it is, whether the agent is blocked, the
deposits the bank has not confirmed and the share of this month's cash it has settled.

A branch has thousands of agents, so this is a few set-based statements for the whole scope,
not one position per agent; the figures are those of the one agent's view
(perisai.cash.position), which stays the rule: cash in hand is the cash collected less every
deposit not rejected, the cash in hand is the newest cash (deposits cover the oldest first), and
the block is judged by `Position.block_on` itself.

Only the agent's newest cash is read payment by payment: everything before its oldest unsettled
payment is settled, and settled cash never exceeds what confirmed deposits brought in
(perisai.cash.settlement), so none of it can still be in hand. An agent whose cash is all settled
has none in hand.

"Today" and "this month" are each agent's branch's (DOMAIN.md §7): the three zones' dates go into
the statement as a CASE on the branch's zone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Date, case, exists, func, literal, select, true
from sqlalchemy.orm import Session

from perisai import clock, zones
from perisai.agents.models import Agent, Branch, Wadah
from perisai.auth.permissions import Scope
from perisai.cash.limits import limits_for_branch
from perisai.cash.models import CashLimit, Deposit
from perisai.cash.position import Cash, Position
from perisai.contributions.models import Payment, PaymentReversal
from perisai.months import Month

SORTS = ("cash_in_hand", "unsettled_since")
# Ageing of the cash in hand by its age in days: (name, the youngest age in the bucket).
BUCKETS = (("days_0_2", 0), ("days_3_7", 3), ("days_over_7", 8))


@dataclass
class AgentCash:
    agent: Agent
    wadah: Wadah
    position: Position  # enough of it to judge the block (not the list of open cash)
    ageing: dict[str, int]
    month_cash: int  # cash collected this month
    month_settled: int  # of which the bank has settled

    @property
    def cash_in_hand(self) -> int:
        return self.position.cash_in_hand

    @property
    def unsettled_since(self) -> date | None:
        return self.position.unsettled_since

    @property
    def blocked(self) -> bool:
        return self.position.blocked

    @property
    def block_reason(self) -> str | None:
        return self.position.block_reason

    @property
    def settlement_rate(self) -> float | None:
        return share(self.month_settled, self.month_cash)


def share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _by_zone(zone_column, todays: dict[str, date], day_of=lambda today: today):
    """A date per branch: `day_of` its zone's today (WIB's when unknown)."""
    days = {zone: literal(day_of(today), Date) for zone, today in todays.items()}
    return case(days, value=zone_column, else_=days[clock.DEFAULT_ZONE])


def _standing():
    p = Payment
    return (
        p.custodian_id.is_not(None),
        p.state != "rejected",
        ~exists().where(PaymentReversal.payment_id == p.id),
    )


def _agents_of(scope: Scope):
    return scope.agents().with_only_columns(Agent.id)


def _totals(scope: Scope, todays: dict[str, date]):
    """Per agent: all its cash that stands, what is unsettled and since when, this month's
    cash and how much of it is settled, and its branch's zone."""
    p = Payment
    zone = Branch.time_zone
    month_from = _by_zone(zone, todays, lambda today: today.replace(day=1))
    month_to = _by_zone(zone, todays, lambda today: (Month.of(today) + 1).first_day())
    this_month = (p.paid_on >= month_from) & (p.paid_on < month_to)
    unsettled = p.settled_at.is_(None)
    return (
        select(
            p.custodian_id.label("agent_id"),
            func.max(zone).label("zone"),
            func.sum(p.amount).label("collected"),
            func.coalesce(func.sum(p.amount).filter(unsettled), 0).label("unsettled"),
            func.count().filter(unsettled).label("unsettled_payments"),
            func.min(p.paid_on).filter(unsettled).label("first_unsettled"),
            func.coalesce(func.sum(p.amount).filter(this_month), 0).label("month_cash"),
            func.coalesce(func.sum(p.amount).filter(this_month & ~unsettled), 0).label(
                "month_settled"
            ),
        )
        .join(Agent, Agent.id == p.custodian_id)
        .join(Wadah, Wadah.id == Agent.wadah_id)
        .join(Branch, Branch.id == Wadah.branch_id)
        .where(*_standing(), scope.where(branch=Wadah.branch_id, agents=(Agent.id,)))
        .group_by(p.custodian_id)
        .cte("totals")
    )


def _deposits(scope: Scope):
    d = Deposit
    return (
        select(
            d.agent_id,
            func.coalesce(func.sum(d.amount).filter(d.state != "rejected"), 0).label("deposited"),
            func.coalesce(func.sum(d.amount).filter(d.state == "recorded"), 0).label("unconfirmed"),
        )
        .where(d.agent_id.in_(_agents_of(scope)))
        .group_by(d.agent_id)
        .cte("deposits")
    )


def _ageing(scope: Scope, todays: dict[str, date], totals, deposits):
    """Per agent: the cash in hand by age, and the day of its oldest (up to today)."""
    p = Payment
    order = (p.paid_on, p.created_at, p.id)
    # the running total of all the agent's cash: what comes before the newest cash, plus it
    before = totals.c.collected - func.sum(p.amount).over(partition_by=p.custodian_id)
    newest = (
        select(
            p.custodian_id.label("agent_id"),
            p.paid_on,
            p.amount,
            totals.c.zone,
            (before + func.sum(p.amount).over(partition_by=p.custodian_id, order_by=order)).label(
                "running"
            ),
        )
        .join(totals, totals.c.agent_id == p.custodian_id)
        .where(
            *_standing(),
            # the scope's agents again, as the planner can count them: read by their index
            # rather than every agent's cash scanned
            p.custodian_id.in_(_agents_of(scope)),
            p.paid_on >= totals.c.first_unsettled,
        )
        .subquery("newest")
    )
    deposited = func.coalesce(deposits.c.deposited, 0)
    left = newest.c.running - deposited  # deposits cover the running total from the oldest
    in_hand = case((newest.c.amount < left, newest.c.amount), else_=left)

    def days_ago(days: int):
        return _by_zone(newest.c.zone, todays, lambda today: today - timedelta(days=days))

    columns = []
    for (name, youngest), older in zip(BUCKETS, [*BUCKETS[1:], None], strict=True):
        condition = newest.c.paid_on <= days_ago(youngest) if youngest else true()
        if older is not None:
            condition = condition & (newest.c.paid_on > days_ago(older[1]))
        columns.append(func.coalesce(func.sum(in_hand).filter(condition), 0).label(name))
    return (
        select(
            newest.c.agent_id,
            func.min(newest.c.paid_on).filter(newest.c.paid_on <= days_ago(0)).label("oldest"),
            *columns,
        )
        .outerjoin(deposits, deposits.c.agent_id == newest.c.agent_id)
        .where(newest.c.running > deposited)
        .group_by(newest.c.agent_id)
        .subquery("ageing")
    )


def agents_cash_query(scope: Scope, sort: str = "cash_in_hand"):
    """(Agent, Wadah, figures…) of every agent of the scope: most cash in hand first, or
    (`unsettled_since`) the oldest cash in hand first, where those the age limit blocks are."""
    todays = {zone: clock.today(zone) for zone in clock.ZONES}  # one instant for every branch
    totals, deposits = _totals(scope, todays), _deposits(scope)
    ageing = _ageing(scope, todays, totals, deposits)
    collected = func.coalesce(totals.c.collected, 0)
    deposited = func.coalesce(deposits.c.deposited, 0)
    in_hand = collected - deposited
    stmt = (
        scope.agents()
        .add_columns(
            Wadah,
            collected.label("collected"),
            deposited.label("deposited"),
            func.coalesce(deposits.c.unconfirmed, 0).label("unconfirmed"),
            func.coalesce(totals.c.unsettled, 0).label("unsettled"),
            func.coalesce(totals.c.unsettled_payments, 0).label("unsettled_payments"),
            func.coalesce(totals.c.month_cash, 0).label("month_cash"),
            func.coalesce(totals.c.month_settled, 0).label("month_settled"),
            ageing.c.oldest,
            *[func.coalesce(getattr(ageing.c, name), 0).label(name) for name, _ in BUCKETS],
        )
        .outerjoin(totals, totals.c.agent_id == Agent.id)
        .outerjoin(deposits, deposits.c.agent_id == Agent.id)
        .outerjoin(ageing, ageing.c.agent_id == Agent.id)
    )
    oldest = (case((ageing.c.oldest.is_(None), 1), else_=0), ageing.c.oldest)
    if sort == "unsettled_since":
        return stmt.order_by(*oldest, in_hand.desc(), Agent.agent_code)
    return stmt.order_by(in_hand.desc(), *oldest, Agent.agent_code)


def agents_cash(
    session: Session,
    scope: Scope,
    *,
    page: int = 1,
    page_size: int = 50,
    sort: str = "cash_in_hand",
) -> tuple[list[AgentCash], int]:
    """One page of the scope's agents with their cash, and how many agents there are."""
    total = session.scalar(scope.agents().with_only_columns(func.count(Agent.id)))
    stmt = agents_cash_query(scope, sort).limit(page_size).offset((page - 1) * page_size)
    rows = session.execute(stmt).all()
    limits = _limits(session, [(row.Agent, row.Wadah) for row in rows])
    return [_agent_cash(row, *limits[row.Agent.id]) for row in rows], total


def _limits(session: Session, agents) -> dict[int, tuple[date, CashLimit]]:
    """Each agent's today and the limit in force for it, one query per branch of the page."""
    by_branch: dict[int, list[int]] = {}
    for agent, wadah in agents:
        by_branch.setdefault(wadah.branch_id, []).append(agent.id)
    found = {}
    for branch_id, agent_ids in by_branch.items():
        today = zones.today_of_branch(session, branch_id)
        default, overrides = limits_for_branch(session, branch_id, today, agent_ids)
        for agent_id in agent_ids:
            found[agent_id] = (today, overrides.get(agent_id, default))
    return found


def _agent_cash(row, today: date, limit: CashLimit) -> AgentCash:
    oldest = [Cash(None, row.oldest, 0)] if row.oldest is not None else []
    position = Position(
        agent=row.Agent,
        today=today,
        limit=limit,
        collected=int(row.collected),
        deposited=int(row.deposited),
        open=oldest,
        unconfirmed=int(row.unconfirmed),
        unsettled=int(row.unsettled),
        unsettled_payments=int(row.unsettled_payments),
    )
    return AgentCash(
        agent=row.Agent,
        wadah=row.Wadah,
        position=position,
        ageing={name: int(getattr(row, name)) for name, _ in BUCKETS},
        month_cash=int(row.month_cash),
        month_settled=int(row.month_settled),
    )


def settled_shares(session: Session, agent_ids, month: Month) -> dict[int, tuple[int, int]]:
    """Per agent: (cash it collected in `month`, of which settled), for a page of agents (the
    leaderboard's settlement rate)."""
    p = Payment
    rows = session.execute(
        select(
            p.custodian_id,
            func.sum(p.amount),
            func.coalesce(func.sum(p.amount).filter(p.settled_at.is_not(None)), 0),
        )
        .where(
            *_standing(),
            p.custodian_id.in_(list(agent_ids)),
            p.paid_on >= month.first_day(),
            p.paid_on < (month + 1).first_day(),
        )
        .group_by(p.custodian_id)
    )
    return {agent_id: (int(cash), int(settled)) for agent_id, cash, settled in rows}
