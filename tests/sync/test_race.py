"""Two tabs or devices send the same op_id at the same moment: one applies, the other reports
`duplicate` with the same entity. Needs real commits on two connections (PostgreSQL)."""

import threading
import time
import uuid

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.auth.models import User
from perisai.auth.permissions import Scope
from perisai.extensions import db as _db
from perisai.sync.handlers import Context
from perisai.sync.operations import apply_operations
from perisai.workers.models import Worker
from tests import factories


@pytest.fixture
def committed_org(app):
    if app.config["BACKEND"] != "postgresql":
        pytest.skip("row-level concurrency is a PostgreSQL property; SQLite locks the file")
    with app.app_context(), factories.committed_org(_db.engine) as org:
        yield org.agent_user.id


def _context(session, user_id):
    user = session.get(User, user_id)
    scope = Scope("agent", user.agent_id, user.agent.wadah.branch_id)
    return Context(user, scope, user.agent, clock.today())


def test_same_op_id_at_the_same_moment_is_applied_once(app, committed_org):
    operation = {
        "op_id": uuid.uuid4(),
        "type": "worker.register",
        "payload": factories.worker_payload(id=str(uuid.uuid4())),
    }
    loser = {}
    with app.app_context(), Session(_db.engine) as first:
        [won] = apply_operations(first, ctx=_context(first, committed_org), operations=[operation])
        assert won.status == "applied"

        def second_tab():
            with app.app_context(), Session(_db.engine) as second:
                ctx = _context(second, committed_org)
                [loser["result"]] = apply_operations(second, ctx=ctx, operations=[operation])
                second.commit()

        thread = threading.Thread(target=second_tab)
        thread.start()
        time.sleep(0.5)  # the second tab is now waiting on the op_id row the first one holds
        assert thread.is_alive()
        first.commit()
        thread.join(timeout=30)
    result = loser["result"]
    assert result.status == "duplicate" and result.http_status == 200
    assert result.entity["id"] == won.entity["id"]
    with app.app_context(), Session(_db.engine) as session:
        workers = (
            select(func.count()).select_from(Worker).where(Worker.id == operation["payload"]["id"])
        )
        assert session.scalar(workers) == 1
