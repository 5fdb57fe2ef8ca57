"""The participant's own status check (DOMAIN.md §11): membership number + birth date →
masked name, status, protection month, what is due now, and whom to ask.

Only what the participant may be told without logging in: the masked name (as a card check
shows it), never the NIK, phone, address or birth date; the managing agent's name and work
phone (an agent is a public contact point). A wrong birth date is answered exactly as an
unknown number (None), so the check cannot tell whether a number exists, and every attempt —
found, refused or unknown — writes one audit row alike, so neither can the time it takes.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from perisai import zones
from perisai.agents.models import Branch
from perisai.audit.operations import Actor, record_many
from perisai.cards.operations import mask_name
from perisai.contributions.quotes import quote_for_worker
from perisai.errors import ValidationFailed
from perisai.months import Month
from perisai.workers.models import Worker, status_for


def check_status(
    session: Session, membership_number: str, birth_date: date, *, actor: Actor
) -> dict | None:
    """The participant's status, or None when number and birth date do not belong together.
    Records one audit event either way (`read` or `refused`). Flushes, never commits."""
    worker = session.scalar(
        select(Worker)
        .where(Worker.membership_number == membership_number)
        .options(selectinload(Worker.managed_by), selectinload(Worker.registered_by))
    )
    matched = (
        worker is not None and worker.anonymised_at is None and worker.birth_date == birth_date
    )
    # A refusal names the participant whose number was tried (probing shows in the log).
    event = ("read" if matched else "refused", "participant", worker.id if worker else None)
    record_many(session, actor, [event], status_code=200 if matched else 404)
    return status_of(session, worker) if matched else None


def status_of(session: Session, worker: Worker, today: date | None = None) -> dict:
    today = today or zones.today_of_worker(session, worker)
    month = Month.of(today)
    status = status_for(worker.covered_until, month, worker.died_on)
    months_due, amount_due = _due(session, worker, status, month, today)
    return {
        "name_masked": mask_name(worker.full_name),
        "membership_number": worker.membership_number,
        "status": status,
        "covered_until": worker.covered_until,
        "amount_due": amount_due,
        "months_due": months_due,
        "agent": _agent(worker),
        "branch": session.scalar(select(Branch.name).where(Branch.id == worker.branch_id)),
    }


def _due(session: Session, worker: Worker, status: str, month: Month, today: date):
    """(months, rupiah) to be protected this month: the unpaid months through this one in
    grace; this month to start (registered) or start again (ended); nothing when covered or
    when the participant died. Amount None when the price cannot be quoted (a level no longer
    in the table: the agent updates it)."""
    if worker.died_on is not None or status == "active":
        return 0, 0
    months = month - worker.covered_until if status == "grace" else 1
    try:
        return months, quote_for_worker(session, worker, months, today).total
    except ValidationFailed:
        return months, None


def _agent(worker: Worker) -> dict | None:
    """The agent to contact: the one managing the participant (else who registered them), while
    still working as an agent; their work phone, as their cards and visits give it."""
    for agent in (worker.managed_by, worker.registered_by):
        if agent is not None and agent.status == "active":
            return {"name": agent.full_name, "phone": agent.phone, "agent_code": agent.agent_code}
    return None
