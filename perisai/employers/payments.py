"""An employer's monthly payment: the amount must equal the quote on the day paid (the fine
included), one payment per month, idempotent on the client id. The payment keeps its shares,
the rule versions and the managing agent's commission (its own rule set, possibly zero)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from perisai import zones
from perisai.audit.operations import Actor, record_many
from perisai.bounds import MAX_BACKDATE_DAYS
from perisai.contributions.payments import amount_mismatch
from perisai.employers.models import Employer, EmployerPayment
from perisai.employers.operations import request_hash
from perisai.employers.quotes import EmployerQuote, quote_for_employer
from perisai.employers.rules import commission_rule_for
from perisai.errors import Conflict, NotFound, field_error
from perisai.money import round_half_up
from perisai.months import Month


def record_employer_payment(
    session: Session, *, employer: Employer, data: dict, recorded_by=None, today: date | None = None
) -> tuple[EmployerPayment, bool]:
    """Record the month's payment; returns (payment, created)."""
    fingerprint = request_hash({**data, "employer_id": str(employer.id)})
    if (found := session.get(EmployerPayment, data["id"])) is not None:
        return _replay(found, fingerprint), False
    today = today or zones.today_of_branch(session, employer.branch_id)
    quote = checked_quote(session, employer, data, today)
    payment = _payment(session, employer, data, quote, fingerprint, recorded_by)
    try:
        with session.begin_nested():
            session.add(payment)
    except IntegrityError:
        if (found := session.get(EmployerPayment, data["id"])) is not None:
            return _replay(found, fingerprint), False
        raise month_paid(data["month"]) from None
    record_many(session, Actor.current(), [("create", "employer_payment", payment.id)])
    return payment, True


def checked_quote(session: Session, employer: Employer, data: dict, today: date) -> EmployerQuote:
    month, paid_on = data["month"], data["paid_on"]
    if paid_on > today:
        raise field_error("paid_on", "contributions.paid_on_future")
    if (today - paid_on).days > MAX_BACKDATE_DAYS:
        raise field_error("paid_on", f"contributions.paid_on_old|{MAX_BACKDATE_DAYS}")
    if paid_on < employer.registered_on:
        token = f"employers.paid_before_registration|{employer.registered_on.isoformat()}"
        raise field_error("paid_on", token)
    if month > Month.of(paid_on):
        raise field_error("month", "employers.month_future")
    if month < Month.of(employer.registered_on):
        raise field_error("month", f"employers.month_before_registration|{employer.registered_on}")
    if session.scalar(
        select(EmployerPayment.id).where(
            EmployerPayment.employer_id == employer.id, EmployerPayment.month == month
        )
    ):
        raise month_paid(month)
    quote = quote_for_employer(session, employer, month, paid_on, location="json")
    if quote.workers == 0:
        raise field_error("month", "employers.no_workers")
    if data["amount"] != quote.amount_due:
        raise amount_mismatch(quote.amount_due)
    return quote


def _payment(session, employer, data, quote: EmployerQuote, fingerprint, recorded_by):
    rule = commission_rule_for(session, quote.month)
    commission = 0
    if rule is not None and employer.managed_by_id is not None:
        earlier = session.scalar(
            select(func.count()).where(EmployerPayment.employer_id == employer.id)
        )
        commission = round_half_up(quote.total * rule.collection_bp)
        commission += rule.first_payment_fee if not earlier else 0

    def share(program: str, side: str) -> int:
        found = quote.share(program)
        return getattr(found, side) if found else 0

    return EmployerPayment(
        id=data["id"],
        employer_id=employer.id,
        employer=employer,
        month=quote.month,
        receipt_number=f"{employer.registration_number}-{quote.month.year}{quote.month.month:02d}",
        paid_on=data["paid_on"],
        channel=data["channel"],
        reference=data.get("reference"),
        workers=quote.workers,
        wage_total=quote.wage_total,
        jkk=share("JKK", "employer"),
        jkm=share("JKM", "employer"),
        jht_employer=share("JHT", "employer"),
        jht_worker=share("JHT", "worker"),
        jp_employer=share("JP", "employer"),
        jp_worker=share("JP", "worker"),
        contribution=quote.total,
        months_late=quote.months_late,
        fine=quote.fine,
        amount=quote.amount_due,
        rate_version_id=quote.rates.id,
        program_rule_id=quote.program_rule.id,
        commission_rule_id=rule.id if rule is not None else None,
        agent_id=employer.managed_by_id,
        commission=commission,
        branch_id=employer.branch_id,
        recorded_by_id=getattr(recorded_by, "id", None),
        request_hash=fingerprint,
    )


def month_paid(month) -> Conflict:
    token = f"employers.month_paid|{month}"
    return Conflict(token, {"json": {"month": [token]}})


def _replay(existing: EmployerPayment, fingerprint: str) -> EmployerPayment:
    if existing.request_hash != fingerprint:
        raise Conflict("contributions.id_conflict", {"json": {"id": ["contributions.id_conflict"]}})
    return existing


def employer_payments(employer: Employer):
    return (
        select(EmployerPayment)
        .where(EmployerPayment.employer_id == employer.id)
        .order_by(EmployerPayment.month.desc())
    )


def payment_of_month(session: Session, employer: Employer, month: Month) -> EmployerPayment:
    payment = session.scalar(
        select(EmployerPayment).where(
            EmployerPayment.employer_id == employer.id, EmployerPayment.month == month
        )
    )
    if payment is None:
        raise NotFound()
    return payment
