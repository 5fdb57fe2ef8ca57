"""GET /api/v1/cash/agents: every agent's cash for its supervisor (a page, X-Pagination), the
branch an admin names; another branch's supervisor sees none of it and gets 404 for one of its
agents."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.cash.conftest import MONTHLY, deposit, pay

pytestmark = pytest.mark.today("2026-12-10")

FIELDS = {
    "agent_code",
    "name",
    "wadah",
    "status",
    "cash_in_hand",
    "unsettled_since",
    "ageing",
    "blocked",
    "block_reason",
    "ceiling",
    "max_age_days",
    "unconfirmed_deposits",
    "unsettled_amount",
    "month_cash",
    "settlement_rate",
}


def listed(client, query="", expect=200):
    response = client.get(f"/api/v1/cash/agents{query}")
    assert response.status_code == expect, response.get_json()
    return response


def test_the_supervisor_sees_its_branchs_agents_with_their_cash(
    org, as_agent, as_supervisor, workers
):
    pay(as_agent, workers[0], 2, paid_on=date(2026, 12, 6))
    deposit(as_agent, MONTHLY, "VA-1")
    response = listed(as_supervisor)
    assert json.loads(response.headers["X-Pagination"]) == {"total": 2, "page": 1, "page_size": 50}
    first, second = response.get_json()
    assert set(first) == FIELDS
    assert first["agent_code"] == org.agent.agent_code and first["name"] == org.agent.full_name
    assert first["cash_in_hand"] == MONTHLY and first["unsettled_since"] == "2026-12-06"
    assert first["ageing"] == {"days_0_2": 0, "days_3_7": MONTHLY, "days_over_7": 0}
    assert first["blocked"] is True and first["block_reason"] == "age"
    assert first["unconfirmed_deposits"] == MONTHLY and first["unsettled_amount"] == 2 * MONTHLY
    assert first["settlement_rate"] == 0.0 and first["month_cash"] == 2 * MONTHLY
    assert first["ceiling"] == 2_000_000 and first["max_age_days"] == 3
    # the one agent's own view says the same
    own = as_supervisor.get(f"/api/v1/cash/agents/{org.agent.agent_code}").get_json()
    assert (own["cash_in_hand"], own["unsettled_since"], own["blocked"]) == (
        first["cash_in_hand"],
        first["unsettled_since"],
        first["blocked"],
    )
    assert second["agent_code"] == org.agent2.agent_code and second["cash_in_hand"] == 0
    assert second["settlement_rate"] is None and second["blocked"] is False


def test_pages_and_the_oldest_cash_first(org, as_agent, as_supervisor, workers):
    pay(as_agent, workers[0], 1)
    page = listed(as_supervisor, "?page=2&page_size=1")
    assert [row["agent_code"] for row in page.get_json()] == [org.agent2.agent_code]
    assert json.loads(page.headers["X-Pagination"])["total"] == 2
    oldest = listed(as_supervisor, "?sort=unsettled_since").get_json()
    assert oldest[0]["agent_code"] == org.agent.agent_code
    assert listed(as_supervisor, "?sort=nama", expect=422).get_json()["errors"]["query"]["sort"]


def test_another_branch_sees_nothing_of_it(org, as_agent, as_other_supervisor, workers):
    pay(as_agent, workers[0], 1)
    theirs = listed(as_other_supervisor).get_json()
    assert [row["agent_code"] for row in theirs] == [org.other_agent.agent_code]
    assert theirs[0]["cash_in_hand"] == 0
    refused = as_other_supervisor.get(f"/api/v1/cash/agents/{org.agent.agent_code}")
    assert refused.status_code == 404
    asked = listed(as_other_supervisor, f"?branch={org.branch.code}", expect=422)
    assert "branch" in asked.get_json()["errors"]["query"]


def test_an_admin_names_the_branch(org, as_agent, as_admin, workers):
    pay(as_agent, workers[0], 1)
    country = listed(as_admin, expect=422).get_json()  # every agent's cash: a branch first
    assert country["errors"]["query"]["branch"] == [
        "Pilih cabang yang kas agennya ingin dilihat (?branch=)."
    ]
    mine = listed(as_admin, f"?branch={org.branch.code}").get_json()
    assert [row["agent_code"] for row in mine] == [org.agent.agent_code, org.agent2.agent_code]
    chosen = listed(as_admin, f"?branch={org.other_branch.code}").get_json()
    assert [row["agent_code"] for row in chosen] == [org.other_agent.agent_code]
    listed(as_admin, "?branch=KC-NONE", expect=422)


@pytest.mark.parametrize("who", ["as_agent", None])
def test_agents_and_strangers_have_no_overview(request, client, who):
    if who is None:
        assert client.get("/api/v1/cash/agents").status_code == 401
    else:
        assert request.getfixturevalue(who).get("/api/v1/cash/agents").status_code == 403
