"""Scope, lists, search and the NIK masking rules of reads."""

import uuid
from datetime import date

from sqlalchemy import event, select

from perisai import clock
from perisai.months import Month
from perisai.workers.models import Worker
from tests.conftest import login
from tests.factories import make_agent, make_worker, worker_payload


def register(api, **overrides):
    response = api.post("/api/v1/workers", json=worker_payload(**overrides))
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def test_agent_cannot_read_another_agents_participant(as_agent, as_agent2, org):
    worker = register(as_agent)
    assert as_agent.get(f"/api/v1/workers/{worker['id']}").status_code == 200
    missing = as_agent2.get(f"/api/v1/workers/{worker['id']}")
    assert missing.status_code == 404
    unknown = as_agent2.get("/api/v1/workers/00000000-0000-0000-0000-000000000000")
    assert missing.get_json() == unknown.get_json()  # outside scope looks exactly like missing


def test_supervisor_reads_own_branch_only(as_agent, as_supervisor, as_other_supervisor, org):
    worker = register(as_agent)
    body = as_supervisor.get(f"/api/v1/workers/{worker['id']}").get_json()
    assert body["nik"] == worker["nik"]  # supervisors see the full NIK
    assert as_other_supervisor.get(f"/api/v1/workers/{worker['id']}").status_code == 404


def test_managing_agent_who_did_not_register_sees_masked_nik(app, as_agent2, org, db):
    worker = register(as_agent2)
    row = db.session.get(Worker, uuid.UUID(worker["id"]))
    row.managed_by_id = org.agent.id  # handed over to agent 1
    db.session.commit()
    agent1 = login(app, org.agent_user.username)
    body = agent1.get(f"/api/v1/workers/{worker['id']}").get_json()
    assert "nik" not in body and body["nik_masked"].count("*") == 8


def test_list_masks_nik_and_paginates(as_agent, as_agent2, org):
    for _ in range(3):
        register(as_agent)
    register(as_agent2)
    response = as_agent.get("/api/v1/workers?page_size=2")
    assert response.status_code == 200
    assert response.headers["X-Pagination"] == '{"total": 3, "page": 1, "page_size": 2}'
    items = response.get_json()
    assert len(items) == 2 and all("nik" not in item for item in items)
    assert all("********" in item["nik_masked"] for item in items)


def test_page_size_above_200_is_refused(as_agent, org):
    response = as_agent.get("/api/v1/workers?page_size=201")
    assert response.status_code == 422 and "page_size" in response.get_json()["errors"]["query"]


def test_search_by_name_number_phone_and_exact_nik(as_agent, org):
    ani = register(as_agent, full_name="Ani Suryani")
    register(as_agent, full_name="Budi Hartono")

    def found(q):
        return [w["id"] for w in as_agent.get("/api/v1/workers", query_string={"q": q}).get_json()]

    assert found("suryani") == [ani["id"]]
    assert found(ani["membership_number"]) == [ani["id"]]
    assert found(ani["phone"]) == [ani["id"]]
    assert found("0" + ani["phone"][3:]) == [ani["id"]]
    assert found(ani["nik"]) == [ani["id"]]
    assert found(ani["nik"][:12]) == []  # partial NIKs do not search


def test_mistyped_membership_number_in_search_is_rejected(as_agent, org):
    ani = register(as_agent)
    number = ani["membership_number"]
    typo = number[:-1] + str((int(number[-1]) + 1) % 10)
    response = as_agent.get("/api/v1/workers", query_string={"q": typo})
    assert response.status_code == 422
    assert "q" in response.get_json()["errors"]["query"]


def test_like_wildcards_in_search_are_literal(as_agent, org):
    register(as_agent, full_name="Ani Suryani")
    assert as_agent.get("/api/v1/workers", query_string={"q": "%"}).get_json() == []


def test_status_filter_and_as_of(as_agent, org, db):
    paid = register(as_agent)
    register(as_agent)
    row = db.session.get(Worker, uuid.UUID(paid["id"]))
    this_month = Month.of(clock.today())
    row.covered_until = this_month - 2
    row.first_paid_month = this_month - 2
    db.session.commit()
    grace = as_agent.get("/api/v1/workers?status=grace").get_json()
    assert [w["id"] for w in grace] == [paid["id"]]
    registered = as_agent.get("/api/v1/workers?status=registered").get_json()
    assert len(registered) == 1 and registered[0]["id"] != paid["id"]
    assert as_agent.get("/api/v1/workers?status=active").get_json() == []
    assert db.session.scalars(select(Worker)).all()


def test_occupations_reference_lists_sectors(client):
    occupations = client.get("/api/v1/reference/occupations").get_json()
    sectors = {o["code"]: o["sector"] for o in occupations}
    assert sectors["nelayan"] == "other" and sectors["ojek_online"] == "transport"
    assert all(o["label_id"] and o["label_en"] for o in occupations)


def test_due_within_days_counts_to_the_last_covered_day(as_agent, org, db):
    """Coverage of covered_until ends on its last day: due within N days means that day."""
    from perisai.workers.models import due_within_clause

    worker = register(as_agent)
    row = db.session.get(Worker, uuid.UUID(worker["id"]))
    row.covered_until = Month(2026, 11)  # ends 2026-11-30
    db.session.commit()

    def due(today, days):
        found = db.session.scalars(select(Worker.id).where(due_within_clause(today, days)))
        return row.id in set(found)

    assert due(date(2026, 11, 23), 7)  # 30 Nov is 7 days away
    assert not due(date(2026, 11, 22), 7)  # 29 Nov is the horizon
    assert due(date(2026, 11, 30), 0)
    assert not due(date(2026, 12, 1), 30)  # already ended: grace, not due


def test_the_list_loads_the_managing_agents_with_the_page_not_one_by_one(as_supervisor, db, org):
    """A supervisor's page shows each participant's agent: as many agents, as many statements?"""

    def statements() -> int:
        executed = []
        listener = lambda *args: executed.append(1)  # noqa: E731
        event.listen(db.engine, "before_cursor_execute", listener)
        try:
            body = as_supervisor.get("/api/v1/workers?page_size=50").get_json()
        finally:
            event.remove(db.engine, "before_cursor_execute", listener)
        assert {item["managed_by"] for item in body} >= {org.agent.agent_code}
        return len(executed)

    make_worker(db.session, org.agent)
    db.session.commit()
    statements()  # the first request of a session loads what every request needs once
    few = statements()
    for n in range(8):
        agent = make_agent(db.session, org.wadah, agent_code=f"AG-L{n:02d}")
        make_worker(db.session, agent)
    db.session.commit()
    assert statements() <= few + 1  # one statement for every agent on the page, not one each
