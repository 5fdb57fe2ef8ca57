"""The regions an agent works in (`outside_area`): districts or villages the supervisor sets."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from perisai.audit.operations import Actor, record_many
from perisai.errors import field_error
from perisai.quality.models import AgentArea
from perisai.regions.models import Region


def agent_areas(session: Session, agent) -> list[str]:
    codes = session.scalars(select(AgentArea.region_code).where(AgentArea.agent_id == agent.id))
    return sorted(codes)


def set_agent_areas(session: Session, *, agent, region_codes: list[str], user) -> list[str]:
    """Replace the agent's areas; every code must be a known district or village (422)."""
    codes = sorted(set(region_codes))
    known = set(session.scalars(select(Region.code).where(Region.code.in_(codes))))
    unknown = [code for code in codes if code not in known or code.count(".") < 2]
    if unknown:
        raise field_error("region_codes", f"quality.unknown_area|{', '.join(unknown)}")
    session.execute(delete(AgentArea).where(AgentArea.agent_id == agent.id))
    session.add_all(
        AgentArea(agent_id=agent.id, region_code=code, created_by_id=getattr(user, "id", None))
        for code in codes
    )
    record_many(session, Actor.current(), [("update", "agent_areas", agent.id)])
    return codes
