"""The participants export: every participant in scope as a row, streamed from the database,
with the NIK masked unless the caller may see it in full.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.agents.models import Agent
from perisai.auth.permissions import Scope
from perisai.months import Month
from perisai.workers.models import Worker, mask_nik, status_for

PARTICIPANT_COLUMNS = (
    "membership_number",
    "nik",
    "full_name",
    "agent_code",
    "village_code",
    "status",
    "first_paid_month",
    "covered_until",
    "registered_on",
)


def participant_rows(
    session: Session, scope: Scope, month: Month, *, full_nik: bool, agent_id=None
):
    """Participants in scope as export rows, streamed from the database (NIK masked unless
    `full_nik`)."""
    stmt = (
        select(Worker, Agent.agent_code)
        .outerjoin(Agent, Agent.id == Worker.managed_by_id)
        .where(scope.branches(Worker.branch_id), Worker.anonymised_at.is_(None))
        .order_by(Worker.membership_number)
        .execution_options(yield_per=1000)
    )
    if agent_id:
        stmt = stmt.where(Worker.managed_by_id == agent_id)
    for worker, agent_code in session.execute(stmt):
        yield [
            worker.membership_number,
            worker.nik if full_nik else mask_nik(worker.nik),
            worker.full_name,
            agent_code or "",
            worker.village_code,
            status_for(worker.covered_until, month, worker.died_on),
            str(worker.first_paid_month or ""),
            str(worker.covered_until or ""),
            worker.created_at.date().isoformat(),
        ]
