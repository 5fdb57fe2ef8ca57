"""The participant list (list_query) and its search box; the status and due-date clauses are
the participant's own rules, beside status_for in workers.models."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import selectinload

from perisai.auth.permissions import Scope
from perisai.errors import field_error
from perisai.months import Month
from perisai.workers.membership import is_valid_membership_number
from perisai.workers.models import Worker, due_within_clause, status_clause
from perisai.workers.validation import normalise_phone


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
    # Every list shows the managing agent's code: one query for the page, not one per agent.
    return stmt.order_by(Worker.full_name, Worker.id).options(selectinload(Worker.managed_by))


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
