"""The supervisor's review through the API (API.md "Enrolment quality"): flags of a month, one
flag's evidence side by side, clear and confirm with a note (audited), scope, the nightly job."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from perisai.audit.models import AuditEvent
from perisai.jobs.models import Job
from perisai.quality.flags import agent_marked_for_dismissal
from perisai.quality.models import QualityFlag
from perisai.quality.tasks import check_branches
from tests.factories import worker_payload

pytestmark = pytest.mark.today("2026-12-20")


@pytest.fixture
def fast_flag(as_agent, db):
    made = [
        as_agent.post("/api/v1/workers", json=worker_payload(capture_seconds=12)).get_json()
        for _ in range(2)
    ]
    flag = db.session.scalar(select(QualityFlag).where(QualityFlag.kind == "fast_capture"))
    return flag.id, made


def test_the_flags_of_a_month(as_supervisor, fast_flag, org):
    flag_id, made = fast_flag
    listed = as_supervisor.get("/api/v1/quality/flags?month=2026-12").get_json()
    assert [f["id"] for f in listed] == [flag_id]
    [flag] = listed
    assert flag["kind"] == "fast_capture" and flag["state"] == "open"
    assert flag["agent_code"] == org.agent.agent_code
    assert sorted(flag["worker_ids"]) == sorted(m["id"] for m in made)
    assert flag["detail"] == {"count": 2, "threshold_seconds": 60}
    assert as_supervisor.get("/api/v1/quality/flags?month=2026-11").get_json() == []
    by_state = as_supervisor.get("/api/v1/quality/flags?state=cleared").get_json()
    assert by_state == []
    by_agent = as_supervisor.get(f"/api/v1/quality/flags?agent_code={org.agent2.agent_code}")
    assert by_agent.get_json() == []


def test_one_flag_shows_its_participants_side_by_side_with_the_nik_masked(as_supervisor, fast_flag):
    flag_id, made = fast_flag
    body = as_supervisor.get(f"/api/v1/quality/flags/{flag_id}").get_json()
    assert {m["id"] for m in body["members"]} == {m["id"] for m in made}
    member = body["members"][0]
    assert member["capture_seconds"] == 12 and "*" in member["nik_masked"]
    assert all(m["nik"] not in str(body) for m in made)


def test_clearing_needs_a_note_and_is_audited(as_supervisor, fast_flag, db):
    flag_id, _ = fast_flag
    empty = as_supervisor.post(f"/api/v1/quality/flags/{flag_id}/clear", json={"note": ""})
    assert empty.status_code == 422 and "note" in empty.get_json()["errors"]["json"]
    cleared = as_supervisor.post(
        f"/api/v1/quality/flags/{flag_id}/clear",
        json={"note": "agent showed the forms; a returning family"},
        headers={"Accept-Language": "en"},
    )
    assert cleared.status_code == 200 and cleared.get_json()["state"] == "cleared"
    again = as_supervisor.post(
        f"/api/v1/quality/flags/{flag_id}/confirm",
        json={"note": "changed my mind"},
        headers={"Accept-Language": "en"},
    )
    assert again.status_code == 409
    assert again.get_json()["message"] == "This flag was reviewed already (cleared)."
    events = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.entity_type == "quality_flag", AuditEvent.entity_id == str(flag_id)
        )
    ).all()
    assert events == ["clear"]


def test_confirming_marks_the_agent_for_dismissal_and_its_participants_for_verification(
    as_supervisor, fast_flag, org, db
):
    flag_id, made = fast_flag
    assert not agent_marked_for_dismissal(db.session, org.agent.id)
    confirmed = as_supervisor.post(
        f"/api/v1/quality/flags/{flag_id}/confirm", json={"note": "nobody lives at these addresses"}
    )
    assert confirmed.get_json()["state"] == "confirmed"
    assert agent_marked_for_dismissal(db.session, org.agent.id)
    listed = as_supervisor.get("/api/v1/quality/verifications").get_json()
    assert sorted(v["worker_id"] for v in listed) == sorted(m["id"] for m in made)


@pytest.mark.parametrize("prober", ["as_agent", "as_other_supervisor"])
def test_agents_and_other_branches_see_no_flags(request, fast_flag, prober):
    flag_id, _ = fast_flag
    client = request.getfixturevalue(prober)
    expected = 403 if prober == "as_agent" else 404
    assert client.get(f"/api/v1/quality/flags/{flag_id}").status_code == expected
    refused = client.post(f"/api/v1/quality/flags/{flag_id}/clear", json={"note": "not mine"})
    assert refused.status_code == expected
    if prober == "as_other_supervisor":
        assert client.get("/api/v1/quality/flags?month=2026-12").get_json() == []


def test_the_nightly_check_runs_once_a_branch_day(db, org, fast_flag):
    first = check_branches(db.session)
    assert f"quality:2026-12-20:{org.branch.id}" in first
    assert check_branches(db.session) == []  # the same day again: nothing
    job = db.session.scalar(select(Job).where(Job.key == f"quality:2026-12-20:{org.branch.id}"))
    assert job.state == "done" and set(job.result["changed"]) == {"2026-10", "2026-11", "2026-12"}


def test_a_month_checked_again_on_request(as_supervisor, fast_flag):
    response = as_supervisor.post("/api/v1/quality/refresh?month=2026-12")
    assert response.status_code == 200 and response.get_json()["month"] == "2026-12"
