"""SQLite: a write lock that another connection holds longer than busy_timeout (0.5 s on this
server) makes the request run again, with a growing pause, before it is answered; past every
run the answer is 503 with Retry-After, never a 500, and an audited read whose audit row
cannot be written is not answered as a success."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import func, select

from perisai.workers.models import Worker
from tests import factories
from tests.concurrency.helpers import DAY
from tests.concurrency.test_audit import read_events

pytestmark = [pytest.mark.slow, pytest.mark.today(DAY)]


def test_a_write_waits_out_a_lock_held_past_busy_timeout(short_wait):
    agent = short_wait.login("agent")
    started = time.monotonic()
    with short_wait.write_lock_held(1.0):
        response = short_wait.register(agent)
    assert response.status_code == 201, response.text
    assert time.monotonic() - started >= 1.0


def test_a_lock_held_past_every_run_answers_503_with_retry_after(short_wait):
    agent = short_wait.login("agent")
    nik = factories.worker_payload()["nik"]
    with short_wait.write_lock_held(4.0):
        response = short_wait.register(agent, nik=nik)
    assert response.status_code == 503, response.text
    assert response.headers["Retry-After"] == "5"
    assert response.json()["code"] == 503 and response.json()["errors"] == {}
    with short_wait.engine.connect() as conn:
        assert conn.scalar(select(func.count()).where(Worker.nik == nik)) == 0


def test_a_read_whose_audit_row_cannot_be_written_answers_503(short_wait):
    agent = short_wait.login("agent")
    registered = short_wait.register(agent)
    assert registered.status_code == 201, registered.text
    url = f"{short_wait.base}/api/v1/workers/{registered.json()['id']}"

    with short_wait.write_lock_held(4.0):
        refused = agent.get(url, timeout=30)
    assert refused.status_code == 503, refused.text
    assert refused.headers["Retry-After"] == "5"
    assert read_events(short_wait, registered.json()["id"]) == 0
    assert "audit event not recorded" in short_wait.log.read_text()

    answered = agent.get(url, timeout=30)
    assert answered.status_code == 200
    assert read_events(short_wait, registered.json()["id"]) == 1


def test_a_read_that_must_write_waits_for_the_lock_too(short_wait):
    agent, supervisor = short_wait.login("agent"), short_wait.login("supervisor")
    assert short_wait.register(agent).status_code == 201  # the month's rollups are stale now
    report = f"{short_wait.base}/api/v1/reports/agents"
    with short_wait.write_lock_held(1.0):
        response = supervisor.get(report, params={"month": DAY[:7]}, timeout=30)
    assert response.status_code == 200, response.text
    assert sum(row["new_participants"] for row in response.json()) >= 1
