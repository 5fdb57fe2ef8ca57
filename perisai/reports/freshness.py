"""Incremental maintenance: a flush that touches participants or payments marks the affected
(branch, month ≥ first affected month) rollups stale, in the same transaction.

A flush only notes the marks (in `session.info`); they are written once, just before the
transaction commits, as one UPDATE per branch, and before a report of the same transaction reads
the rollups (`write_pending`). A sync batch of 500 operations flushes about a thousand times, so
writing per flush cost two statements per operation. A savepoint rolled back keeps its marks:
marking a rollup stale that did not change only costs a recomputation; missing one would be wrong.

Later months are marked too because the rollups carry history forward (grace and ended look back
four months, retention and registered totals are cumulative). Reports recompute stale pairs
lazily (perisai.reports.rollups.ensure_rollups).
"""

from __future__ import annotations

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session

from perisai.contributions.models import Payment, PaymentMonth, PaymentReversal
from perisai.db import in_session
from perisai.months import Month
from perisai.reports.models import RollupState
from perisai.workers.models import Worker

EVERY_MONTH = Month(1900, 1)
ATTRIBUTION = ("registered_by_id", "managed_by_id", "village_code", "branch_id")
COVERAGE = ("first_paid_month", "covered_until")
PENDING = "perisai.reports.stale_marks"  # session.info key: (branch marks, payment marks)


def _earliest(marks: dict, branch_id, month) -> None:
    if month is None:
        return
    if branch_id not in marks or month < marks[branch_id]:
        marks[branch_id] = month


def _worker_marks(worker: Worker, is_new: bool, marks: dict) -> None:
    if is_new:
        created = worker.created_at
        _earliest(marks, worker.branch_id, Month.of(created) if created else EVERY_MONTH)
        return
    state = inspect(worker)
    for name in ATTRIBUTION:
        history = state.attrs[name].history
        if history.has_changes():
            for branch_id in (
                {worker.branch_id, *(history.deleted or ())}
                if name == "branch_id"
                else {worker.branch_id}
            ):
                _earliest(marks, branch_id, EVERY_MONTH)
    for name in COVERAGE:
        history = state.attrs[name].history
        if history.has_changes():
            for value in [*(history.added or ()), *(history.deleted or ())]:
                _earliest(marks, worker.branch_id, value)


def collect_marks(session: Session) -> tuple[dict, dict]:
    """(branch_id → earliest month) plus (payment_id → earliest month) still to resolve."""
    marks: dict = {}
    payments: dict = {}
    for obj in session.new:
        if isinstance(obj, Worker):
            _worker_marks(obj, True, marks)
    for obj in session.dirty:
        if isinstance(obj, Worker) and session.is_modified(obj):
            _worker_marks(obj, False, marks)
    for obj in [*session.new, *session.dirty, *session.deleted]:
        if isinstance(obj, Payment) and obj.paid_on is not None:
            _earliest(marks, obj.branch_id, Month.of(obj.paid_on))
        elif isinstance(obj, PaymentMonth) and obj.month is not None:
            _earliest(payments, obj.payment_id, obj.month)
        elif isinstance(obj, PaymentReversal):
            _earliest(payments, obj.payment_id, EVERY_MONTH)
    return marks, payments


@event.listens_for(Session, "after_flush")
def _note_stale(session: Session, flush_context) -> None:
    marks, payments = collect_marks(session)
    if not marks and not payments:
        return
    pending_marks, pending_payments = session.info.setdefault(PENDING, ({}, {}))
    for payment_id, month in payments.items():
        payment = in_session(session, Payment, payment_id)
        if payment is not None and month != EVERY_MONTH:
            # The payment is at hand (usually recorded in this very flush): no query.
            _earliest(pending_marks, payment.branch_id, month)
        else:
            _earliest(pending_payments, payment_id, month)
    for branch_id, month in marks.items():
        _earliest(pending_marks, branch_id, month)


def write_pending(session: Session) -> None:
    """Write the stale marks noted so far in this transaction (flushing first)."""
    session.flush()
    pending = session.info.pop(PENDING, None)
    if not pending:
        return
    marks, payments = pending
    connection = session.connection()
    if payments:
        rows = connection.execute(
            select(Payment.id, Payment.branch_id, Payment.paid_on).where(
                Payment.id.in_(list(payments))
            )
        )
        for payment_id, branch_id, paid_on in rows:
            month = payments[payment_id]
            if month == EVERY_MONTH:  # a reversal: the payment's own months and paid month
                month = Month.of(paid_on)
                months = connection.scalar(
                    select(PaymentMonth.month)
                    .where(PaymentMonth.payment_id == payment_id)
                    .order_by(PaymentMonth.month)
                    .limit(1)
                )
                month = min(month, months) if months else month
            _earliest(marks, branch_id, month)
    # In branch order, so two transactions marking the same branches never deadlock.
    for branch_id, month in sorted((b, m) for b, m in marks.items() if b is not None):
        connection.execute(
            update(RollupState)
            .where(RollupState.branch_id == branch_id, RollupState.month >= month)
            .values(is_stale=True)
        )


@event.listens_for(Session, "before_commit")
def _write_before_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's marks wait for the real commit
        write_pending(session)


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction ended: written, or rolled back
        session.info.pop(PENDING, None)
