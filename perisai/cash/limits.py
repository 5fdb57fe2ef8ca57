"""Which cash limit applies to an agent on a day: its own override, else its branch's, else the
national one (DOMAIN.md §8; versioned rows, perisai.cash.models.CashLimit)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, or_, select
from sqlalchemy.orm import Session

from perisai.agents.models import Agent, Wadah
from perisai.cash.models import CashLimit
from perisai.errors import field_error


def limit_for(session: Session, agent: Agent, day: date) -> CashLimit:
    """The limit in force for the agent on `day` (a branch day)."""
    branch_id = session.scalar(select(Wadah.branch_id).where(Wadah.id == agent.wadah_id))
    # narrowest scope first: 0 the agent's own, 1 its branch's, 2 national
    narrowness = case(
        (CashLimit.agent_id.is_not(None), 0), (CashLimit.branch_id.is_not(None), 1), else_=2
    )
    found = session.scalar(
        select(CashLimit)
        .where(
            CashLimit.effective_from <= day,
            or_(
                CashLimit.agent_id == agent.id,
                and_(CashLimit.agent_id.is_(None), CashLimit.branch_id == branch_id),
                and_(CashLimit.agent_id.is_(None), CashLimit.branch_id.is_(None)),
            ),
        )
        .order_by(narrowness, CashLimit.effective_from.desc(), CashLimit.id.desc())
        .limit(1)
    )
    if found is None:  # the migration seeds a national limit; a database without one is broken
        raise field_error("channel", "cash.no_limit")
    return found


def add_limit(
    session: Session,
    *,
    effective_from: date,
    ceiling: int,
    max_age_days: int,
    source: str,
    branch_id: int | None = None,
    agent_id: int | None = None,
    match_window_days: int = 3,
    created_by=None,
) -> CashLimit:
    """A new version of the limits for a scope, from a day onwards (never an edit)."""
    limit = CashLimit(
        branch_id=branch_id,
        agent_id=agent_id,
        effective_from=effective_from,
        ceiling=ceiling,
        max_age_days=max_age_days,
        match_window_days=match_window_days,
        source=source,
        created_by_id=getattr(created_by, "id", None),
    )
    session.add(limit)
    session.flush()
    return limit


def limits_for_branch(
    session: Session, branch_id: int, day: date, agent_ids
) -> tuple[CashLimit, dict[int, CashLimit]]:
    """The branch's limit on `day` and the agents' own overrides among `agent_ids`, in one
    query (matching a statement judges thousands of agents at once)."""
    rows = session.scalars(
        select(CashLimit)
        .where(
            CashLimit.effective_from <= day,
            or_(
                and_(CashLimit.agent_id.is_(None), CashLimit.branch_id.in_([branch_id])),
                and_(CashLimit.agent_id.is_(None), CashLimit.branch_id.is_(None)),
                CashLimit.agent_id.is_not(None),
            ),
        )
        .order_by(CashLimit.effective_from, CashLimit.id)
    ).all()
    wanted = set(agent_ids)
    national = branch = None
    overrides: dict[int, CashLimit] = {}
    for row in rows:  # oldest first: a later row replaces an earlier one of its scope
        if row.agent_id is not None:
            if row.agent_id in wanted:
                overrides[row.agent_id] = row
        elif row.branch_id is not None:
            branch = row
        else:
            national = row
    default = branch or national
    if default is None:
        raise field_error("channel", "cash.no_limit")
    return default, overrides
