"""The renewal work list: whom an agent should visit first, and how much each one owes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, or_, select

from perisai.contributions.quotes import quote_for_worker
from perisai.contributions.rules import RuleBook
from perisai.errors import ValidationFailed
from perisai.months import Month
from perisai.workers.models import GRACE_MONTHS, Worker, due_within_clause, status_for


def renewal_query(visible, *, today: date, due_within_days: int, ended_within_months: int):
    """Participants in grace, due within N days, or ended in the last few months, most urgent
    first: grace with the most unpaid months (about to end), then the soonest due, then the
    most recently ended."""
    month = Month.of(today)
    cu = Worker.covered_until
    grace = and_(cu < month, cu >= month - GRACE_MONTHS)
    due = due_within_clause(today, due_within_days)
    ended = and_(cu < month - GRACE_MONTHS, cu >= month - GRACE_MONTHS - ended_within_months)
    rank = case((grace, 0), (due, 1), else_=2)
    return (
        select(Worker)
        # A participant who died is never visited for a renewal (DOMAIN.md §10).
        .where(visible, cu.is_not(None), Worker.died_on.is_(None), or_(grace, due, ended))
        .order_by(
            rank,
            case((ended, None), else_=cu).asc(),
            cu.desc(),
            Worker.full_name,
            Worker.id,
        )
    )


def renewal_item(session, worker: Worker, today: date, rules: RuleBook) -> dict:
    month = Month.of(today)
    status = status_for(worker.covered_until, month, worker.died_on)
    end = worker.covered_until.last_day()
    owed = month - worker.covered_until if status == "grace" else 0
    item = {
        "worker_id": str(worker.id),
        "full_name": worker.full_name,
        "membership_number": worker.membership_number,
        "phone": worker.phone,
        "village_code": worker.village_code,
        "status": status,
        "kind": "due" if status == "active" else status,
        "covered_until": str(worker.covered_until),
        "coverage_ends_on": end.isoformat(),
        "days_left": (end - today).days,
        "months_owed": owed,
        "amount_owed": 0,
        "next_month_amount": None,
    }
    try:
        if owed:
            item["amount_owed"] = quote_for_worker(session, worker, owed, today, rules=rules).total
        item["next_month_amount"] = (
            quote_for_worker(session, worker, owed + 1, today, rules=rules).months[-1].total
        )
    except ValidationFailed:
        item["amount_owed"] = None  # a level no longer in the table: the agent must update it
    return item
