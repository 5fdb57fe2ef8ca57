"""The incentive arithmetic of DOMAIN.md §4, through real payments and real closes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from perisai.commissions.models import CommissionEntry, CommissionStatement
from perisai.contributions.payments import reverse_payment
from perisai.months import Month
from tests.commissions.helpers import close, figures, new_paying_workers, wib
from tests.factories import make_worker, record_test_payment

MARCH = date(2026, 3, 10)  # before the PP 50/2025 discount: JKK+JKM+JHT = Rp 36,800


def test_worked_example_of_domain_md(db, org):
    s = db.session
    workers = new_paying_workers(s, org.agent, 50, MARCH, has_jht=True)
    assert sum(w.covered_until is not None for w in workers) == 50
    expected = {
        "new_participants": 50,
        "payments": 50,
        "collected_amount": 1_840_000,
        "acquisition_fee": 750_000,
        "collection_fee": 276_000,
        "total": 1_026_000,
        "wadah_fee": 102_600,
    }
    estimate = figures(s, org.agent, "2026-03")
    assert estimate["state"] == "open"
    assert {k: estimate[k] for k in expected} == expected

    close(s, "2026-03", org.branch)

    closed = figures(s, org.agent, "2026-03")
    assert closed["state"] == "closed"
    assert {k: closed[k] for k in expected} == expected
    entries = s.scalars(
        select(CommissionEntry).where(CommissionEntry.agent_id == org.agent.id)
    ).all()
    kinds = sorted({(e.kind, e.amount) for e in entries})
    assert kinds == [("acquisition", 15_000), ("collection", 5_520), ("wadah", 102_600)]
    assert {e.rule_set_id for e in entries} == {1}


def test_24_new_participants_earn_no_acquisition_fee(db, org):
    s = db.session
    new_paying_workers(s, org.agent, 24, MARCH, has_jht=False)  # Rp 16,800 each
    estimate = figures(s, org.agent, "2026-03")
    assert estimate["new_participants"] == 24
    assert estimate["acquisition_fee"] == 0
    assert estimate["collection_fee"] == 24 * 2_520
    close(s, "2026-03", org.branch)
    closed = figures(s, org.agent, "2026-03")
    assert (closed["acquisition_fee"], closed["collection_fee"]) == (0, 60_480)
    assert closed["total"] == 60_480 and closed["wadah_fee"] == 6_048


def test_25_basic_participants_earn_10000_each(db, org):
    s = db.session
    new_paying_workers(s, org.agent, 25, MARCH, has_jht=False)
    close(s, "2026-03", org.branch)
    closed = figures(s, org.agent, "2026-03")
    assert closed["acquisition_fee"] == 250_000
    assert closed["collection_fee"] == 25 * 2_520


def test_a_prepayment_straddling_month_24_and_25_pays_both_bands(db, org):
    s = db.session
    # APBD-funded: never discounted, so every month is Rp 36,800.
    worker = make_worker(s, org.agent, has_jht=True, funding="apbd")
    record_test_payment(s, worker, date(2024, 2, 10), 11)  # 2024-02..2024-12: months 1–11
    record_test_payment(s, worker, date(2024, 12, 15), 12)  # 2025-01..2025-12: months 12–23
    record_test_payment(s, worker, date(2025, 12, 10), 12)  # 2026-01..2026-12: months 24–35
    assert str(worker.first_paid_month) == "2024-02"

    december = figures(s, org.agent, "2025-12")
    assert december["collection_fee"] == 5_520 + 11 * 1_840

    close(s, "2025-12", org.branch)
    lines = s.scalars(
        select(CommissionEntry)
        .where(CommissionEntry.month == "2025-12", CommissionEntry.kind == "collection")
        .order_by(CommissionEntry.covered_month)
    ).all()
    assert [(str(e.covered_month), e.month_index, e.rate_bp, e.amount) for e in lines[:2]] == [
        ("2026-01", 24, 1_500, 5_520),
        ("2026-02", 25, 500, 1_840),
    ]
    assert len(lines) == 12
    assert figures(s, org.agent, "2025-12")["collection_fee"] == 25_760
    # the earlier months were closed first, each with its own payment
    assert figures(s, org.agent, "2024-02")["collection_fee"] == 11 * 5_520
    assert figures(s, org.agent, "2024-12")["collection_fee"] == 12 * 5_520


def test_month_61_onwards_earns_nothing(db, org):
    s = db.session
    # acquired in 2021-01 (e.g. an imported history): 2025-12 is month 60, 2026-01 month 61
    worker = make_worker(s, org.agent, has_jht=False, funding="apbd")
    worker.first_paid_month = Month.parse("2021-01")
    record_test_payment(s, worker, date(2025, 12, 10), 2)
    assert str(worker.first_paid_month) == "2021-01"
    assert figures(s, org.agent, "2025-12")["collection_fee"] == 840  # 5 % of 16,800, once


def test_reversal_after_close_claws_back_in_the_next_open_month(db, org):
    s = db.session
    workers = new_paying_workers(s, org.agent, 25, MARCH, has_jht=False)
    close(s, "2026-03", org.branch)
    march = figures(s, org.agent, "2026-03")
    assert march["total"] == 250_000 + 25 * 2_520

    payment = (
        workers[0].covered_until
        and s.scalars(
            select(CommissionEntry.payment_id).where(CommissionEntry.worker_id == workers[0].id)
        ).first()
    )
    from perisai.contributions.models import Payment

    reversal = reverse_payment(s, payment=s.get(Payment, payment), reason="salah input")
    reversal.created_at = wib(date(2026, 4, 3))
    s.flush()

    april = figures(s, org.agent, "2026-04")
    assert april["state"] == "open"
    assert (april["acquisition_fee"], april["collection_fee"]) == (-10_000, -2_520)
    close(s, "2026-04", org.branch)
    april = figures(s, org.agent, "2026-04")
    assert (april["new_participants"], april["total"], april["wadah_fee"]) == (0, -12_520, -1_252)
    assert figures(s, org.agent, "2026-03") == {**march}
    reversals = s.scalars(select(CommissionEntry).where(CommissionEntry.kind == "reversal")).all()
    assert sorted(e.amount for e in reversals) == [-10_000, -2_520]
    assert all(str(e.month) == "2026-04" and e.reverses_id for e in reversals)


def march_statements(session):
    rows = session.scalars(
        select(CommissionStatement)
        .where(CommissionStatement.month == "2026-03")
        .order_by(CommissionStatement.agent_id)
    )
    return [
        (r.agent_id, r.new_participants, r.payments, r.collected_amount, r.total, r.wadah_fee)
        for r in rows
    ]


def test_a_closed_month_is_unchanged_by_later_payments(db, org):
    s = db.session
    new_paying_workers(s, org.agent, 2, MARCH, has_jht=False)
    close(s, "2026-03", org.branch)
    before = march_statements(s)
    entries_before = s.scalar(select(func.count()).select_from(CommissionEntry))

    # cash taken on 25 March, recorded in April after March was closed
    late = make_worker(s, org.agent, has_jht=False)
    record_test_payment(s, late, date(2026, 3, 25), 1)
    assert figures(s, org.agent, "2026-03")["payments"] == 2
    assert figures(s, org.agent, "2026-04")["payments"] == 1
    assert figures(s, org.agent, "2026-04")["new_participants"] == 1

    close(s, "2026-03", org.branch)  # closing again changes nothing
    assert s.scalar(select(func.count()).select_from(CommissionEntry)) == entries_before
    close(s, "2026-04", org.branch)
    assert march_statements(s) == before
    assert figures(s, org.agent, "2026-04")["collection_fee"] == 2_520


def test_a_restart_after_ended_and_a_prior_bpu_nik_are_not_new(db, org):
    from perisai.commissions.prior_registrations import mark_previously_registered

    s = db.session
    returning = make_worker(s, org.agent, has_jht=False)
    record_test_payment(s, returning, date(2025, 1, 10), 1)
    record_test_payment(s, returning, date(2025, 8, 10), 1)  # ended after 2025-04: fresh start
    assert str(returning.first_paid_month) == "2025-01"
    assert figures(s, org.agent, "2025-08")["new_participants"] == 0
    assert figures(s, org.agent, "2025-01")["new_participants"] == 1

    known = make_worker(s, org.agent, has_jht=False)
    mark_previously_registered(s, worker=known, source="SIPP 2019")
    record_test_payment(s, known, date(2025, 9, 10), 1)
    september = figures(s, org.agent, "2025-09")
    assert (september["new_participants"], september["payments"]) == (0, 1)


def test_each_agent_and_branch_closes_separately(db, org):
    s = db.session
    new_paying_workers(s, org.agent, 1, MARCH, has_jht=False)
    new_paying_workers(s, org.other_agent, 1, MARCH, has_jht=False)
    result = close(s, "2026-03", org.branch)
    assert result.closed == {org.branch.id: [date(2026, 3, 1) and result.month]}
    assert figures(s, org.agent, "2026-03")["state"] == "closed"
    assert figures(s, org.agent2, "2026-03")["state"] == "closed"
    assert figures(s, org.other_agent, "2026-03")["state"] == "open"
    assert figures(s, org.other_agent, "2026-03")["collection_fee"] == 2_520


def test_a_payment_reversed_before_the_close_never_earns(db, org):
    from perisai.contributions.models import Payment

    s = db.session
    worker = make_worker(s, org.agent, has_jht=False)
    payment = record_test_payment(s, worker, MARCH, 1)
    reversal = reverse_payment(s, payment=s.get(Payment, payment.id), reason="salah input")
    reversal.created_at = wib(date(2026, 3, 20))
    s.flush()
    assert figures(s, org.agent, "2026-03")["payments"] == 0
    close(s, "2026-04", org.branch)  # closes March first, then April
    assert figures(s, org.agent, "2026-03")["total"] == 0
    assert figures(s, org.agent, "2026-04")["total"] == 0
    assert s.scalar(select(func.count()).select_from(CommissionEntry)) == 0
