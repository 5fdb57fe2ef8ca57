"""A suspended agent's phone: the sync is refused (403), the outbox keeps every record and the
app says why; once the agent is active again the same records go through."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from perisai.agents.models import Agent
from perisai.extensions import db as _db
from tests.browser.helpers import login, register, shot, workers_on_server


def _set_status(app, agent_id: int, status: str) -> None:
    with app.app_context(), Session(_db.engine) as session:
        session.get(Agent, agent_id).status = status
        session.commit()


def test_suspended_agent_keeps_the_outbox_and_sees_why(page, context, live_server):
    app, agent_id = live_server["app"], live_server["agent_ids"]["agent2"]
    login(page, live_server["users"]["agent2"])
    context.set_offline(True)
    n = uuid.uuid4().int % 9000
    register(page, n, name=f"Peserta Tangguh {n}")
    _set_status(app, agent_id, "suspended")
    try:
        context.set_offline(False)
        page.wait_for_selector("#auth-banner:not(.hidden)", timeout=30000)
        banner = page.inner_text("#auth-banner")
        assert "ditangguhkan" in banner and "tetap tersimpan" in banner
        shot(page, "16-agent-suspended")
        assert page.inner_text("#sync-pill") == "1 belum terkirim"
        names = {w.full_name for w in workers_on_server(app, agent_id)}
        assert f"Peserta Tangguh {n}" not in names
    finally:
        _set_status(app, agent_id, "active")
    context.set_offline(True)  # back online: the "online" event sends the outbox again
    context.set_offline(False)
    page.wait_for_selector("#sync-pill.clear", timeout=30000)
    assert page.is_hidden("#auth-banner")
    names = {w.full_name for w in workers_on_server(app, agent_id)}
    assert f"Peserta Tangguh {n}" in names
