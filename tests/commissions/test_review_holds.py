"""Acquisition fees under review (DOMAIN.md §9): held at close while a quality flag is open,
released by the next close once it is cleared, clawed back once it is confirmed — and a fee
already paid when its participants are found fake is clawed back from what is paid next."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from perisai.commissions.models import CommissionHold
from perisai.months import Month
from perisai.quality.checks import refresh_month
from perisai.quality.flags import review_flag
from perisai.quality.models import QualityFlag
from tests.commissions.helpers import close, figures
from tests.factories import make_worker, record_test_payment

ACQUISITION = 10_000  # per new JKK+JKM participant, once the agent has 25 in the month
DECEMBER = date(2026, 12, 8)


def acquire(db, org, count=25, fast=2):
    """`count` new participants of the agent paying in December; `fast` of their forms took
    seconds (one open fast_capture flag holding them)."""
    made = []
    for n in range(count):
        worker = make_worker(
            db.session,
            org.agent,
            capture_seconds=5 if n < fast else 300,
            registered_on=DECEMBER,
            # positions a few hundred metres apart: no position signal
            lat=-6.9 - n * 0.003,
            lon=109.7,
            accuracy_m=10,
        )
        record_test_payment(db.session, worker, DECEMBER, 1)
        made.append(worker)
    db.session.commit()  # the quality check runs as it commits
    return made


def the_flag(db) -> QualityFlag:
    db.session.expire_all()
    return db.session.scalar(select(QualityFlag).where(QualityFlag.kind == "fast_capture"))


def money(db, org, month: str) -> dict:
    row = figures(db.session, org.agent, month)
    assert row["payable"] == row["total"] - row["held"]
    return {k: row[k] for k in ("acquisition_fee", "total", "held", "payable", "released")}


@pytest.mark.today("2027-01-02")
def test_fees_of_flagged_participants_are_held_and_released_once_cleared(db, org):
    acquire(db, org)
    assert len(the_flag(db).worker_ids) == 2
    close(db.session, "2026-12", org.branch)
    december = money(db, org, "2026-12")
    assert december["acquisition_fee"] == 25 * ACQUISITION
    assert december["held"] >= 2 * ACQUISITION  # the flag's two (and any collection on cash)
    quality = db.session.scalars(
        select(CommissionHold.amount).where(CommissionHold.reason == "quality")
    ).all()
    assert quality == [ACQUISITION, ACQUISITION]
    review_flag(
        db.session, flag=the_flag(db), decision="clear", note="forms copied from paper", user=None
    )
    db.session.commit()
    close(db.session, "2027-01", org.branch, today=date(2027, 2, 2))
    assert money(db, org, "2027-01")["released"] == 2 * ACQUISITION


@pytest.mark.today("2027-01-02")
def test_an_open_flag_keeps_the_fee_held_at_the_next_close(db, org):
    acquire(db, org)
    close(db.session, "2026-12", org.branch)
    close(db.session, "2027-01", org.branch, today=date(2027, 2, 2))
    assert money(db, org, "2027-01")["released"] == 0  # still under review


@pytest.mark.today("2027-01-02")
def test_confirmed_fees_never_paid_are_clawed_back_without_touching_what_is_paid(db, org):
    acquire(db, org)
    close(db.session, "2026-12", org.branch)
    review_flag(db.session, flag=the_flag(db), decision="confirm", note="nobody there", user=None)
    db.session.commit()
    close(db.session, "2027-01", org.branch, today=date(2027, 2, 2))
    january = money(db, org, "2027-01")
    assert january["acquisition_fee"] == -2 * ACQUISITION  # the claw-back, in the ledger
    assert january["held"] == -2 * ACQUISITION  # … held: the agent never got that money
    assert january["payable"] == 0 and january["released"] == 0
    holds = db.session.scalars(
        select(CommissionHold).where(CommissionHold.reason == "quality")
    ).all()
    assert {h.cancelled_month for h in holds} == {Month(2027, 1)}


@pytest.mark.today("2027-01-02")
def test_fees_already_paid_are_clawed_back_from_the_next_payout(db, org):
    made = acquire(db, org, fast=0)  # nothing flagged at the December close: all paid
    close(db.session, "2026-12", org.branch)
    assert money(db, org, "2026-12")["held"] == 0
    # found later: five of December's participants share one phone (the nightly check)
    for worker in made[:5]:
        worker.phone = "+6281299990077"
    db.session.commit()
    refresh_month(db.session, Month(2026, 12), [org.branch.id], date(2027, 1, 2))
    db.session.commit()
    flag = db.session.scalar(select(QualityFlag).where(QualityFlag.kind == "shared_phone"))
    assert len(flag.worker_ids) == 5
    review_flag(db.session, flag=flag, decision="confirm", note="invented people", user=None)
    db.session.commit()
    close(db.session, "2027-01", org.branch, today=date(2027, 2, 2))
    january = money(db, org, "2027-01")
    assert january["acquisition_fee"] == -5 * ACQUISITION
    assert january["held"] == 0 and january["payable"] == -5 * ACQUISITION  # paid: taken back
