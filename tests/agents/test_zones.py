"""A branch's time zone decides its "today" (DOMAIN.md §7).

At 2026-12-31 16:30 UTC it is 23:30 on 31 December in WIB but 01:30 on 1 January in WIT. A
participant of a WIT branch covered until December is then in grace (January unpaid) on every
screen, whoever looks, while one of a WIB branch is still active; the agents' quotes start in
their own month and their commission month is their branch's.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest

from perisai import clock, zones
from tests.factories import make_worker, record_test_payment

MOMENT = "2026-12-31T16:30:00+00:00"
pytestmark = pytest.mark.today(MOMENT)
REGISTERED = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)


@pytest.fixture
def wit(db, org):
    """Branch A (agent, agent2, supervisor) in WIT; branch B (other_agent) stays WIB."""
    org.branch.time_zone = "WIT"
    db.session.commit()
    return org


def paid_for_december(db, agent):
    worker = make_worker(db.session, agent, created_at=REGISTERED)
    record_test_payment(db.session, worker, date(2026, 12, 10))  # the first payment: December
    db.session.commit()
    return worker


def statuses(client, worker) -> dict:
    """The participant's status on the participant screen, the list, the list filtered by
    that status, and the renewal list."""
    one = client.get(f"/api/v1/workers/{worker.id}").get_json()["status"]
    listed = {w["id"]: w["status"] for w in client.get("/api/v1/workers").get_json()}
    filtered = client.get(f"/api/v1/workers?status={one}").get_json()
    renewals = {r["worker_id"]: r["status"] for r in client.get("/api/v1/renewals").get_json()}
    return {
        "one": one,
        "list": listed[str(worker.id)],
        "filtered": str(worker.id) in {w["id"] for w in filtered},
        "renewals": renewals.get(str(worker.id)),
    }


def test_the_clock_reads_the_two_dates(db, wit):
    assert clock.today("WIB") == date(2026, 12, 31)
    assert clock.today("WIT") == date(2027, 1, 1)
    assert zones.of_branch(db.session, wit.branch.id) == "WIT"
    assert zones.of_user(db.session, wit.agent_user) == "WIT"
    assert zones.of_user(db.session, wit.other_agent_user) == "WIB"
    assert zones.of_user(db.session, wit.admin_user) == "WIB"  # no branch


def test_a_wit_participant_is_in_grace_on_every_screen(db, wit, as_agent, as_admin):
    worker = paid_for_december(db, wit.agent)
    expected = {"one": "grace", "list": "grace", "filtered": True, "renewals": "grace"}
    assert statuses(as_agent, worker) == expected
    # the administrator works in WIB, but the participant's status is the participant's
    one = as_admin.get(f"/api/v1/workers/{worker.id}").get_json()
    assert one["status"] == "grace"
    listed = {w["id"]: w["status"] for w in as_admin.get("/api/v1/workers").get_json()}
    assert listed[str(worker.id)] == "grace"


def test_a_wib_participant_is_still_active_at_the_same_instant(db, wit, as_other_branch_agent):
    worker = paid_for_december(db, wit.other_agent)
    expected = {"one": "active", "list": "active", "filtered": True, "renewals": "active"}
    assert statuses(as_other_branch_agent, worker) == expected


def test_the_supervisor_page_counts_the_same_status(db, wit, as_supervisor):
    paid_for_december(db, wit.agent)
    page = as_supervisor.get(f"/supervisor/agents/{wit.agent.agent_code}")
    assert page.status_code == 200
    counts = dict(
        re.findall(r'data-status="(\w+)"><strong>(\d+)</strong>', page.get_data(as_text=True))
    )
    assert counts["grace"] == "1" and counts["active"] == "0"


def test_quotes_start_in_the_participants_own_month(db, wit, as_agent, as_other_branch_agent):
    new_in_wit = make_worker(db.session, wit.agent, created_at=REGISTERED)
    new_in_wib = make_worker(db.session, wit.other_agent, created_at=REGISTERED)
    paid_in_wit = paid_for_december(db, wit.agent)
    db.session.commit()

    def quote(client, worker):
        return client.get(f"/api/v1/workers/{worker.id}/quote?months=1").get_json()

    assert quote(as_agent, new_in_wit)["start_month"] == "2027-01"
    assert quote(as_other_branch_agent, new_in_wib)["start_month"] == "2026-12"
    owed = quote(as_agent, paid_in_wit)
    assert owed["status"] == "grace" and owed["start_month"] == "2027-01"


def test_the_commission_month_is_the_branchs(db, wit, as_agent, as_other_branch_agent):
    [wit_statement] = as_agent.get("/api/v1/commissions/statements").get_json()
    [wib_statement] = as_other_branch_agent.get("/api/v1/commissions/statements").get_json()
    assert wit_statement["month"] == "2027-01"
    assert wib_statement["month"] == "2026-12"
