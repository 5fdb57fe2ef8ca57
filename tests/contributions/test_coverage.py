"""Payments and coverage (DOMAIN.md §3), through the operations with explicit dates."""

import uuid
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from perisai import clock
from perisai.contributions.coverage import covered_until_on
from perisai.contributions.models import Payment, PaymentMonth
from perisai.contributions.payments import record_payment, reverse_payment
from perisai.contributions.quotes import quote_for_worker
from perisai.errors import Conflict, ValidationFailed
from perisai.months import Month
from perisai.workers.models import status_for
from tests.factories import make_worker

pytestmark = pytest.mark.today("2026-06-15")  # after every payment day below, within a year


def pay(db, worker, months, paid_on, *, amount=None, payment_id=None, channel="cash", **kw):
    if amount is None:
        amount = quote_for_worker(db.session, worker, months, paid_on).total
    data = {
        "id": payment_id or uuid.uuid4(),
        "months": months,
        "amount": amount,
        "paid_on": paid_on,
        "channel": channel,
        **kw,
    }
    return record_payment(db.session, worker=worker, data=data, today=paid_on)


def covers(payment):
    return [str(m) for m in payment.covers]


@pytest.fixture
def worker(db, org):
    return make_worker(db.session, org.agent, funding="apbd")  # full price: 16,800 a month


def test_first_payment_starts_in_the_month_paid(db, worker):
    payment, created = pay(db, worker, 3, date(2026, 5, 20))
    assert created
    assert covers(payment) == ["2026-05", "2026-06", "2026-07"]
    assert payment.amount == 3 * 16_800
    assert str(worker.covered_until) == "2026-07" and str(worker.first_paid_month) == "2026-05"
    assert payment.receipt_number == f"{worker.membership_number}-001"


def test_a_later_payment_extends_from_the_last_covered_month(db, worker):
    pay(db, worker, 3, date(2026, 5, 20))
    second, _ = pay(db, worker, 2, date(2026, 6, 2))
    assert covers(second) == ["2026-08", "2026-09"]
    assert str(worker.covered_until) == "2026-09"
    assert second.receipt_number.endswith("-002")


def test_arrears_after_a_lapse_of_two_months_are_paid_first(db, worker):
    pay(db, worker, 1, date(2026, 3, 10))  # covered until 2026-03
    assert status_for(worker.covered_until, Month.parse("2026-05")) == "grace"
    quote = quote_for_worker(db.session, worker, 3, date(2026, 5, 15))
    assert [str(p.month) for p in quote.months] == ["2026-04", "2026-05", "2026-06"]
    assert quote.arrears == 1 and quote.status == "grace"
    payment, _ = pay(db, worker, 3, date(2026, 5, 15))
    assert covers(payment) == ["2026-04", "2026-05", "2026-06"]
    assert str(worker.covered_until) == "2026-06"


def test_arrears_keep_the_price_of_the_month_they_cover(db, org):
    worker = make_worker(db.session, org.agent, sector="other", funding="self")
    pay(db, worker, 1, date(2026, 1, 10))  # Jan 2026, before the discount: 16,800
    quote = quote_for_worker(db.session, worker, 4, date(2026, 4, 5))
    # Feb and Mar 2026 are arrears at full price; Apr and May are discounted.
    assert [p.total for p in quote.months] == [16_800, 16_800, 8_400, 8_400]
    assert quote.arrears == 2


def test_restart_after_four_unpaid_months_never_charges_the_gap(db, worker):
    pay(db, worker, 1, date(2026, 1, 10))  # covered until 2026-01; Feb–May unpaid = 4
    assert status_for(worker.covered_until, Month.parse("2026-05")) == "ended"
    payment, _ = pay(db, worker, 2, date(2026, 5, 3))
    assert covers(payment) == ["2026-05", "2026-06"]
    assert payment.amount == 2 * 16_800
    assert str(worker.first_paid_month) == "2026-01"
    assert str(worker.covered_until) == "2026-06"


def test_three_unpaid_months_is_still_grace(db, worker):
    pay(db, worker, 1, date(2026, 1, 10))  # Feb, Mar, Apr unpaid on 2026-04
    payment, _ = pay(db, worker, 1, date(2026, 4, 30))
    assert covers(payment) == ["2026-02"]


def test_replaying_the_same_payment_id_returns_the_same_payment(db, worker):
    pid = uuid.uuid4()
    first, created = pay(db, worker, 2, date(2026, 5, 20), payment_id=pid)
    again, created_again = pay(db, worker, 2, date(2026, 5, 20), payment_id=pid, amount=33_600)
    assert created and not created_again
    assert again.id == first.id
    assert db.session.scalar(select(Payment.id).where(Payment.worker_id == worker.id)) == pid
    assert (
        len(
            db.session.scalars(
                select(PaymentMonth).where(PaymentMonth.worker_id == worker.id)
            ).all()
        )
        == 2
    )
    assert str(worker.covered_until) == "2026-06"


def test_the_same_id_with_other_content_is_a_conflict(db, worker):
    pid = uuid.uuid4()
    pay(db, worker, 2, date(2026, 5, 20), payment_id=pid)
    with pytest.raises(Conflict) as caught:
        pay(db, worker, 1, date(2026, 5, 20), payment_id=pid, amount=16_800)
    assert caught.value.errors == {"json": {"id": ["contributions.id_conflict"]}}


def test_a_wrong_amount_names_the_expected_amount(db, worker):
    with pytest.raises(ValidationFailed) as caught:
        pay(db, worker, 2, date(2026, 5, 20), amount=30_000)
    assert caught.value.extra == {"expected_amount": 33_600}
    assert caught.value.message.startswith("contributions.amount_mismatch|33600|")
    assert db.session.scalar(select(Payment).where(Payment.worker_id == worker.id)) is None


def test_paid_on_may_be_days_ago_but_not_in_the_future(db, worker):
    data = {"id": uuid.uuid4(), "months": 1, "amount": 16_800, "channel": "cash"}
    with pytest.raises(ValidationFailed) as future:
        record_payment(
            db.session,
            worker=worker,
            data={**data, "paid_on": date(2026, 5, 21)},
            today=date(2026, 5, 20),
        )
    assert "paid_on" in future.value.errors["json"]
    with pytest.raises(ValidationFailed):
        record_payment(
            db.session,
            worker=worker,
            data={**data, "paid_on": date(2025, 5, 18)},
            today=date(2026, 5, 20),
        )
    payment, _ = record_payment(
        db.session,
        worker=worker,
        data={**data, "paid_on": date(2026, 5, 14)},
        today=date(2026, 5, 20),
    )
    assert covers(payment) == ["2026-05"]


def test_a_moved_start_month_is_refused_when_the_client_names_it(db, worker):
    pay(db, worker, 1, date(2026, 5, 2))
    with pytest.raises(Conflict):
        pay(db, worker, 1, date(2026, 5, 3), start_month=Month.parse("2026-05"))


def test_the_database_refuses_a_month_paid_twice(db, worker):
    payment, _ = pay(db, worker, 1, date(2026, 5, 2))
    row = payment.months[0]
    duplicate = PaymentMonth(
        payment_id=payment.id,
        worker_id=worker.id,
        month=row.month,
        active_month=row.month,
        jkk=1,
        jkm=1,
        jht=0,
        total=2,
        rate_version_id=1,
        is_reversed=False,
    )
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(duplicate)
        db.session.flush()


def test_reversal_reopens_the_months(db, worker, org):
    first, _ = pay(db, worker, 2, date(2026, 5, 2))
    second, _ = pay(db, worker, 1, date(2026, 5, 3))
    with pytest.raises(Conflict):
        reverse_payment(db.session, payment=first, reason="salah input")  # newest first
    reverse_payment(db.session, payment=second, reason="salah input", reversed_by=org.admin_user)
    assert second.is_reversed and all(
        m.is_reversed and m.active_month is None for m in second.months
    )
    assert str(worker.covered_until) == "2026-06"
    with pytest.raises(Conflict):
        reverse_payment(db.session, payment=second, reason="lagi")
    again, _ = pay(db, worker, 1, date(2026, 5, 4))
    assert covers(again) == ["2026-07"]  # the reopened month is payable again
    assert db.session.get(Payment, second.id) is not None  # never deleted


def test_reversing_the_only_payment_makes_the_participant_registered_again(db, worker):
    payment, _ = pay(db, worker, 1, date(2026, 5, 2))
    reverse_payment(db.session, payment=payment, reason="uang palsu")
    assert worker.covered_until is None and worker.first_paid_month is None


# 03:30 on 16 June in WIB while the server's (UTC) date is still 15 June: "today" is the WIB one.
@pytest.mark.today("2026-06-15T20:30:00+00:00")
def test_covered_until_on_a_past_day(db, worker):
    pay(db, worker, 1, date(2026, 3, 10))
    second, _ = pay(db, worker, 2, date(2026, 4, 10))
    assert covered_until_on(db.session, worker, date(2026, 3, 1)) is None
    assert str(covered_until_on(db.session, worker, date(2026, 3, 10))) == "2026-03"
    assert str(covered_until_on(db.session, worker, date(2026, 4, 10))) == "2026-05"
    reverse_payment(db.session, payment=second, reason="salah")
    # The reversal happened today (after those days): history as it stood is kept.
    assert str(covered_until_on(db.session, worker, date(2026, 4, 10))) == "2026-05"
    assert clock.today() == date(2026, 6, 16)
    assert str(covered_until_on(db.session, worker, clock.today())) == "2026-03"


# 00:30 on 16 June in WIT, still 22:30 on 15 June in WIB.
@pytest.mark.today("2026-06-15T15:30:00+00:00")
def test_a_past_day_ends_in_the_participants_branch_zone(db, org, worker):
    org.branch.time_zone = "WIT"
    pay(db, worker, 1, date(2026, 3, 10))
    second, _ = pay(db, worker, 2, date(2026, 4, 10))
    reverse_payment(db.session, payment=second, reason="salah")  # on 16 June, in WIT
    # At the end of 15 June (WIT) the payment still stood; at the end of 16 June it did not.
    assert str(covered_until_on(db.session, worker, date(2026, 6, 15))) == "2026-05"
    assert str(covered_until_on(db.session, worker, date(2026, 6, 16))) == "2026-03"
