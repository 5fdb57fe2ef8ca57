"""A suspended or dismissed agent writes nothing (API.md: 403 on every write), one check for
every route, found by walking the URL map like the access matrix; reads and logout still work."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from perisai import clock, create_app
from perisai.contributions.models import Payment
from perisai.workers.models import Worker
from tests.factories import worker_payload
from tests.test_access_matrix import WRITE_METHODS, fill

ALWAYS_ALLOWED = {"/api/v1/auth/login", "/api/v1/auth/logout", "/supervisor/login"}
ALWAYS_ALLOWED |= {"/supervisor/logout"}


def write_routes():
    """(method, rule) of every write in the URL map (the map does not depend on a database)."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "TESTING": True})
    return sorted(
        (
            (method, rule)
            for rule in app.url_map.iter_rules()
            for method in rule.methods & set(WRITE_METHODS)
            if rule.rule not in ALWAYS_ALLOWED
        ),
        key=lambda pair: (pair[1].rule, pair[0]),
    )


WRITES = write_routes()


@pytest.fixture
def portfolio(db, org, as_agent):
    """The agent's own participant and payment (so the writes below would otherwise work),
    then the agent is suspended."""
    with clock.travel("2026-06-15"):
        worker = as_agent.post("/api/v1/workers", json=worker_payload()).get_json()
        quote = as_agent.get(f"/api/v1/workers/{worker['id']}/quote?months=1").get_json()
        payment = as_agent.post(
            f"/api/v1/workers/{worker['id']}/payments",
            json={
                "id": str(uuid.uuid4()),
                "months": 1,
                "amount": quote["total"],
                "paid_on": "2026-06-15",
                "channel": "cash",
            },
        ).get_json()
    return {
        "worker_id": worker["id"],
        "payment_id": payment["id"],
        "agent_code": org.agent.agent_code,
        "statement_id": f"2026-06-{org.agent.id}",
        "quote": quote,
    }


def set_status(db, agent, status: str) -> None:
    agent.status = status
    db.session.flush()


def counts(db) -> tuple[int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Worker)),
        db.session.scalar(select(func.count()).select_from(Payment)),
    )


@pytest.mark.parametrize(("method", "rule"), WRITES, ids=[f"{m} {r.rule}" for m, r in WRITES])
def test_a_suspended_agent_gets_403_on_every_write(db, org, as_agent, portfolio, method, rule):
    set_status(db, org.agent, "suspended")
    before = counts(db)
    url = fill(rule, portfolio)
    with clock.travel("2026-06-20"):
        response = as_agent._call(method.lower(), url, json={}, headers={"Accept-Language": "en"})
    assert response.status_code == 403, (method, url, response.get_data(as_text=True)[:300])
    body = response.get_json()
    assert body["agent_status"] == "suspended"
    assert "suspended" in body["message"]
    assert counts(db) == before


def test_the_writes_that_matter_most_are_refused_in_both_languages(db, org, as_agent, portfolio):
    """Register, pay, sync — with real bodies, so only the status can refuse them."""
    set_status(db, org.agent, "terminated")
    before = counts(db)
    with clock.travel("2026-06-20"):
        register = as_agent.post("/api/v1/workers", json=worker_payload())
        pay = as_agent.post(
            f"/api/v1/workers/{portfolio['worker_id']}/payments",
            json={
                "id": str(uuid.uuid4()),
                "months": 1,
                "amount": portfolio["quote"]["total"],
                "paid_on": "2026-06-20",
                "channel": "cash",
            },
        )
        sync = as_agent.post(
            "/api/v1/sync",
            json={
                "operations": [
                    {
                        "op_id": str(uuid.uuid4()),
                        "type": "worker.register",
                        "payload": worker_payload(),
                    }
                ]
            },
            headers={"Accept-Language": "en"},
        )
    for response in (register, pay):
        assert response.status_code == 403
        body = response.get_json()
        assert body["agent_status"] == "terminated"
        assert body["message"].startswith("Akun agen Anda sudah diberhentikan")
        assert set(body) >= {"code", "status", "message", "errors"}
    assert sync.status_code == 403
    assert sync.get_json()["message"].startswith("Your agent account has been dismissed")
    assert counts(db) == before


def test_a_suspended_agent_still_reads_and_logs_out(db, org, as_agent, portfolio):
    set_status(db, org.agent, "suspended")
    with clock.travel("2026-06-20"):
        assert as_agent.get("/api/v1/workers").status_code == 200
        assert as_agent.get(f"/api/v1/workers/{portfolio['worker_id']}").status_code == 200
        assert as_agent.get("/api/v1/commissions/statements?month=2026-06").status_code == 200
        assert as_agent.post("/api/v1/auth/logout").status_code == 200
    assert as_agent.get("/api/v1/auth/me").status_code == 401


def test_reactivated_agent_writes_again(db, org, as_agent, portfolio):
    set_status(db, org.agent, "suspended")
    with clock.travel("2026-06-20"):
        assert as_agent.post("/api/v1/workers", json=worker_payload()).status_code == 403
        set_status(db, org.agent, "active")
        assert as_agent.post("/api/v1/workers", json=worker_payload()).status_code == 201
