"""The supervisor's cash overview (perisai.cash.overview): cash in hand by age, blocks and the
settlement rate for every agent of a branch at once, and the same figures as the one agent's
position (perisai.cash.position)."""

from __future__ import annotations

from datetime import date

import pytest

from perisai import zones
from perisai.auth.permissions import Scope
from perisai.cash.limits import add_limit
from perisai.cash.overview import agents_cash
from perisai.cash.position import cash_position
from tests.cash.conftest import MONTHLY, deposit, pay, statement
from tests.factories import make_worker

pytestmark = pytest.mark.today("2026-12-10")


def overview(db, org, user=None):
    scope = Scope.of(user or org.supervisor_user)
    rows, total = agents_cash(db.session, scope, page=1, page_size=50)
    return {row.agent.agent_code: row for row in rows}, total


def lenient_limit(db, org, **overrides):
    """30 days instead of 3, so that a test can hold cash a week old and still record more."""
    values = {"ceiling": 2_000_000, "max_age_days": 30, **overrides}
    add_limit(
        db.session,
        branch_id=org.branch.id,
        effective_from=date(2026, 1, 1),
        source="test",
        **values,
    )
    db.session.commit()


def test_cash_in_hand_is_aged_from_its_day_and_deposits_take_the_oldest(db, org, as_agent, workers):
    lenient_limit(db, org)
    for worker, day in zip(workers, (2, 3, 7, 8, 10), strict=False):
        pay(as_agent, worker, 1, paid_on=date(2026, 12, day))  # 8, 7, 3, 2 and 0 days old
    deposit(as_agent, MONTHLY + 6_800, "VA-1")  # the oldest, and 6.800 of the next
    rows, total = overview(db, org)
    assert total == 2  # the branch's two agents; the other branch's is not listed
    mine = rows[org.agent.agent_code]
    assert mine.ageing == {
        "days_over_7": 0,  # 8 days: covered by the deposit
        "days_3_7": (MONTHLY - 6_800) + MONTHLY,  # 7 days (what is left of it) and 3 days
        "days_0_2": 2 * MONTHLY,  # 2 days and today
    }
    assert mine.cash_in_hand == 5 * MONTHLY - (MONTHLY + 6_800) == sum(mine.ageing.values())
    assert mine.unsettled_since == date(2026, 12, 3)
    assert mine.position.unconfirmed == MONTHLY + 6_800
    assert mine.position.unsettled == 5 * MONTHLY
    assert mine.blocked is False and mine.block_reason is None
    assert mine.settlement_rate == 0.0  # nothing reached the bank yet
    idle = rows[org.agent2.agent_code]
    assert idle.cash_in_hand == 0 and idle.unsettled_since is None
    assert idle.ageing == {"days_0_2": 0, "days_3_7": 0, "days_over_7": 0}
    assert idle.settlement_rate is None  # no cash this month


@pytest.mark.today("2026-12-20")
def test_cash_more_than_a_week_old(db, org, as_agent, workers):
    lenient_limit(db, org)
    pay(as_agent, workers[0], 2, paid_on=date(2026, 12, 1))
    pay(as_agent, workers[1], 1, paid_on=date(2026, 12, 12))
    mine = overview(db, org)[0][org.agent.agent_code]
    assert mine.ageing == {"days_0_2": 0, "days_3_7": 0, "days_over_7": 3 * MONTHLY}
    assert mine.unsettled_since == date(2026, 12, 1)


def test_the_figures_are_those_of_the_agents_own_position(
    db, org, as_agent, as_agent2, as_supervisor, workers
):
    """A settled payment, a matched deposit, one waiting, a rejected one, a reversal and two
    blocks: every figure the overview shows equals the position's."""
    lenient_limit(db, org)
    add_limit(
        db.session,
        agent_id=org.agent2.id,
        branch_id=org.branch.id,
        effective_from=date(2026, 1, 1),
        ceiling=10_000,
        max_age_days=30,
        source="test: a low ceiling",
    )
    theirs = [make_worker(db.session, org.agent2, funding="apbd") for _ in range(2)]
    db.session.commit()
    pay(as_agent, workers[0], 2, paid_on=date(2026, 12, 1))
    pay(as_agent, workers[1], 1, paid_on=date(2026, 12, 4))
    wrong = pay(as_agent, workers[2], 1, paid_on=date(2026, 12, 5))
    pay(as_agent, workers[3], 3, paid_on=date(2026, 12, 9))
    deposit(as_agent, 2 * MONTHLY, "VA-10", date(2026, 12, 2))
    statement(as_supervisor, [("2026-12-03", "VA-10", 2 * MONTHLY)])  # settles the first
    refused = deposit(as_agent, MONTHLY, "VA-11", date(2026, 12, 5))
    as_supervisor.post(
        f"/api/v1/cash/deposits/{refused['id']}/resolve",
        json={"decision": "reject", "note": "never reached the bank"},
    )
    deposit(as_agent, 5_000, "VA-12")
    as_supervisor.post(f"/api/v1/payments/{wrong['id']}/reverse", json={"reason": "twice"})
    pay(as_agent2, theirs[0], 1)  # over its ceiling of 10.000
    rows, _ = overview(db, org)
    for agent in (org.agent, org.agent2):
        row = rows[agent.agent_code]
        own = cash_position(db.session, agent, zones.today_of_branch(db.session, org.branch.id))
        assert row.cash_in_hand == own.cash_in_hand
        assert row.unsettled_since == own.unsettled_since
        assert row.blocked == own.blocked and row.block_reason == own.block_reason
        assert row.position.unconfirmed == own.unconfirmed
        assert row.position.unsettled == own.unsettled
        assert row.position.limit.id == own.limit.id
        assert sum(row.ageing.values()) == sum(c.amount for c in own.open)
    mine = rows[org.agent.agent_code]
    assert mine.cash_in_hand == 4 * MONTHLY - 5_000  # 12-04 and 12-09; the reversal is out
    assert mine.settlement_rate == round(2 / 6, 4)  # of 6 months' cash standing, 2 settled
    assert rows[org.agent2.agent_code].block_reason == "ceiling"
    assert list(rows) == [org.agent.agent_code, org.agent2.agent_code]  # most cash first


def test_the_age_limit_blocks(db, org, as_agent, workers):
    pay(as_agent, workers[0], 1, paid_on=date(2026, 12, 6))  # 4 days: over the 3 days
    mine = overview(db, org)[0][org.agent.agent_code]
    assert mine.blocked is True and mine.block_reason == "age"
    assert mine.ageing["days_3_7"] == MONTHLY


def test_the_settlement_rate_is_of_this_months_cash(db, org, as_agent, as_supervisor, workers):
    lenient_limit(db, org)
    pay(as_agent, workers[0], 1, paid_on=date(2026, 11, 28))  # last month's: not counted
    pay(as_agent, workers[1], 1, paid_on=date(2026, 12, 1))
    pay(as_agent, workers[2], 2, paid_on=date(2026, 12, 2))
    deposit(as_agent, 2 * MONTHLY, "VA-20", date(2026, 12, 2))
    statement(as_supervisor, [("2026-12-02", "VA-20", 2 * MONTHLY)])  # November's and the 1st
    mine = overview(db, org)[0][org.agent.agent_code]
    assert mine.settlement_rate == round(1 / 3, 4)
    assert mine.month_cash == 3 * MONTHLY


def test_an_admin_sees_every_branch_and_a_supervisor_its_own(db, org, as_agent, workers):
    pay(as_agent, workers[0], 1)
    everyone, total = overview(db, org, org.admin_user)
    assert total == 3 and set(everyone) >= {org.agent.agent_code, org.other_agent.agent_code}
    theirs, total = overview(db, org, org.other_supervisor_user)
    assert total == 1 and list(theirs) == [org.other_agent.agent_code]
    chosen = Scope.of(org.admin_user).within(org.other_branch.id)
    rows, total = agents_cash(db.session, chosen)
    assert total == 1 and rows[0].agent.agent_code == org.other_agent.agent_code
