"""GET /api/v1/sync/caseload: the agent's participants, then only what changed since the cursor
(payments recorded on another device included), reassigned-away ones in `removed`, pages."""

from __future__ import annotations

import base64
import uuid
from datetime import timedelta

import pytest

from perisai import clock
from perisai.months import Month
from perisai.workers.models import WorkerChange
from tests import factories
from tests.conftest import login


def caseload(client, since=None, **params):
    query = {**params, **({"since": since} if since is not None else {})}
    response = client.get("/api/v1/sync/caseload", query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def ids(body) -> set[str]:
    return {p["id"] for p in body["participants"]}


def later(minutes: int) -> None:
    """The clock moves on (beyond the cursor's overlap for 11 minutes or more)."""
    clock.set_now(clock.now() + timedelta(minutes=minutes))


def pay(client, worker_id, months=1):
    quote = client.get(f"/api/v1/workers/{worker_id}/quote?months={months}").get_json()
    body = {
        "id": str(uuid.uuid4()),
        "months": months,
        "amount": quote["total"],
        "paid_on": clock.today().isoformat(),
        "channel": "cash",
    }
    response = client.post(f"/api/v1/workers/{worker_id}/payments", json=body)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def mine(db, org):
    made = [factories.make_worker(db.session, org.agent) for _ in range(3)]
    # Registered by agent, now managed by agent2: agent2's caseload, not agent's.
    made.append(factories.make_worker(db.session, org.agent, managed_by_id=org.agent2.id))
    db.session.commit()
    return made


@pytest.mark.today("2026-06-15")
def test_first_call_is_every_managed_participant_with_the_participant_body(
    as_agent, as_agent2, mine
):
    body = caseload(as_agent)
    assert ids(body) == {str(w.id) for w in mine[:3]}
    assert body["more"] is False and body["removed"] == [] and body["cursor"]
    one = next(p for p in body["participants"] if p["id"] == str(mine[0].id))
    detail = as_agent.get(f"/api/v1/workers/{mine[0].id}").get_json()
    assert {k: v for k, v in one.items() if k not in ("due", "payments")} == detail
    assert one["due"] == {"next_month": "2026-06", "months_in_arrears": 0, "coverage_ends_on": None}
    assert one["payments"] == []
    assert ids(caseload(as_agent2)) == {str(mine[3].id)}


@pytest.mark.today("2026-06-15")
def test_a_payment_on_a_second_device_shows_up_in_the_next_call(app, org, as_agent, mine):
    first = caseload(as_agent)
    later(15)
    # Changed within the cursor's overlap: sent once more (harmless), then settled.
    cursor = caseload(as_agent, first["cursor"])["cursor"]
    assert caseload(as_agent, cursor)["participants"] == []  # nothing changed
    second_device = login(app, org.agent_user.username)
    payment = pay(second_device, mine[1].id, months=2)
    after = caseload(as_agent, cursor)
    assert ids(after) == {str(mine[1].id)}
    (changed,) = after["participants"]
    assert changed["status"] == "active" and changed["covered_until"] == "2026-07"
    assert changed["due"]["next_month"] == "2026-08"
    assert [p["id"] for p in changed["payments"]] == [payment["id"]]
    assert changed["payments"][0]["receipt_number"] == payment["receipt_number"]


@pytest.mark.today("2026-06-15")
def test_a_reversal_on_the_server_shows_up_too(as_agent, as_supervisor, mine):
    payment = pay(as_agent, mine[0].id)
    later(15)
    cursor = caseload(as_agent)["cursor"]
    later(15)
    reversed_ = as_supervisor.post(
        f"/api/v1/payments/{payment['id']}/reverse", json={"reason": "salah input"}
    )
    assert reversed_.status_code == 200, reversed_.get_json()
    (changed,) = caseload(as_agent, cursor)["participants"]
    assert changed["status"] == "registered" and changed["payments"][0]["reversed"] is True


@pytest.mark.today("2026-06-15")
def test_equal_timestamps_across_pages_are_neither_missed_nor_repeated(db, org, as_agent):
    stamp = clock.now() - timedelta(days=1)
    made = [factories.make_worker(db.session, org.agent, updated_at=stamp) for _ in range(7)]
    db.session.commit()
    seen, cursor, pages = [], None, 0
    while True:
        body = caseload(as_agent, cursor, limit=3)
        seen += [p["id"] for p in body["participants"]]
        cursor, pages = body["cursor"], pages + 1
        if not body["more"]:
            break
    assert pages == 3 and sorted(seen) == sorted(str(w.id) for w in made)
    assert len(seen) == len(set(seen))


@pytest.mark.today("2026-06-15")
def test_a_change_just_before_the_cursor_is_still_sent_next_time(db, org, as_agent, mine):
    """A row stamped a moment before the read but committed after it is not lost: the
    cursor handed back overlaps the last minutes, so a recent row comes again."""
    cursor = caseload(as_agent)["cursor"]
    late = factories.make_worker(
        db.session, org.agent, updated_at=clock.now() - timedelta(minutes=1)
    )
    db.session.commit()
    assert str(late.id) in ids(caseload(as_agent, cursor))


@pytest.mark.today("2026-06-15")
def test_reassigned_away_participants_come_back_in_removed(db, org, as_agent, as_agent2, mine):
    cursor = caseload(as_agent)["cursor"]
    cursor2 = caseload(as_agent2)["cursor"]
    later(15)
    moved = mine[2]
    # What the reassignment (POST /agents/<code>/reassign) records: managed_by moves, one
    # 'reassign' change with the old and new agent.
    moved.managed_by_id = org.agent2.id
    moved.version += 1
    db.session.add(
        WorkerChange(
            worker_id=moved.id,
            version=moved.version,
            kind="reassign",
            changes={"managed_by": [org.agent.agent_code, org.agent2.agent_code]},
        )
    )
    db.session.commit()
    body = caseload(as_agent, cursor)
    assert body["removed"] == [str(moved.id)] and str(moved.id) not in ids(body)
    body2 = caseload(as_agent2, cursor2)
    assert str(moved.id) in ids(body2) and body2["removed"] == []


@pytest.mark.today("2026-06-15")
def test_due_counts_months_in_arrears(db, org, as_agent):
    worker = factories.make_worker(db.session, org.agent, covered_until=Month(2026, 4))
    db.session.commit()
    (item,) = caseload(as_agent)["participants"]
    assert item["id"] == str(worker.id) and item["status"] == "grace"
    assert item["due"] == {
        "next_month": "2026-05",
        "months_in_arrears": 2,
        "coverage_ends_on": "2026-04-30",
    }


@pytest.mark.parametrize(
    "since",
    [
        "garbage",
        "",
        base64.urlsafe_b64encode(b'["2026-01-01T00:00:00", "x"]').decode(),
        base64.urlsafe_b64encode(b'{"a": 1}').decode(),
        base64.urlsafe_b64encode(b'["2026-01-01", "not-a-uuid"]').decode(),
    ],
)
def test_a_garbage_cursor_is_a_422_on_since(as_agent, since):
    response = as_agent.get("/api/v1/sync/caseload", query_string={"since": since})
    assert response.status_code == 422
    assert response.get_json()["errors"]["query"]["since"] == [
        "Penanda sinkronisasi tidak dikenal. Muat ulang daftar peserta dari awal."
    ]
    english = as_agent.get(
        "/api/v1/sync/caseload", query_string={"since": since}, headers={"Accept-Language": "en"}
    )
    assert "Unknown sync cursor" in english.get_json()["errors"]["query"]["since"][0]


def test_only_agents_have_a_caseload(client, as_supervisor, as_admin, as_agent):
    assert as_supervisor.get("/api/v1/sync/caseload").status_code == 403
    assert as_admin.get("/api/v1/sync/caseload").status_code == 403
    assert client.get("/api/v1/sync/caseload").status_code == 401
    assert as_agent.get("/api/v1/sync/caseload?limit=0").status_code == 422
    assert as_agent.get("/api/v1/sync/caseload?limit=1001").status_code == 422
