"""The participant list: its where-clauses for status, due dates and the search box."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, or_, select

from perisai.auth.permissions import Scope
from perisai.errors import field_error
from perisai.months import Month
from perisai.workers.membership import is_valid_membership_number
from perisai.workers.models import Worker
from perisai.workers.validation import normalise_phone


def status_clause(status: str, month: Month) -> ColumnElement[bool]:
    """SQL for status_for(): `covered_until` sorts as text, so month ranges are comparisons.
    A participant who died is ended (a date of death is never in the future)."""
    alive = Worker.died_on.is_(None)
    if status == "registered":
        return and_(alive, Worker.covered_until.is_(None))
    if status == "active":
        return and_(alive, Worker.covered_until >= month)
    if status == "grace":
        return and_(alive, Worker.covered_until < month, Worker.covered_until >= month - 3)
    return or_(Worker.died_on.is_not(None), Worker.covered_until < month - 3)


def list_query(
    scope: Scope, *, q: str | None, status: str | None, due_within_days: int | None, today: date
):
    month = Month.of(today)
    stmt = select(Worker).where(scope.workers())
    if q:
        stmt = stmt.where(search_clause(q))
    if status:
        stmt = stmt.where(status_clause(status, month))
    if due_within_days is not None:
        stmt = stmt.where(due_within_clause(today, due_within_days))
    return stmt.order_by(Worker.full_name, Worker.id)


def due_within_clause(today: date, days: int) -> ColumnElement[bool]:
    """Active participants whose protection ends within `days` days. Coverage ends on the last
    day of covered_until, which is on or before today + days exactly when covered_until is
    before the month of (today + days + 1 day)."""
    due_before = Month.of(today + timedelta(days=days + 1))
    return and_(
        Worker.died_on.is_(None),  # no payment request goes to a participant who died
        Worker.covered_until >= Month.of(today),
        Worker.covered_until < due_before,
    )


def search_clause(q: str) -> ColumnElement[bool]:
    """Name (contains), membership number, phone, or an exact NIK."""
    q = q.strip()
    digits = re.sub(r"\D", "", q)
    if q.isdigit() and len(q) == 16:
        return Worker.nik == q
    if q.isdigit() and len(q) == 11:
        if not is_valid_membership_number(q):
            raise field_error("q", "workers.membership_number_invalid", location="query")
        return Worker.membership_number == q
    if (phone := normalise_phone(q)) is not None:
        return Worker.phone == phone
    if digits and len(digits) == len(q):
        return Worker.membership_number.startswith(digits)
    return Worker.full_name.ilike(f"%{_escape_like(q)}%", escape="\\")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
