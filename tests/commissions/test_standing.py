"""Agent standing (DOMAIN.md §4): warning at 2 empty months, suspension at exactly 3,
reactivation not before 6 months, Wadah below target, and the command safe to run twice."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from perisai.commissions.models import StandingFlag
from perisai.commissions.standing import check_standing, flag_reasons, reactivate_agent
from perisai.errors import Conflict
from perisai.months import Month
from tests.commissions.helpers import close, new_paying_workers
from tests.factories import make_worker, record_test_payment, worker_payload

pytestmark = pytest.mark.today("2026-04-02")  # the standing of March is checked in early April


def run(session, month: str):
    return check_standing(session, month=Month.parse(month))


def flags(session, month: str):
    rows = session.scalars(select(StandingFlag).where(StandingFlag.month == month))
    return sorted((row.subject, row.kind, row.reason, row.months) for row in rows)


def test_two_empty_months_warn_and_exactly_three_suspend(db, org):
    s = db.session
    # agent2 acquires one participant in March; agent none at all (joined 2026-01-01)
    new_paying_workers(s, org.agent2, 1, date(2026, 3, 10), has_jht=False)

    february = run(s, "2026-02")
    assert {org.agent.agent_code, org.agent2.agent_code} <= set(february.warned)
    assert february.suspended == []
    assert org.agent.status == "active"

    march = run(s, "2026-03")
    assert org.agent.agent_code in march.suspended
    assert org.agent2.agent_code not in march.suspended
    assert org.agent.status == "suspended"
    assert org.agent2.status == "active"  # acquired in March: the run is broken
    assert (f"agent:{org.agent.id}", "suspended", "no_transaction", 3) in flags(s, "2026-03")
    reasons = flag_reasons(s, Month.parse("2026-03"), [org.agent.id])
    assert reasons == {org.agent.id: [("suspended", "no_transaction")]}


def test_collecting_without_acquiring_is_still_three_months_without_acquisition(db, org):
    s = db.session
    worker = make_worker(s, org.agent, has_jht=False, funding="apbd")
    record_test_payment(s, worker, date(2025, 12, 10), 1)  # acquired before the agent joined
    for day in (date(2026, 1, 10), date(2026, 2, 10), date(2026, 3, 10)):
        record_test_payment(s, worker, day, 1)
    result = run(s, "2026-03")
    assert org.agent.agent_code in result.suspended
    assert (f"agent:{org.agent.id}", "suspended", "no_acquisition", 3) in flags(s, "2026-03")


def test_months_before_joining_do_not_count(db, org):
    s = db.session
    org.agent.joined_on = date(2026, 2, 15)
    result = run(s, "2026-03")
    assert org.agent.agent_code in result.warned  # February and March only
    assert org.agent.status == "active"


def test_running_twice_changes_nothing(db, org, app):
    s = db.session
    run(s, "2026-03")
    before = flags(s, "2026-03")
    assert before
    s.commit()
    runner = app.test_cli_runner()
    output = runner.invoke(args=["perisai", "standing", "--month", "2026-03"])
    assert output.exit_code == 0, output.output
    assert "suspended 0" in output.output
    assert flags(s, "2026-03") == before


def test_closed_months_are_read_from_their_statements(db, org):
    s = db.session
    new_paying_workers(s, org.agent, 1, date(2026, 1, 10), has_jht=False)
    close(s, "2026-03", org.branch)
    result = run(s, "2026-03")
    assert org.agent.agent_code in result.warned and org.agent.status == "active"
    assert org.agent2.agent_code in result.suspended


def test_wadah_below_target_three_months_running_is_flagged(db, org):
    s = db.session
    org.wadah2.monthly_target = 1
    new_paying_workers(s, org.agent2, 1, date(2026, 2, 10), has_jht=False)
    result = run(s, "2026-03")
    assert org.wadah.name in result.wadahs_below_target  # target 25, nothing acquired
    assert org.wadah2.name not in result.wadahs_below_target  # target 1, met in February
    assert (f"wadah:{org.wadah.id}", "below_target", "target", 3) in flags(s, "2026-03")


def test_reactivation_not_before_six_months(db, org):
    s = db.session
    run(s, "2026-03")
    assert org.agent.status == "suspended"
    suspended_on = org.agent.status_changed_at.date()
    earliest = (Month.of(suspended_on) + 6).first_day().replace(day=min(suspended_on.day, 28))
    with pytest.raises(Conflict):  # a day too early
        reactivate_agent(s, agent=org.agent, today=earliest - timedelta(days=1))
    reactivate_agent(s, agent=org.agent, today=earliest.replace(day=28))
    assert org.agent.status == "active"
    with pytest.raises(Conflict):
        reactivate_agent(s, agent=org.agent, today=earliest)


def test_a_suspended_agent_cannot_register(db, org, as_agent):
    run(db.session, "2026-03")
    db.session.commit()
    response = as_agent.post("/api/v1/workers", json=worker_payload())
    assert response.status_code == 403


def test_standing_flags_and_reactivation_by_api(db, org, as_supervisor, as_agent, as_admin):
    run(db.session, "2026-03")
    db.session.commit()
    response = as_supervisor.get("/api/v1/commissions/standing?month=2026-03")
    assert response.status_code == 200
    kinds = {(row["agent_code"], row["kind"]) for row in response.get_json()}
    assert (org.agent.agent_code, "suspended") in kinds
    assert as_agent.get("/api/v1/commissions/standing?month=2026-03").status_code == 403
    early = as_supervisor.post(f"/api/v1/commissions/agents/{org.agent.agent_code}/reactivate")
    assert early.status_code == 409
    other = as_admin.post("/api/v1/commissions/agents/NOPE/reactivate")
    assert other.status_code == 404
