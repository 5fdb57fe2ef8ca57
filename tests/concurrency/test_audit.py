"""Every audited read through a real server leaves its audit row, however many arrive at once:
the row is written in a transaction of its own, which on SQLite takes the write lock when it
begins and so waits for it instead of failing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from perisai.audit.models import AuditEvent
from tests.concurrency.helpers import DAY, at_once

pytestmark = [pytest.mark.slow, pytest.mark.today(DAY)]


def read_events(live, worker_id: str) -> int:
    with live.engine.connect() as conn:
        return conn.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(
                AuditEvent.entity_type == "participant",
                AuditEvent.entity_id == worker_id,
                AuditEvent.action == "read",
            )
        )


def test_forty_reads_at_once_leave_forty_audit_rows(live):
    agent = live.login("agent")
    registered = live.register(agent)
    assert registered.status_code == 201, registered.text
    worker_id = registered.json()["id"]
    url = f"{live.base}/api/v1/workers/{worker_id}"

    answers = at_once(*[lambda h=h: h.get(url, timeout=90) for h in live.copies(agent, 40)])

    assert [getattr(a, "status_code", a) for a in answers] == [200] * 40
    assert read_events(live, worker_id) == 40
