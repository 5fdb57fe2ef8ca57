"""Recording a participant's death (DOMAIN.md §10): ended with the date, never due again, and no
month after the month of death can be paid."""

import uuid
from datetime import date

import pytest
from sqlalchemy import select

from perisai.months import Month
from perisai.workers.models import WorkerChange, status_for
from tests.factories import make_agent, make_branch, make_regions, make_wadah, make_worker

APBD = 16_800
RENEWALS = "/api/v1/renewals?due_within_days=30"


@pytest.fixture
def worker(db, org):
    # In grace on 2026-06-15: April paid, May and June not.
    worker = make_worker(
        db.session,
        org.agent,
        funding="apbd",
        covered_until=Month(2026, 4),
        first_paid_month=Month(2026, 1),
    )
    db.session.commit()
    return worker


@pytest.mark.today("2026-06-15")
def test_a_death_ends_the_participant_on_every_read(as_agent, as_supervisor, db, worker):
    url = f"/api/v1/workers/{worker.id}"
    assert as_agent.get(url).get_json()["status"] == "grace"
    response = as_agent.post(f"{url}/death", json={"died_on": "2026-05-20"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["end_reason"], body["died_on"]) == ("ended", "died", "2026-05-20")
    assert body["version"] == 2
    assert as_supervisor.get(url).get_json()["status"] == "ended"
    ended = as_agent.get("/api/v1/workers?status=ended").get_json()
    assert [w["id"] for w in ended] == [str(worker.id)]
    assert as_agent.get("/api/v1/workers?status=grace").get_json() == []
    # Ended from the month of death on; before it, the status it had then.
    died = date(2026, 5, 20)
    assert status_for(Month(2026, 4), Month(2026, 5), died) == "ended"
    assert status_for(Month(2026, 4), Month(2026, 4), died) == "active"
    [change] = db.session.scalars(
        select(WorkerChange).where(WorkerChange.worker_id == worker.id)
    ).all()
    assert change.kind == "death" and change.effective_month == Month(2026, 6)
    assert change.changes["died_on"] == [None, "2026-05-20"]


@pytest.mark.today("2026-06-15")
def test_the_date_of_death_is_checked(as_agent, worker):
    url = f"/api/v1/workers/{worker.id}/death"
    future = as_agent.post(url, json={"died_on": "2026-06-16"})
    assert future.status_code == 422 and "died_on" in future.get_json()["errors"]["json"]
    assert "hari ini" in future.get_json()["errors"]["json"]["died_on"][0]
    before_birth = as_agent.post(url, json={"died_on": "1990-07-04"})
    assert before_birth.status_code == 422
    assert "1990-07-05" in before_birth.get_json()["errors"]["json"]["died_on"][0]
    junk = as_agent.post(url, json={"died_on": "kemarin"})
    assert junk.status_code == 422
    assert as_agent.get(f"/api/v1/workers/{worker.id}").get_json()["version"] == 1


@pytest.mark.today("2026-06-15T23:30:00+07:00")
def test_today_is_the_branchs_today(app, db, org):
    """At 23:30 WIB it is already the next day in a WIT branch (UTC+9)."""
    from tests.conftest import login
    from tests.factories import make_user

    branch = make_branch(db.session, region_code="94.71")
    branch.time_zone = "WIT"
    make_regions(db.session, "94.71.01.1001")
    agent = make_agent(db.session, make_wadah(db.session, branch))
    user = make_user(db.session, "agent", agent=agent)
    worker = make_worker(db.session, agent, village_code="94.71.01.1001")
    db.session.commit()
    api = login(app, user.username)
    response = api.post(f"/api/v1/workers/{worker.id}/death", json={"died_on": "2026-06-16"})
    assert response.status_code == 200, response.get_json()


@pytest.mark.today("2026-06-15")
def test_the_same_date_twice_is_idempotent_another_is_409(as_agent, as_supervisor, worker):
    url = f"/api/v1/workers/{worker.id}/death"
    assert as_agent.post(url, json={"died_on": "2026-05-20"}).status_code == 200
    again = as_supervisor.post(url, json={"died_on": "2026-05-20"})
    assert again.status_code == 200 and again.get_json()["version"] == 2
    other = as_agent.post(url, json={"died_on": "2026-05-21"}, headers={"Accept-Language": "en"})
    assert other.status_code == 409 and "2026-05-20" in other.get_json()["message"]


@pytest.mark.today("2026-06-15")
def test_no_month_after_the_death_is_payable(as_agent, worker):
    url = f"/api/v1/workers/{worker.id}"
    assert as_agent.post(f"{url}/death", json={"died_on": "2026-05-20"}).status_code == 200
    quote = as_agent.get(f"{url}/quote?months=2")
    assert quote.status_code == 422 and "months" in quote.get_json()["errors"]["query"]
    body = {"id": str(uuid.uuid4()), "months": 2, "amount": 2 * APBD, "paid_on": "2026-06-15"}
    refused = as_agent.post(f"{url}/payments", json={**body, "channel": "cash"})
    assert refused.status_code == 422
    message = refused.get_json()["errors"]["json"]["months"][0]
    assert "meninggal" in message and "2026-05" in message
    # The month of death itself (an arrear) may still be paid.
    one = {**body, "id": str(uuid.uuid4()), "months": 1, "amount": APBD, "channel": "cash"}
    assert as_agent.post(f"{url}/payments", json=one).status_code == 201
    assert as_agent.get(url).get_json()["status"] == "ended"


@pytest.mark.today("2026-06-15")
def test_a_participant_who_died_is_never_due(as_agent, db, org, worker):
    due = make_worker(db.session, org.agent, covered_until=Month(2026, 6))
    db.session.commit()
    listed = {r["worker_id"] for r in as_agent.get(RENEWALS).get_json()}
    assert {str(worker.id), str(due.id)} <= listed
    for one in (worker, due):
        response = as_agent.post(f"/api/v1/workers/{one.id}/death", json={"died_on": "2026-06-01"})
        assert response.status_code == 200
    listed = {r["worker_id"] for r in as_agent.get(RENEWALS).get_json()}
    assert listed.isdisjoint({str(worker.id), str(due.id)})
    assert as_agent.get("/api/v1/workers?due_within_days=30").get_json() == []


@pytest.mark.today("2026-06-15")
def test_only_those_who_manage_the_participant_record_a_death(as_agent2, as_admin, worker):
    url = f"/api/v1/workers/{worker.id}/death"
    assert as_agent2.post(url, json={"died_on": "2026-05-20"}).status_code == 404
    assert as_admin.post(url, json={"died_on": "2026-05-20"}).status_code == 200


@pytest.mark.today("2026-06-15")
def test_an_edit_after_the_death_is_refused(as_agent, worker):
    url = f"/api/v1/workers/{worker.id}"
    assert as_agent.post(f"{url}/death", json={"died_on": "2026-05-20"}).status_code == 200
    edit = as_agent.patch(url, json={"version": 2, "phone": "081277770009"})
    assert edit.status_code == 409 and "meninggal" in edit.get_json()["message"]
