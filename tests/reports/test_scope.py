"""Whose figures a report reads: the caller's Scope (perisai.auth.permissions) as SQL. An
admin's national report carries no branch condition at all (no IN of every branch), one branch
chosen is that branch, and the rollups kept current are those of the scope's branches."""

from __future__ import annotations

import pytest

from perisai.auth.permissions import Scope
from perisai.months import Month
from perisai.reports.leaderboard import leaderboard_query
from perisai.reports.overview import overview
from perisai.reports.rollups import among, zone_groups
from tests.reports.helpers import build_history

JUNE = Month.parse("2026-06")
ADMIN = Scope("admin", None, None)


@pytest.fixture
def history(db, org):
    return build_history(db.session, org)


def test_a_national_report_has_no_branch_condition():
    sql = str(leaderboard_query(JUNE, ADMIN))
    assert "branch_id =" not in sql and " IN " not in sql.upper()
    chosen = str(leaderboard_query(JUNE, ADMIN.within(7)))
    assert "report_agent_months.branch_id = " in chosen and "wadahs.branch_id = " in chosen


def test_branch_filters_of_a_refresh_and_of_a_scope_group_branches_alike(db, history):
    org = history.org
    assert zone_groups(db.session, ADMIN.branches) == [("WIB", ADMIN.branches)]
    [(zone, ids)] = zone_groups(db.session, among([org.branch.id]))
    assert zone == "WIB" and "IN" in str(ids(org.branch.__table__.c.id)).upper()


def test_overview_of_one_branch_chosen_is_that_branch(db, history):
    org = history.org
    national = overview(db.session, ADMIN, JUNE).current
    one = overview(db.session, ADMIN.within(org.branch.id), JUNE).current
    own = overview(db.session, Scope("supervisor", None, org.branch.id), JUNE).current
    other = overview(db.session, ADMIN.within(org.other_branch.id), JUNE).current
    assert one == own
    assert {n: one[n] + other[n] for n in national} == national
