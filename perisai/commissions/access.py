"""Who sees which commission statements: an agent its own, a supervisor its branch's, an admin
every one; a statement id the caller may not see is the same 404 as one that does not exist.

Statement ids are deterministic: "<YYYY-MM>-<agent id>" (Wadah statements: the Wadah's id), the
same while the month is open (a running estimate) and after it is closed (the frozen row), so a
link an agent saved keeps working.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from perisai.agents.models import Agent
from perisai.auth.permissions import Scope
from perisai.commissions.estimates import AgentMonth, agent_months
from perisai.errors import NotFound
from perisai.months import Month


def statement_agents(scope: Scope):
    """The agents whose statements the caller sees (`Scope.agents()`), by agent code."""
    return scope.agents().order_by(Agent.agent_code)


def parse_public_id(public_id: str) -> tuple[Month, int]:
    """'2026-05-17' → (Month 2026-05, 17); anything else is a 404."""
    try:
        month, number = Month.parse(public_id[:7]), int(public_id[8:])
        bad = public_id[7] != "-" or number <= 0 or str(number) != public_id[8:]
        if bad or month.year >= 9999:
            raise ValueError(public_id)
    except (ValueError, IndexError):
        raise NotFound() from None
    return month, number


def get_agent_month(session: Session, scope: Scope, public_id: str) -> AgentMonth:
    month, agent_id = parse_public_id(public_id)
    return agent_months(session, month, [scope.agent(session, agent_id)])[0]
