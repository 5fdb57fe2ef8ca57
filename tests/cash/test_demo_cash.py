"""The demo dataset shows cash custody from the start: agent holds cash it may still add to,
agent2's deposit waits for the bank."""

from __future__ import annotations

import pytest

from perisai.cli import demo_command
from tests.conftest import login


@pytest.mark.today("2026-12-10")
def test_the_demo_agents_hold_cash_and_one_deposit_waits(app, db):
    assert app.test_cli_runner().invoke(demo_command).exit_code == 0
    agent = login(app, "agent", "perisai-demo")
    code = agent.user["agent_code"]
    held = agent.get(f"/api/v1/cash/agents/{code}").get_json()
    assert held["cash_in_hand"] > 0 and held["blocked"] is False
    assert held["unsettled_since"] == "2026-12-09"
    agent2 = login(app, "agent2", "perisai-demo")
    deposits = agent2.get("/api/v1/cash/deposits").get_json()
    assert [d["state"] for d in deposits] == ["recorded"]
    position = agent2.get(f"/api/v1/cash/agents/{agent2.user['agent_code']}").get_json()
    assert position["cash_in_hand"] == 0 and position["unsettled_amount"] == deposits[0]["amount"]
