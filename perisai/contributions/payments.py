"""Recording payments (DOMAIN.md §3): check and price (build_payment), persist (add_payment,
record_payment, idempotent on the client id), and correct a mistake with a reversal entry.
Payments are never edited or deleted; a reversal reopens their months."""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from perisai import clock, zones
from perisai.auth.permissions import Scope, or_404
from perisai.bounds import MAX_BACKDATE_DAYS
from perisai.contributions import custody
from perisai.contributions.coverage import extend_coverage, refresh_coverage
from perisai.contributions.late import late_rule_for, needs_approval
from perisai.contributions.models import (
    Payment,
    PaymentMonth,
    PaymentReversal,
    Sponsor,
    SponsorPayment,
)
from perisai.contributions.quotes import Quote, quote_for_worker
from perisai.contributions.rules import RuleBook
from perisai.errors import Conflict, NotFound, ValidationFailed, field_error
from perisai.money import grouped
from perisai.months import Month
from perisai.workers.models import Worker


def visible_payment(session: Session, scope: Scope, payment_id) -> tuple[Payment, Worker]:
    """The payment and its participant, or NotFound (missing, or participant outside scope)."""
    try:
        payment = or_404(session.get(Payment, uuid.UUID(str(payment_id))))
    except ValueError:
        raise NotFound() from None
    return payment, scope.worker(session, payment.worker_id)


def payment_hash(worker_id, data: dict) -> str:
    """Fingerprint of what was asked, so a resent id can be told apart from a clash."""
    body = {k: data.get(k) for k in ("months", "amount", "paid_on", "channel")}
    body["worker_id"] = str(worker_id)
    if data.get("client_reference"):  # absent from the fingerprints of older payments
        body["client_reference"] = data["client_reference"]
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def check_paid_on(
    paid_on: date, today: date, *, location: str = "json", registered_on: date | None = None
) -> None:
    if paid_on > today:
        raise field_error("paid_on", "contributions.paid_on_future", location=location)
    if (today - paid_on).days > MAX_BACKDATE_DAYS:
        raise field_error(
            "paid_on", f"contributions.paid_on_old|{MAX_BACKDATE_DAYS}", location=location
        )
    if registered_on is not None and paid_on < registered_on:
        # Nobody pays into a membership that does not exist yet: a paid_on before the
        # registration would buy cover for months before the participant was known to us.
        token = f"contributions.paid_on_before_registration|{registered_on.isoformat()}"
        raise field_error("paid_on", token, location=location)


def amount_mismatch(expected: int, location: str = "json") -> ValidationFailed:
    in_words = f"{grouped(expected)}|{grouped(expected, 'en')}"
    token = f"contributions.amount_mismatch|{expected}|{in_words}"
    return field_error("amount", token, location=location, expected_amount=expected)


LOOK_UP = object()  # build_payment's default: look the client id up in the database


@dataclass
class NewPayment:
    """A payment checked and priced, with its months, not yet in the session (`add_payment`).
    `created=False`: a replay, `payment` is the one stored under the client id."""

    payment: Payment
    created: bool
    months: list[PaymentMonth] = field(default_factory=list)
    covers: tuple[Month, Month] | None = None  # first and last month covered now (not pending)


def build_payment(
    session: Session,
    *,
    worker: Worker,
    data: dict,
    recorded_by=None,
    today: date | None = None,
    sponsor: Sponsor | None = None,
    sponsor_payment: SponsorPayment | None = None,
    rules: RuleBook | None = None,
    existing=LOOK_UP,
    earlier_payments: int | None = None,
    cash=LOOK_UP,
) -> NewPayment:
    """Check and price one payment of 1–12 months and build its rows, changing nothing.

    The amount must equal the quote on paid_on. `existing`: the payment stored under the client
    id, when the caller looked it up with others beforehand (None: there is none).
    `earlier_payments`: how many payments the participant has, when the caller counted them with
    others (the receipt number's unique key catches a stale count). `cash`: the recording
    agent's cash position (perisai.cash.position), when the caller keeps one for several
    payments; a cash payment taken on a day the agent was blocked is refused (422, channel).
    """
    fingerprint = payment_hash(worker.id, data)
    found = session.get(Payment, data["id"]) if existing is LOOK_UP else existing
    if found is not None:
        return NewPayment(payment=_replay(found, fingerprint), created=False)
    today = today or clock.latest_today()  # a paid_on after this is in the future everywhere
    # the day the agent took the registration (on the phone, perhaps offline for days): a paid_on
    # before it buys cover for a time the participant was not known to us
    check_paid_on(data["paid_on"], today, registered_on=worker.registered_on)
    custodian = custody.custodian_of(recorded_by, data["channel"])
    position = cash if cash is not LOOK_UP else None
    if custodian is not None and position is None:
        position = custody.guard(
            session, custodian, zones.today_of_branch(session, worker.branch_id)
        )
    if position is not None:
        position.check_cash_payment(data["paid_on"])
    funding = sponsor.type if sponsor is not None else worker.funding
    quote = _checked_quote(session, worker, data, funding, rules)
    late_rule = late_rule_for(session, today)
    # The cash was taken (the receipt is issued) but cover for months already over waits for
    # a supervisor: until approved the months stay free (active_month NULL) and earn nothing.
    pending = needs_approval(late_rule, data["paid_on"], today, [p.month for p in quote.months])
    payment = Payment(
        id=data["id"],
        worker_id=worker.id,
        receipt_number=_receipt_number(session, worker, earlier_payments),
        amount=quote.total,
        months_count=len(quote.months),
        paid_on=data["paid_on"],
        channel=data["channel"],
        income_level=quote.profile[0],  # the first month's (an edit may start later)
        has_jht=quote.profile[1],
        sector=worker.sector,
        funding=funding,
        agent_id=worker.managed_by_id,
        branch_id=worker.branch_id,
        recorded_by_id=getattr(recorded_by, "id", None),
        sponsor_id=sponsor.id if sponsor is not None else None,
        sponsor_payment_id=sponsor_payment.id if sponsor_payment is not None else None,
        request_hash=fingerprint,
        created_at=clock.now(),  # complete before it is flushed (a batch answers unflushed)
        state="pending_approval" if pending else "accepted",
        late_rule_id=late_rule.id if late_rule is not None else None,
        # A reference used before by this agent is refused by the unique key (agent_id,
        # client_reference), told apart from a month paid twice in `record_payment`.
        client_reference=data.get("client_reference"),
        # cash an agent took stays in its custody until the bank confirms its deposit
        custodian_id=custodian.id if custodian is not None else None,
        settled_at=None if custodian is not None else clock.now(),
    )
    if position is not None:
        if position.settles_at_once(quote.total):
            payment.settled_at = clock.now()
        position.stage(payment)  # the next payment of the batch counts this one in hand
    set_committed_value(payment, "reversal", None)  # a new payment: nothing to load
    return NewPayment(
        payment=payment,
        created=True,
        months=_month_rows(payment, worker, quote.months, pending),
        covers=None if pending else (quote.start_month, quote.months[-1].month),
    )


def _checked_quote(session: Session, worker: Worker, data: dict, funding: str, rules) -> Quote:
    """The quote on paid_on, which the payment's start month (when sent) and amount must match."""
    quote = quote_for_worker(
        session,
        worker,
        data["months"],
        data["paid_on"],
        funding=funding,
        rules=rules,
        location="json",
    )
    if data.get("start_month") is not None and data["start_month"] != quote.start_month:
        token = f"contributions.start_moved|{quote.start_month}|{data['start_month']}"
        raise Conflict(token, {"json": {"start_month": [token]}})
    if data["amount"] != quote.total:
        raise amount_mismatch(quote.total)
    return quote


def _month_rows(payment: Payment, worker: Worker, prices, pending: bool) -> list[PaymentMonth]:
    return [
        PaymentMonth(
            payment=payment,
            worker_id=worker.id,
            month=price.month,
            active_month=None if pending else price.month,
            jkk=price.jkk,
            jkm=price.jkm,
            jht=price.jht,
            total=price.total,
            rate_version_id=price.rate_version_id,
            discount_rule_id=price.discount_rule_id,
            is_reversed=False,
        )
        for price in prices
    ]


def add_payment(session: Session, worker: Worker, new: NewPayment) -> None:
    """Put a built payment, its months and the coverage they extend into the session (not
    flushed): the database's unique (worker_id, active_month) refuses a month paid twice."""
    session.add(new.payment)
    session.add_all(new.months)
    if new.covers is not None:
        extend_coverage(worker, *new.covers)


def record_payment(
    session: Session,
    *,
    worker: Worker,
    data: dict,
    recorded_by=None,
    today: date | None = None,
    sponsor: Sponsor | None = None,
    sponsor_payment: SponsorPayment | None = None,
    rules: RuleBook | None = None,
) -> tuple[Payment, bool]:
    """Record one payment of 1–12 months; idempotent on the client's id.

    Returns (payment, created). Every check comes before anything is added or changed, so a
    refusal leaves the session as it was; the insert runs in a savepoint, so a race lost to
    concurrent requests (the same id, a month paid twice, a receipt reference reused) is
    answered as a replay or a 409.
    """
    new = build_payment(
        session,
        worker=worker,
        data=data,
        recorded_by=recorded_by,
        today=today,
        sponsor=sponsor,
        sponsor_payment=sponsor_payment,
        rules=rules,
    )
    if not new.created:
        return new.payment, False
    try:
        with session.begin_nested():  # the coverage, too, is undone if the months were taken
            add_payment(session, worker, new)
    except IntegrityError:
        # Lost a race: the same id, or one of these months, was committed meanwhile.
        again = session.get(Payment, data["id"], populate_existing=True)
        if again is not None:
            return _replay(again, new.payment.request_hash), False
        reference = data.get("client_reference")
        if reference and _reference_taken(session, worker.managed_by_id, reference, data["id"]):
            raise reference_taken(reference) from None
        raise Conflict(
            "contributions.months_taken", {"json": {"months": ["contributions.months_taken"]}}
        ) from None
    return new.payment, True


def _reference_taken(session: Session, agent_id, reference: str, payment_id) -> bool:
    """Another payment of this agent already carries this receipt reference."""
    return (
        session.scalar(
            select(Payment.id).where(
                Payment.agent_id == agent_id,
                Payment.client_reference == reference,
                Payment.id != payment_id,
            )
        )
        is not None
    )


def reference_taken(reference: str) -> Conflict:
    token = f"contributions.client_reference_taken|{reference}"
    return Conflict(token, {"json": {"client_reference": [token]}})


def _replay(existing: Payment, fingerprint: str) -> Payment:
    if existing.request_hash != fingerprint:
        raise Conflict("contributions.id_conflict", {"json": {"id": ["contributions.id_conflict"]}})
    return existing


def _receipt_number(session: Session, worker: Worker, earlier: int | None = None) -> str:
    """<membership number>-<the participant's payment count>: unique without a hot counter."""
    if earlier is None:
        earlier = session.scalar(select(func.count()).where(Payment.worker_id == worker.id))
    return f"{worker.membership_number}-{earlier + 1:03d}"


def reverse_payment(session: Session, *, payment: Payment, reason: str, reversed_by=None):
    """Correct a mistaken payment with a reversal entry; its months become payable again."""
    if payment.reversal is not None:
        raise Conflict("contributions.already_reversed")
    if payment.state != "accepted":
        raise Conflict("contributions.not_accepted")
    last = max(payment.covers)
    later = session.scalar(
        select(func.count()).where(
            PaymentMonth.worker_id == payment.worker_id, PaymentMonth.active_month > last
        )
    )
    if later:
        # Reversing from the newest keeps coverage one unbroken run of paid months.
        raise Conflict("contributions.reverse_later_first")
    reversal = PaymentReversal(
        payment=payment, reason=reason, reversed_by_id=getattr(reversed_by, "id", None)
    )
    session.add(reversal)
    for row in payment.months:
        row.is_reversed = True
        row.active_month = None
    session.flush()
    refresh_coverage(session, session.get(Worker, payment.worker_id))
    if payment.custodian_id is not None:
        custody.after_reversal(session, payment.custodian_id)
    return reversal


# what PaymentSchema reads beyond the row itself (covered months, reversal), loaded per list
DUMPED_WITH = (selectinload(Payment.months), selectinload(Payment.reversal))


def worker_payments(worker: Worker):
    """A participant's payments, newest first, with what PaymentSchema reads of each."""
    return (
        select(Payment)
        .options(*DUMPED_WITH)
        .where(Payment.worker_id == worker.id)
        .order_by(Payment.paid_on.desc(), Payment.created_at.desc())
    )
