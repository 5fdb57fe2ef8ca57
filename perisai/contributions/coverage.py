"""A participant's coverage from the months that still stand: extended by a payment,
recomputed after a reversal or a decision, and as it stood on a past day."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai import clock, zones
from perisai.contributions.models import Payment, PaymentMonth, PaymentReversal
from perisai.months import Month
from perisai.workers.models import Worker


def extend_coverage(worker: Worker, first: Month, last: Month) -> None:
    if worker.covered_until is None or last > worker.covered_until:
        worker.covered_until = last
    if worker.first_paid_month is None or first < worker.first_paid_month:
        worker.first_paid_month = first


def refresh_coverage(session: Session, worker: Worker) -> None:
    """Worker.covered_until / first_paid_month from the months that still stand."""
    first, last = session.execute(
        select(func.min(PaymentMonth.active_month), func.max(PaymentMonth.active_month)).where(
            PaymentMonth.worker_id == worker.id
        )
    ).one()
    worker.first_paid_month = Month.parse(first) if isinstance(first, str) else first
    worker.covered_until = Month.parse(last) if isinstance(last, str) else last
    session.flush()


def covered_until_on(session: Session, worker: Worker, as_of: date) -> Month | None:
    """Coverage as it stood at the end of `as_of` (in the participant's branch's time zone),
    from the payment history."""
    cutoff = clock.start_of_day(as_of + timedelta(days=1), zones.of_worker(session, worker))
    last = session.scalar(
        select(func.max(PaymentMonth.month))
        .join(Payment, Payment.id == PaymentMonth.payment_id)
        .outerjoin(PaymentReversal, PaymentReversal.payment_id == Payment.id)
        .where(
            PaymentMonth.worker_id == worker.id,
            Payment.paid_on <= as_of,
            Payment.state == "accepted",  # pending and rejected payments never covered
            (PaymentReversal.id.is_(None)) | (PaymentReversal.created_at >= cutoff),
        )
    )
    if last is None or (worker.created_at is not None and cutoff <= worker.created_at):
        return None  # before the first payment, or before the participant was registered
    return Month.parse(last) if isinstance(last, str) else last
