"""Quotes, payments, reversals and coverage of BPU participants (DOMAIN.md §3).

Coverage: a first payment starts in the month it is paid; a later one extends from the last
covered month; in grace (status_for() == "grace": 1–3 unpaid months counting the month paid in)
the arrears are paid first; after "ended" a payment starts afresh in the month paid and the gap is
never charged. Payments are never edited or deleted; a reversal entry reopens their months.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

import perisai.contributions.messages  # noqa: F401 - registers the messages
from perisai import clock
from perisai.agents import zones
from perisai.bounds import MAX_BACKDATE_DAYS
from perisai.contributions.models import (
    LatePaymentRule,
    Payment,
    PaymentMonth,
    PaymentReversal,
    RateVersion,
    Sponsor,
    SponsorPayment,
)
from perisai.contributions.rules import MonthPrice, NoRates, RuleBook, UnknownLevel
from perisai.errors import Conflict, ValidationFailed, field_error
from perisai.months import Month, month_range
from perisai.workers.models import Worker, status_for
from perisai.workers.pricing import last_payable_month, profiles_for_months

MAX_MONTHS = 12
DEFAULT_MAX_DAYS_LATE = 7  # when no late_payment_rules row is in force (migration 0015 seeds one)
LATE_RULES_KEY = "perisai.late_rules"


def rupiah(amount: int, lang: str = "id") -> str:
    """36800 → '36.800' (id) or '36,800' (en)."""
    text = f"{amount:,}"
    return text.replace(",", ".") if lang == "id" else text


# --- income levels ---------------------------------------------------------------------------


def income_levels(session: Session, month: Month | None = None) -> tuple[RateVersion, list[int]]:
    """The rate version in force for `month` (default this month) and its income levels."""
    rules = RuleBook.of(session)
    version = rules.version_for(month or clock.this_month())
    return version, sorted(rules.levels(version))


def is_income_level(session: Session, level: int, month: Month | None = None) -> bool:
    try:
        rules = RuleBook.of(session)
        return level in rules.levels(rules.version_for(month or clock.this_month()))
    except NoRates:
        return False


# --- quotes ----------------------------------------------------------------------------------


@dataclass
class Quote:
    months: list[MonthPrice]
    arrears: int = 0
    status: str | None = None
    covered_until: Month | None = None
    extra: dict = field(default_factory=dict)
    # (income_level, has_jht) of the first month: what the payment records as its profile
    profile: tuple[int, bool] | None = None

    @property
    def total(self) -> int:
        return sum(price.total for price in self.months)

    @property
    def start_month(self) -> Month:
        return self.months[0].month

    def as_dict(self) -> dict:
        body = {
            "total": self.total,
            "months": [price.as_dict() for price in self.months],
            "start_month": str(self.start_month),
            "arrears_months": self.arrears,
        }
        if self.status is not None:
            body["status"] = self.status
            body["covered_until"] = str(self.covered_until) if self.covered_until else None
        return {**body, **self.extra}


def next_start_month(covered_until: Month | None, paid_in: Month) -> Month:
    """The first month a payment made in `paid_in` covers (arrears first, never the gap)."""
    if covered_until is None or status_for(covered_until, paid_in) == "ended":
        return paid_in
    return covered_until + 1


def price_or_error(rules: RuleBook, months: list[Month], *, location: str, **profile):
    try:
        return rules.price_months(months, **profile)
    except UnknownLevel as error:
        raise field_error(
            "income_level", f"contributions.unknown_level|{error.month}", location=location
        ) from error
    except NoRates as error:
        raise field_error(
            "months", f"contributions.no_rates|{error.month}", location=location
        ) from error


def quote_for_worker(
    session: Session,
    worker: Worker,
    months: int,
    as_of: date,
    *,
    funding: str | None = None,
    rules: RuleBook | None = None,
    location: str = "query",
) -> Quote:
    """The next `months` months this participant would pay for on `as_of`, arrears first.

    Each month is priced on the income level and programs in force for it (an edit takes
    effect from the next unpaid month; arrears keep the old price); no month after the month
    of the participant's death is payable."""
    paid_in = Month.of(as_of)
    start = next_start_month(worker.covered_until, paid_in)
    covered = month_range(start, months)
    if (last := last_payable_month(worker)) is not None and covered[-1] > last:
        token = f"contributions.after_death|{worker.died_on.isoformat()}|{last}"
        raise field_error("months", token, location=location)
    rules = rules or RuleBook.of(session)
    profiles = profiles_for_months(session, worker, covered)
    prices = []
    for (income_level, has_jht), run in _runs(profiles, covered):
        prices += price_or_error(
            rules,
            run,
            location=location,
            income_level=income_level,
            has_jht=has_jht,
            sector=worker.sector,
            funding=funding or worker.funding,
        )
    return Quote(
        months=prices,
        arrears=sum(1 for m in covered if m < paid_in),
        status=status_for(worker.covered_until, paid_in, worker.died_on),
        covered_until=worker.covered_until,
        profile=profiles[0],
    )


def _runs(profiles: list, months: list[Month]) -> list[tuple]:
    """Consecutive months with the same profile, as (profile, months)."""
    runs: list[tuple] = []
    for profile, month in zip(profiles, months, strict=True):
        if runs and runs[-1][0] == profile:
            runs[-1][1].append(month)
        else:
            runs.append((profile, [month]))
    return runs


def quote_as_of(session: Session, worker: Worker, months: int, as_of: date) -> Quote:
    """GET …/quote?as_of=: the months a payment with paid_on `as_of` would pay for now, with
    the status and coverage as they stood on `as_of` (registered before the first payment)."""
    quote = quote_for_worker(session, worker, months, as_of)
    quote.covered_until = covered_until_on(session, worker, as_of)
    quote.status = status_for(quote.covered_until, Month.of(as_of), worker.died_on)
    return quote


def quote_reference(
    session: Session,
    *,
    income_level: int,
    programs: list[str],
    sector: str,
    funding: str,
    start_month: Month,
    months: int,
) -> Quote:
    """A price list without a participant (GET /reference/quote)."""
    if sorted(programs) not in (["JKK", "JKM"], ["JHT", "JKK", "JKM"]):
        raise field_error("programs", "contributions.programs", location="query")
    prices = price_or_error(
        RuleBook.of(session),
        month_range(start_month, months),
        location="query",
        income_level=income_level,
        has_jht="JHT" in programs,
        sector=sector,
        funding=funding,
    )
    return Quote(months=prices)


# --- payments --------------------------------------------------------------------------------


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


def registered_on(worker: Worker) -> date | None:
    """The day the agent took the registration (on the phone, perhaps offline for days): a
    paid_on before it buys cover for a time the participant was not known to us."""
    return worker.registered_on


# --- late-recorded payments --------------------------------------------------------------------


def late_rule_for(session: Session, recorded_on: date) -> LatePaymentRule | None:
    """The late-payment rule in force on a recording day (latest effective_from; ties: newest).

    The rules are a few insert-only rows, read once per session like the rate book (a sync
    batch of 500 payments costs one query); `add_late_rule` forgets them."""
    rules = session.info.get(LATE_RULES_KEY)
    if rules is None:
        with session.no_autoflush:  # a sync batch may hold staged rows it flushes itself
            rules = session.info[LATE_RULES_KEY] = session.scalars(
                select(LatePaymentRule).order_by(LatePaymentRule.effective_from, LatePaymentRule.id)
            ).all()
    chosen = None
    for rule in rules:  # by (effective_from, id): the last one in force wins
        if rule.effective_from <= recorded_on:
            chosen = rule
    return chosen


def max_days_late(rule: LatePaymentRule | None) -> int:
    """Days a payment may be recorded after its paid_on before it waits for approval."""
    return rule.max_days_late if rule is not None else DEFAULT_MAX_DAYS_LATE


def needs_approval(
    rule: LatePaymentRule | None, paid_on: date, recorded_on: date, covers: list[Month]
) -> bool:
    """Recorded more than the rule's days after paid_on, for a month over by the recording day."""
    max_days = max_days_late(rule)
    over = Month.of(recorded_on)  # every month before the recording day's month has ended
    return (recorded_on - paid_on).days > max_days and any(m < over for m in covers)


def amount_mismatch(expected: int, location: str = "json") -> ValidationFailed:
    token = f"contributions.amount_mismatch|{expected}|{rupiah(expected)}|{rupiah(expected, 'en')}"
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
) -> NewPayment:
    """Check and price one payment of 1–12 months and build its rows, changing nothing.

    The amount must equal the quote on paid_on. `existing`: the payment stored under the client
    id, when the caller looked it up with others beforehand (None: there is none).
    `earlier_payments`: how many payments the participant has, when the caller counted them with
    others (the receipt number's unique key catches a stale count).
    """
    fingerprint = payment_hash(worker.id, data)
    found = session.get(Payment, data["id"]) if existing is LOOK_UP else existing
    if found is not None:
        return NewPayment(payment=_replay(found, fingerprint), created=False)
    today = today or clock.latest_today()  # a paid_on after this is in the future everywhere
    check_paid_on(data["paid_on"], today, registered_on=registered_on(worker))
    funding = sponsor.type if sponsor is not None else worker.funding
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
    )
    set_committed_value(payment, "reversal", None)  # a new payment: nothing to load
    return NewPayment(
        payment=payment,
        created=True,
        months=_month_rows(payment, worker, quote.months, pending),
        covers=None if pending else (quote.start_month, quote.months[-1].month),
    )


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
        _extend_coverage(worker, *new.covers)


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


def _extend_coverage(worker: Worker, first: Month, last: Month) -> None:
    if worker.covered_until is None or last > worker.covered_until:
        worker.covered_until = last
    if worker.first_paid_month is None or first < worker.first_paid_month:
        worker.first_paid_month = first


def _replay(existing: Payment, fingerprint: str) -> Payment:
    if existing.request_hash != fingerprint:
        raise Conflict("contributions.id_conflict", {"json": {"id": ["contributions.id_conflict"]}})
    return existing


def _receipt_number(session: Session, worker: Worker, earlier: int | None = None) -> str:
    """<membership number>-<the participant's payment count>: unique without a hot counter."""
    if earlier is None:
        earlier = session.scalar(select(func.count()).where(Payment.worker_id == worker.id))
    return f"{worker.membership_number}-{earlier + 1:03d}"


# --- reversal and coverage -------------------------------------------------------------------


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
    return reversal


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


# --- reading ---------------------------------------------------------------------------------


def worker_payments(worker: Worker):
    return (
        select(Payment)
        .where(Payment.worker_id == worker.id)
        .order_by(Payment.paid_on.desc(), Payment.created_at.desc())
    )


def serialize_payment(payment: Payment) -> dict:
    reversal = payment.reversal
    return {
        "id": str(payment.id),
        "worker_id": str(payment.worker_id),
        "receipt_number": payment.receipt_number,
        "client_reference": payment.client_reference,
        "amount": payment.amount,
        "covers": [str(m) for m in payment.covers],
        "months": [
            {
                "month": str(row.month),
                "jkk": row.jkk,
                "jkm": row.jkm,
                "jht": row.jht,
                "total": row.total,
                "rate_version_id": row.rate_version_id,
                "discount_rule_id": row.discount_rule_id,
            }
            for row in payment.months
        ],
        "paid_on": payment.paid_on.isoformat(),
        "channel": payment.channel,
        "sponsor_id": payment.sponsor_id,
        "reversed": reversal is not None,
        "reversed_at": reversal.created_at.isoformat() if reversal else None,
        "reversal_reason": reversal.reason if reversal else None,
        "state": payment.state,
        "late_rule_id": payment.late_rule_id,
        "decided_at": payment.decided_at.isoformat() if payment.decided_at else None,
        "decision_note": payment.decision_note,
        "created_at": payment.created_at.isoformat() if payment.created_at else None,
    }
