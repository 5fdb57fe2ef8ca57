"""Who sees which commission statements: an agent its own, a supervisor its branch's, an admin
every one; a statement id the caller may not see is the same 404 as one that does not exist.

Statement ids are deterministic: "<YYYY-MM>-<agent id>" (Wadah statements: the Wadah's id), the
same while the month is open (a running estimate) and after it is closed (the frozen row), so a
link an agent saved keeps working.
"""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session

import perisai.commissions.messages  # noqa: F401 - registers the messages
from perisai.agents.models import Agent, Wadah
from perisai.auth.permissions import Scope
from perisai.commissions.estimates import AgentMonth, agent_months
from perisai.months import Month


def agents_in_scope(scope: Scope):
    stmt = select(Agent).join(Wadah, Wadah.id == Agent.wadah_id).order_by(Agent.agent_code)
    if scope.role == "agent":
        return stmt.where(Agent.id == scope.agent_id)
    if not scope.is_admin:
        return stmt.where(Wadah.branch_id == scope.branch_id)
    return stmt


def can_see_agent(scope: Scope, agent: Agent) -> bool:
    if scope.role == "agent":
        return agent.id == scope.agent_id
    return scope.allows_branch(agent.wadah.branch_id)


def parse_public_id(public_id: str) -> tuple[Month, int]:
    """'2026-05-17' → (Month 2026-05, 17); anything else is a 404."""
    try:
        month, number = Month.parse(public_id[:7]), int(public_id[8:])
        bad = public_id[7] != "-" or number <= 0 or str(number) != public_id[8:]
        if bad or month.year >= 9999:
            raise ValueError(public_id)
    except (ValueError, IndexError):
        abort(404)
    return month, number


def get_agent_month(session: Session, scope: Scope, public_id: str) -> AgentMonth:
    month, agent_id = parse_public_id(public_id)
    agent = session.get(Agent, agent_id)
    if agent is None or not can_see_agent(scope, agent):
        abort(404)
    return agent_months(session, month, [agent])[0]
