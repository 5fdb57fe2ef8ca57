"""A supervisor hands an agent's participants to another agent (DOMAIN.md §10): who may, to whom,
what it records, and who earns what on both sides of the reassignment month."""

from datetime import date

import pytest
from sqlalchemy import select

from perisai.auth.permissions import Scope
from perisai.months import Month
from perisai.workers.changes import reassign_portfolio
from perisai.workers.models import Worker, WorkerChange
from tests.commissions.helpers import close, figures, new_paying_workers
from tests.factories import make_agent, make_worker, record_test_payment


def portfolio(db, agent):
    db.session.expire_all()
    return set(db.session.scalars(select(Worker.id).where(Worker.managed_by_id == agent.id)))


def test_the_whole_portfolio_moves_and_each_move_is_recorded(as_supervisor, db, org):
    workers = [make_worker(db.session, org.agent) for _ in range(3)]
    db.session.commit()
    response = as_supervisor.post(
        f"/api/v1/agents/{org.agent.agent_code}/reassign",
        json={"to_agent_code": org.agent2.agent_code},
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"moved": 3}
    assert portfolio(db, org.agent) == set()
    assert portfolio(db, org.agent2) == {w.id for w in workers}
    changes = db.session.scalars(
        select(WorkerChange).where(WorkerChange.worker_id.in_([w.id for w in workers]))
    ).all()
    assert len(changes) == 3 and {c.kind for c in changes} == {"reassign"}
    assert changes[0].changes == {"managed_by": [org.agent.agent_code, org.agent2.agent_code]}
    assert {db.session.get(Worker, w.id).version for w in workers} == {2}


def test_named_participants_move_and_the_rest_stay(as_supervisor, as_agent2, db, org):
    moving, staying = make_worker(db.session, org.agent), make_worker(db.session, org.agent)
    db.session.commit()
    response = as_supervisor.post(
        f"/api/v1/agents/{org.agent.agent_code}/reassign",
        json={"to_agent_code": org.agent2.agent_code, "worker_ids": [str(moving.id)]},
    )
    assert response.get_json() == {"moved": 1}
    assert portfolio(db, org.agent) == {staying.id}
    # The new agent sees it (managed_by) and may change it now.
    body = as_agent2.get(f"/api/v1/workers/{moving.id}").get_json()
    assert body["managed_by"] == org.agent2.agent_code and body["version"] == 2
    url = f"/api/v1/workers/{moving.id}"
    edit = as_agent2.patch(url, json={"version": 2, "address": "Jl. B 9"})
    assert edit.status_code == 200


def test_the_target_must_be_an_active_agent_of_the_same_branch(as_supervisor, db, org):
    worker = make_worker(db.session, org.agent)
    suspended = make_agent(db.session, org.wadah2)
    suspended.status = "suspended"
    db.session.commit()
    url = f"/api/v1/agents/{org.agent.agent_code}/reassign"
    elsewhere = as_supervisor.post(url, json={"to_agent_code": org.other_agent.agent_code})
    assert elsewhere.status_code == 422
    assert "to_agent_code" in elsewhere.get_json()["errors"]["json"]
    unknown = as_supervisor.post(url, json={"to_agent_code": "PRS-NOPE"})
    assert unknown.status_code == 422
    inactive = as_supervisor.post(url, json={"to_agent_code": suspended.agent_code})
    assert inactive.status_code == 409 and suspended.agent_code in inactive.get_json()["message"]
    same = as_supervisor.post(url, json={"to_agent_code": org.agent.agent_code})
    assert same.status_code == 422
    other = make_worker(db.session, org.agent2)
    db.session.commit()
    foreign = as_supervisor.post(
        url, json={"to_agent_code": org.agent2.agent_code, "worker_ids": [str(other.id)]}
    )
    assert foreign.status_code == 422 and str(other.id) in foreign.get_json()["message"] + str(
        foreign.get_json()["errors"]
    )
    assert portfolio(db, org.agent) == {worker.id}


def test_only_the_branch_supervisor_or_an_admin_reassigns(
    as_agent, as_other_supervisor, as_admin, db, org
):
    make_worker(db.session, org.agent)
    db.session.commit()
    url = f"/api/v1/agents/{org.agent.agent_code}/reassign"
    body = {"to_agent_code": org.agent2.agent_code}
    assert as_agent.post(url, json=body).status_code == 403
    assert as_other_supervisor.post(url, json=body).status_code == 404
    assert as_admin.post("/api/v1/agents/PRS-NOPE/reassign", json=body).status_code == 404
    assert as_admin.post(url, json=body).get_json() == {"moved": 1}


MARCH, APRIL = date(2026, 3, 10), date(2026, 4, 10)
JHT_MARCH = 36_800  # before the PP 50/2025 discount
JHT_APRIL = 28_400  # JKK and JKM at 50 % from April 2026 (other sectors), JHT in full


@pytest.mark.today("2026-05-10")
def test_commissions_on_both_sides_of_a_reassignment(db, org):
    """Acquisition stays with the agent who earned it; collection fees from the reassignment
    month go to the new agent; the 60-month band counts from the acquisition month."""
    s = db.session
    acquired = new_paying_workers(s, org.agent, 25, MARCH, has_jht=True)
    # One long-standing participant (first paid April 2024: April 2026 is its month 25).
    veteran = make_worker(
        s,
        org.agent,
        has_jht=True,
        first_paid_month=Month(2024, 4),
        covered_until=Month(2026, 3),
    )
    s.flush()
    supervisor = Scope(role="supervisor", agent_id=None, branch_id=org.branch.id)
    moved = reassign_portfolio(
        s,
        scope=supervisor,
        from_agent=org.agent,
        to_agent_code=org.agent2.agent_code,
        worker_ids=None,
        changed_by=org.supervisor_user,
        today=date(2026, 4, 2),
    )
    assert moved == 26
    for worker in [*acquired, veteran]:
        record_test_payment(s, worker, APRIL)  # collected by the new agent
    s.commit()
    close(s, "2026-03", org.branch)
    close(s, "2026-04", org.branch)

    old_march, new_march = figures(s, org.agent, "2026-03"), figures(s, org.agent2, "2026-03")
    assert old_march["state"] == "closed"
    assert old_march["acquisition_fee"] == 25 * 15_000
    assert old_march["collection_fee"] == 25 * JHT_MARCH * 15 // 100
    assert new_march["total"] == 0

    old_april, new_april = figures(s, org.agent, "2026-04"), figures(s, org.agent2, "2026-04")
    assert old_april["total"] == 0
    assert new_april["acquisition_fee"] == 0  # acquired in March, by the other agent
    # Month 2 after acquisition (15 %) for the 25, month 25 (5 %) for the veteran.
    assert new_april["collection_fee"] == 25 * JHT_APRIL * 15 // 100 + JHT_APRIL * 5 // 100
    assert new_april["collected_amount"] == 26 * JHT_APRIL
