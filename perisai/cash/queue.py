"""The supervisor's queue (DOMAIN.md §8): statement lines no deposit matched, and deposits no
statement confirmed within their window. Each is resolved once, with a reason, audited:
a line is paired with a deposit by hand or dismissed (not an agent's deposit); a deposit is
confirmed without a line (the slip was checked) or rejected (the money never arrived: it no
longer takes the agent's cash in hand down)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.audit.operations import Actor, record_many
from perisai.cash.models import Deposit, StatementLine
from perisai.cash.settlement import settle_agents
from perisai.errors import Conflict, NotFound, field_error

DEPOSIT_DECISIONS = ("confirm", "reject")
LINE_DECISIONS = ("pair", "dismiss")
# A deposit joins the queue when the bank has not confirmed it this many days after it was made.
UNCONFIRMED_AFTER_DAYS = 3


def unmatched_lines(scope) -> Select:
    return (
        select(StatementLine)
        .where(StatementLine.state == "unmatched", scope.branches(StatementLine.branch_id))
        .order_by(StatementLine.booked_on, StatementLine.id)
    )


def unconfirmed_deposits(scope, today: date) -> Select:
    cutoff = today - timedelta(days=UNCONFIRMED_AFTER_DAYS)
    return (
        select(Deposit)
        .where(
            Deposit.state == "recorded",
            Deposit.deposited_on <= cutoff,
            scope.where(branch=Deposit.branch_id, agents=(Deposit.agent_id,)),
        )
        .order_by(Deposit.deposited_on, Deposit.created_at)
    )


def line_or_404(session: Session, scope, line_id: int) -> StatementLine:
    line = session.get(StatementLine, line_id)
    if line is None or not scope.allows_branch(line.branch_id):
        raise NotFound()
    return line


def resolve_deposit(session: Session, *, deposit: Deposit, decision: str, note: str, user):
    """Confirm or reject a deposit no statement confirmed; a confirmed one settles cash."""
    if deposit.state != "recorded":
        raise Conflict(f"cash.already_resolved|{deposit.state}")
    deposit.state = "confirmed" if decision == "confirm" else "rejected"
    _decided(deposit, note, user)
    session.flush()
    if deposit.state == "confirmed":
        settle_agents(session, [deposit.agent_id])
    record_many(session, Actor.current(), [(decision, "deposit", deposit.id)])
    return deposit


def resolve_line(
    session: Session, *, line: StatementLine, decision: str, note: str, user, deposit=None
):
    """Pair an unmatched line with a waiting deposit of its branch (same amount), or dismiss
    it; pairing settles the deposit's cash."""
    if line.state != "unmatched":
        raise Conflict(f"cash.already_resolved|{line.state}")
    if decision == "pair":
        if deposit is None or deposit.branch_id != line.branch_id:
            raise field_error("deposit_id", "cash.deposit_unknown")
        if deposit.state != "recorded":
            raise field_error("deposit_id", f"cash.deposit_not_waiting|{deposit.state}")
        if deposit.amount != line.amount:
            raise field_error("deposit_id", f"cash.pair_amount|{deposit.amount}|{line.amount}")
        line.deposit_id = deposit.id
        line.state = "paired"
        deposit.state = "matched"
    else:
        line.state = "dismissed"
    _decided(line, note, user)
    session.flush()
    if deposit is not None and decision == "pair":
        settle_agents(session, [deposit.agent_id])
    record_many(session, Actor.current(), [(decision, "statement_line", line.id)])
    return line


def _decided(record, note: str, user) -> None:
    record.resolution_note = note
    record.resolved_by_id = getattr(user, "id", None)
    record.resolved_at = clock.now()
