"""A closed statement's payout: the transfer to the Wadah's account recorded, and the agent's
acknowledgement of the statement.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from perisai import clock
from perisai.commissions.estimates import AgentMonth
from perisai.commissions.models import CommissionStatement
from perisai.errors import Conflict


def _closed_statement(item: AgentMonth) -> CommissionStatement:
    if item.state != "closed" or item.statement is None:
        raise Conflict("commissions.statement_open")
    return item.statement


def mark_statement_paid(
    session: Session, item: AgentMonth, *, paid_on: date, transfer_reference: str, by=None
) -> CommissionStatement:
    """Record the transfer to the Wadah's account; repeating the same details is a no-op."""
    statement = _closed_statement(item)
    if statement.paid_on is not None:
        if (statement.paid_on, statement.transfer_reference) != (paid_on, transfer_reference):
            raise Conflict("commissions.already_paid")
        return statement
    statement.paid_on = paid_on
    statement.transfer_reference = transfer_reference
    statement.paid_recorded_by_id = getattr(by, "id", None)
    session.flush()
    return statement


def acknowledge_statement(session: Session, item: AgentMonth, *, by=None) -> CommissionStatement:
    """The agent confirms the statement (once; repeating keeps the first time)."""
    statement = _closed_statement(item)
    if statement.acknowledged_at is None:
        statement.acknowledged_at = clock.now()
        statement.acknowledged_by_id = getattr(by, "id", None)
        session.flush()
    return statement
