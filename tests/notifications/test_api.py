"""GET /api/v1/notifications (supervisors) and `flask perisai send-reminders`."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from perisai import clock
from perisai.jobs.models import Job
from perisai.notifications.operations import queue_scheduled
from tests.notifications.conftest import participant, remind

DUE_NEXT_WEEK = "2026-06-25T10:00:00+07:00"


@pytest.mark.today(DUE_NEXT_WEEK)
def test_a_supervisor_reads_a_participants_messages(db, org, gateway, as_supervisor):
    worker = participant(db, org.agent, channels=())
    remind(db, gateway)

    response = as_supervisor.get(f"/api/v1/notifications?worker_id={worker.id}")

    assert response.status_code == 200
    (item,) = response.get_json()
    assert {k: item[k] for k in ("channel", "template", "state", "reason", "sent_at")} == {
        "channel": None,
        "template": "renewal_due",
        "state": "skipped",
        "reason": "no_consent",
        "sent_at": None,
    }
    assert isinstance(item["id"], int)
    assert '"total": 1' in response.headers["X-Pagination"]


@pytest.mark.today(DUE_NEXT_WEEK)
def test_only_the_branchs_supervisors_and_admins_read_them(
    db, org, as_agent, as_other_supervisor, as_admin
):
    worker = participant(db, org.agent)
    url = f"/api/v1/notifications?worker_id={worker.id}"
    assert as_agent.get(url).status_code == 403
    assert as_other_supervisor.get(url).status_code == 404
    assert as_admin.get(url).status_code == 200
    assert as_admin.get("/api/v1/notifications").status_code == 422  # worker_id is required


@pytest.mark.today(DUE_NEXT_WEEK)
def test_send_reminders_queues_and_sends(app, db, org, configured):
    participant(db, org.agent)
    participant(db, org.agent, channels=())

    result = app.test_cli_runner().invoke(args=["perisai", "send-reminders"])

    assert result.exit_code == 0, result.output
    assert "renewal_due 2" in result.output and "agent_digest 1" in result.output
    assert "sent 2" in result.output and "skipped 0" in result.output
    sent = {r.body["template"]["name"]: r for r in configured.of("whatsapp")}  # sent at once
    assert set(sent) == {"perisai_renewal_due", "perisai_agent_digest"}
    digest = sent["perisai_agent_digest"]
    assert digest.body["to"] == org.agent.phone.lstrip("+")
    values = [p["text"] for p in digest.body["template"]["components"][0]["parameters"]]
    assert values == ["25 Juni 2026", "2", "0", "0"]  # both due, whatever their consent
    again = app.test_cli_runner().invoke(args=["perisai", "send-reminders"])
    assert "renewal_due 0" in again.output and "agent_digest 0" in again.output
    assert len(configured.of("whatsapp")) == 2


@pytest.mark.today(DUE_NEXT_WEEK)
def test_beat_queues_each_zone_once_a_day(app, db, org, gateway):
    participant(db, org.agent)
    first = queue_scheduled(db.session)
    later = participant(db, org.agent)  # due as well, registered after this morning's run
    second = queue_scheduled(db.session)

    assert first["renewal_due"] == 1 and first["agent_digest"] == 1
    assert second == {"agent_digest": 0}  # done today, in every zone
    keys = db.session.scalars(select(Job.key).where(Job.kind == "notifications_queue")).all()
    assert sorted(keys) == sorted(
        [f"notifications:{zone}:2026-06-25" for zone in ("WIB", "WITA", "WIT")]
        # 10:00 in Jakarta, 11:00 in Makassar: morning; noon in Jayapura: no digest there today
        + [f"digests:{zone}:2026-06-25" for zone in ("WIB", "WITA")]
    )
    with clock.travel("2026-06-26T10:00:00+07:00"):
        assert queue_scheduled(db.session)["renewal_due"] == 1  # the next day: the later one
    assert later.id is not None
