"""Two agents send the same NIK at the same moment: exactly one participant, one clear 409.

This needs real commits on two real connections, so it does not use the rolled-back `db`
fixture: it builds its own rows and deletes exactly those afterwards.
"""

import threading
from datetime import date

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai.auth.permissions import Scope
from perisai.errors import Conflict
from perisai.extensions import db as _db
from perisai.workers.models import Worker
from perisai.workers.operations import register_worker
from perisai.workers.schemas import WorkerCreateSchema
from tests import factories


@pytest.fixture
def committed_org(app):
    if app.config["BACKEND"] != "postgresql":
        pytest.skip("row-level concurrency is a PostgreSQL property; SQLite locks the file")
    with app.app_context(), factories.committed_org(_db.engine) as org:
        yield (org.agent.id, org.agent2.id)


def test_same_nik_at_the_same_moment_gives_one_participant(app, committed_org):
    from perisai.agents.models import Agent

    body = factories.worker_payload()
    outcomes, barrier = [], threading.Barrier(2)

    def send(agent_id, phone):
        with app.app_context(), Session(_db.engine) as session:
            agent = session.get(Agent, agent_id)
            scope = Scope("agent", agent.id, agent.wadah.branch_id)
            data = WorkerCreateSchema().load({**body, "phone": phone})
            barrier.wait()
            try:
                register_worker(
                    session, scope=scope, agent=agent, data=data, today=date(2026, 11, 23)
                )
                session.commit()
                outcomes.append("created")
            except Conflict as error:
                session.rollback()
                outcomes.append(error.errors["json"])

    threads = [
        threading.Thread(target=send, args=(agent_id, f"08131234000{i}"))
        for i, agent_id in enumerate(committed_org)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(map(str, outcomes)) == sorted(["created", str({"nik": ["workers.nik_taken"]})])
    with Session(_db.engine) as session:
        count = session.scalar(
            select(func.count()).select_from(Worker).where(Worker.nik == body["nik"])
        )
    assert count == 1
