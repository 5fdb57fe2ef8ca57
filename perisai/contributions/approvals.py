"""A supervisor's approval of late-recorded payments (issue 15, DOMAIN.md §3).

A payment recorded more than the late-payment rule's days after its paid_on, that would cover a
month already over on the recording day, is stored `pending_approval` by `record_payment`: the
receipt is issued (the cash was taken), but its months stay free (active_month NULL), it gives
no cover and the commission ledger does not take it. A supervisor of the payment's branch (or an
admin) approves it — its months then cover, if nobody paid them meanwhile — or rejects it with
a note, after which it never covers. Who, when and the note are kept on the payment, and the
decision is written to the audit log.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from perisai import clock
from perisai.audit.operations import Actor, record_many
from perisai.auth.permissions import Scope, or_404
from perisai.contributions.coverage import refresh_coverage
from perisai.contributions.late import LATE_RULES_KEY
from perisai.contributions.models import LatePaymentRule, Payment
from perisai.contributions.payments import DUMPED_WITH
from perisai.db import unique_insert
from perisai.errors import Conflict, field_error
from perisai.workers.models import Worker

PENDING = "pending_approval"


def payments_in_state(scope: Scope, state: str = PENDING):
    """Payments of a state in the caller's scope (a supervisor: its branch), oldest first."""
    stmt = (
        select(Payment)
        .options(*DUMPED_WITH)
        .where(Payment.state == state, scope.branches(Payment.branch_id))
    )
    return stmt.order_by(Payment.created_at, Payment.id)


def decidable_payment(session: Session, scope: Scope, payment_id) -> Payment:
    """The payment if the caller may decide on it (its branch's supervisor, or an admin);
    otherwise NotFound, as for a missing one."""
    payment = session.get(Payment, payment_id)
    return or_404(payment, payment is not None and scope.allows_branch(payment.branch_id))


def approve_payment(session: Session, *, payment: Payment, by, note: str = "", via: str = "api"):
    """Let a pending payment cover its months; 409 if not pending or a month was paid since."""
    _check_pending(payment)
    worker = session.get(Worker, payment.worker_id)
    try:
        with unique_insert(session):
            for row in payment.months:
                row.active_month = row.month
            _decide(payment, "accepted", by, note)
    except IntegrityError:
        taken = "contributions.months_taken"
        raise Conflict(taken, {"json": {"months": [taken]}}) from None
    refresh_coverage(session, worker)
    _audit(session, payment, "approve", by, via)
    return payment


def reject_payment(session: Session, *, payment: Payment, by, note: str, via: str = "api"):
    """A pending payment never covers; the note says why (e.g. the cash was handed back)."""
    _check_pending(payment)
    _decide(payment, "rejected", by, note)
    session.flush()
    _audit(session, payment, "reject", by, via)
    return payment


def _check_pending(payment: Payment) -> None:
    if payment.state != PENDING:
        message = "contributions.not_pending"
        raise Conflict(message, {"json": {"state": [message]}})


def _decide(payment: Payment, state: str, by, note: str) -> None:
    payment.state = state
    payment.decided_by_id = getattr(by, "id", None)
    payment.decided_at = clock.now()
    payment.decision_note = note or None


def _audit(session: Session, payment: Payment, action: str, by, via: str) -> None:
    record_many(session, Actor.of(by, via), [(action, "payment", payment.id)])


# --- the rule: how late is late (versioned rule data, like the rates) -------------------------


def add_late_rule(
    session: Session,
    *,
    effective_from: date,
    today: date,
    max_days_late: int,
    source: str,
    created_by=None,
) -> LatePaymentRule:
    """A new version of the rule from a recording day on (today at the earliest: payments
    already recorded keep the rule they were judged by)."""
    if effective_from < today:
        raise field_error("effective_from", "contributions.late_rule_past")
    rule = LatePaymentRule(
        effective_from=effective_from,
        max_days_late=max_days_late,
        source=source,
        created_by_id=getattr(created_by, "id", None),
    )
    session.add(rule)
    session.flush()
    session.info.pop(LATE_RULES_KEY, None)  # the session's next payment sees it
    return rule


def late_rules(session: Session) -> list[LatePaymentRule]:
    return list(
        session.scalars(
            select(LatePaymentRule).order_by(LatePaymentRule.effective_from, LatePaymentRule.id)
        )
    )
