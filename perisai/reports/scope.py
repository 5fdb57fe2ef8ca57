"""Whose figures a report shows: the branches the caller may see, the month it is for them,
and lookups of agents, Wadah and branches limited to those branches.

Every report function takes `branch_ids`: the branches the caller may see (a supervisor: its
own; an admin: all (None) or the one chosen). Agents never get here (routes refuse them).
"""

from __future__ import annotations

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.agents.models import Agent, Branch, Wadah
from perisai.auth.permissions import Scope
from perisai.errors import NotAllowed
from perisai.months import Month


def branch_ids_for(scope: Scope, branch_id: int | None = None) -> list[int] | None:
    """Supervisor: its branch. Admin: the branch asked for, or None (every branch)."""
    if scope.role == "supervisor" and scope.branch_id is not None:
        return [scope.branch_id]
    if scope.is_admin:
        return [branch_id] if branch_id else None
    raise NotAllowed("auth.role")


def current_month(zone: str | None = None) -> Month:
    """This month in the zone of the one asking (`perisai.zones.of_user`)."""
    return clock.this_month(zone)


def in_branches(column, branch_ids):
    return column.in_(branch_ids) if branch_ids is not None else literal(True)


def visible_agent(session: Session, branch_ids, agent_code: str) -> Agent | None:
    agent = session.scalars(select(Agent).where(Agent.agent_code == agent_code)).first()
    if agent is None or (branch_ids is not None and agent.wadah.branch_id not in branch_ids):
        return None
    return agent


def visible_wadah(session: Session, branch_ids, wadah_id: int) -> Wadah | None:
    wadah = session.get(Wadah, wadah_id)
    if wadah is None or (branch_ids is not None and wadah.branch_id not in branch_ids):
        return None
    return wadah


def branches(session: Session) -> list[Branch]:
    return session.scalars(select(Branch).order_by(Branch.code)).all()


def wadahs(session: Session, branch_ids) -> list[Wadah]:
    return session.scalars(
        select(Wadah).where(in_branches(Wadah.branch_id, branch_ids)).order_by(Wadah.name)
    ).all()
