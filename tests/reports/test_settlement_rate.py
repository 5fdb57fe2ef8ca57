"""The agents report's settlement rate: the share of the cash an agent took in the month (its
custody, by amount) that the bank has settled; read live for the page's agents, not from the
rollups, so a statement uploaded a minute ago shows at once."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from perisai.cash.limits import add_limit
from tests.cash.conftest import MONTHLY, deposit, pay, statement
from tests.factories import make_worker

pytestmark = pytest.mark.today("2026-12-10")


@pytest.fixture
def workers(db, org):
    add_limit(  # cash held since November does not block December's payments here
        db.session,
        branch_id=org.branch.id,
        effective_from=date(2026, 1, 1),
        ceiling=2_000_000,
        max_age_days=60,
        source="test",
    )
    made = [make_worker(db.session, org.agent, funding="apbd") for _ in range(4)]
    db.session.commit()
    return made


def rows(client, month: str) -> dict:
    response = client.get(f"/api/v1/reports/agents?month={month}")
    assert response.status_code == 200, response.get_json()
    return {row["agent_code"]: row for row in response.get_json()}


def test_the_share_of_the_months_cash_that_is_settled(org, as_agent, as_supervisor, workers):
    pay(as_agent, workers[0], 1, paid_on=date(2026, 11, 20))
    pay(as_agent, workers[1], 2, paid_on=date(2026, 12, 1))
    pay(as_agent, workers[2], 1, paid_on=date(2026, 12, 9))
    pay(as_agent, workers[3], 1, channel="bank")  # never in its hands: not counted
    assert rows(as_supervisor, "2026-12")[org.agent.agent_code]["settlement_rate"] == 0.0
    deposit(as_agent, 3 * MONTHLY, "VA-1", date(2026, 12, 2))
    statement(as_supervisor, [("2026-12-02", "VA-1", 3 * MONTHLY)])  # November's and the 1st's
    december = rows(as_supervisor, "2026-12")
    assert december[org.agent.agent_code]["settlement_rate"] == round(2 / 3, 4)
    assert december[org.agent2.agent_code]["settlement_rate"] is None  # no cash at all
    assert rows(as_supervisor, "2026-11")[org.agent.agent_code]["settlement_rate"] == 1.0
    exported = as_supervisor.get("/api/v1/reports/agents?month=2026-12&format=csv")
    table = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True).lstrip("\ufeff"))))
    mine = next(row for row in table if row["agent_code"] == org.agent.agent_code)
    assert mine["settlement_rate"] == str(round(2 / 3, 4))
