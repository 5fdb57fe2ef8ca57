"""The rollup arithmetic on the factory-built history (tests/reports/helpers.py)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from perisai.auth.permissions import Scope
from perisai.months import Month
from perisai.reports.freshness import write_pending
from perisai.reports.models import AgentMonth, BranchMonth, RollupState
from perisai.reports.rollups import ensure_rollups, refresh_month
from tests.reports.helpers import PRICE, build_history, pay, reverse

EVERY_BRANCH = Scope("admin", None, None)


@pytest.fixture
def history(db, org):
    return build_history(db.session, org)


def agent_row(session, agent, month):
    return session.scalars(
        select(AgentMonth).where(AgentMonth.agent_id == agent.id, AgentMonth.month == month)
    ).one()


def branch_row(session, branch, month):
    return session.get(BranchMonth, (branch.id, Month.parse(month)))


def test_agent_month_figures(db, history):
    org, session = history.org, db.session
    refresh_month(session, Month.parse("2026-06"))
    a = agent_row(session, org.agent, "2026-06")
    assert (a.new_participants, a.first_payments, a.active_participants) == (0, 1, 2)
    assert (a.grace_participants, a.ended_participants) == (1, 0)
    assert (a.collected_amount, a.payments_count, a.registered_total) == (PRICE, 1, 5)
    assert (a.acquired_0, a.retained_0, a.acquired_3, a.retained_3) == (4, 2, 3, 1)
    assert (a.acquired_6, a.retained_6) == (0, 0)
    assert a.last_activity_on == date(2026, 6, 7)
    b = agent_row(session, org.agent2, "2026-06")
    assert (b.new_participants, b.first_payments, b.active_participants) == (1, 0, 1)
    assert (b.acquired_0, b.retained_0, b.collected_amount) == (1, 1, PRICE)


def test_branch_months_and_scope(db, history):
    org, session = history.org, db.session
    for month in ("2026-01", "2026-05", "2026-06"):
        refresh_month(session, Month.parse(month), [org.branch.id])
    june = branch_row(session, org.branch, "2026-06")
    assert (june.new_participants, june.first_payments, june.active_participants) == (1, 1, 3)
    assert (june.grace_participants, june.ended_participants) == (1, 0)
    assert (june.collected_amount, june.registered_total) == (2 * PRICE, 7)
    may = branch_row(session, org.branch, "2026-05")
    assert (may.new_participants, may.first_payments, may.active_participants) == (1, 1, 3)
    assert (may.grace_participants, may.ended_participants) == (0, 1)
    january = branch_row(session, org.branch, "2026-01")
    assert (january.new_participants, january.first_payments) == (5, 2)
    assert january.collected_amount == 7 * PRICE
    assert branch_row(session, org.other_branch, "2026-06") is None  # not asked for


def stale_pairs(session) -> list[tuple[int, str]]:
    rows = session.scalars(select(RollupState).where(RollupState.is_stale.is_(True)))
    return sorted((s.branch_id, str(s.month)) for s in rows)


def test_stale_marks_are_written_at_commit_and_kept_from_a_rolled_back_savepoint(db, history):
    org, session = history.org, db.session
    months = [Month.parse("2026-05"), Month.parse("2026-06")]
    ensure_rollups(session, months, EVERY_BRANCH)
    session.commit()
    with pytest.raises(RuntimeError), session.begin_nested():
        pay(session, history.workers["a4"], date(2026, 6, 9), ["2026-06"])
        session.flush()
        raise RuntimeError("this operation failed")
    pay(session, history.workers["a1"], date(2026, 5, 9), ["2026-07"])
    session.flush()
    assert stale_pairs(session) == []  # noted by the flushes, not written yet
    session.commit()
    # May from the payment that stands; June and later also from the one rolled back (marking
    # too much costs a recomputation, too little would be wrong).
    assert stale_pairs(session) == [(org.branch.id, "2026-05"), (org.branch.id, "2026-06")]


def test_a_rolled_back_transaction_leaves_no_stale_marks_behind(db, history):
    session = history.org and db.session
    ensure_rollups(session, [Month.parse("2026-06")], EVERY_BRANCH)
    session.commit()
    pay(session, history.workers["a4"], date(2026, 6, 9), ["2026-06"])
    session.flush()
    session.rollback()
    session.commit()
    assert stale_pairs(session) == []


def test_writes_mark_rollups_stale_and_ensure_recomputes(db, history):
    org, session = history.org, db.session
    months = [Month.parse("2026-05"), Month.parse("2026-06")]
    assert ensure_rollups(session, months, EVERY_BRANCH) == 4  # two branches × two months
    assert ensure_rollups(session, months, EVERY_BRANCH) == 0
    payment = pay(session, history.workers["a4"], date(2026, 6, 9), ["2026-06"])
    write_pending(session)  # what a commit or the next report does
    stale = session.scalars(select(RollupState).where(RollupState.is_stale.is_(True))).all()
    assert [(s.branch_id, str(s.month)) for s in stale] == [(org.branch.id, "2026-06")]
    assert ensure_rollups(session, months, EVERY_BRANCH) == 1
    assert branch_row(session, org.branch, "2026-06").active_participants == 4
    reverse(session, payment)
    assert ensure_rollups(session, months, Scope("supervisor", None, org.branch.id)) == 1
    assert branch_row(session, org.branch, "2026-06").active_participants == 3
    assert branch_row(session, org.branch, "2026-06").collected_amount == 2 * PRICE
