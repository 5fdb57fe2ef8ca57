"""/supervisor/agents/<code>/reassign: move an agent's participants (all, or those ticked) to
another active agent of the branch, chosen from a list. The first post shows a confirmation
naming the count and the target (the move's own checks run and are rolled back); the second
moves them through perisai.workers.changes.reassign_portfolio, as the API does, and returns to
the agent page."""

from __future__ import annotations

import uuid
from functools import partial

from flask import g, request
from flask_login import current_user
from sqlalchemy import select

from perisai import zones
from perisai.agents import admin
from perisai.agents.models import Agent, Wadah
from perisai.audit.operations import note_read
from perisai.errors import DomainError
from perisai.extensions import db
from perisai.supervisor.admin_forms import post_form
from perisai.supervisor.admin_pages import back_to_agent, branch_arg
from perisai.supervisor.blueprint import page_route
from perisai.supervisor.pages import chosen_scope, page_query, render, supervisor_page
from perisai.supervisor.schemas import PageQuery
from perisai.workers import changes
from perisai.workers.models import Worker

PORTFOLIO_SHOWN = 500  # participants listed with a tick box


def _reassign_page(agent: Agent, status=200, errors=None, sent=None, confirm=None):
    branch_id = agent.wadah.branch_id
    targets = db.session.scalars(
        select(Agent)
        .join(Wadah)
        .where(Wadah.branch_id == branch_id, Agent.status == "active", Agent.id != agent.id)
        .order_by(Agent.full_name, Agent.agent_code)
    ).all()
    workers = db.session.scalars(
        select(Worker)
        .where(Worker.managed_by_id == agent.id)
        .order_by(Worker.full_name, Worker.id)
        .limit(PORTFOLIO_SHOWN)
    ).all()
    html = render(
        "supervisor/agent_reassign.html",
        status=status,
        agent=agent,
        targets=targets,
        workers=workers,
        portfolio=admin.portfolio_count(db.session, agent),
        shown=PORTFOLIO_SHOWN,
        values=sent or {"which": "all", "worker_ids": []},
        errors=errors or {},
        confirm=confirm,
        branch_id=branch_arg(),
    )
    if confirm is None and workers:  # names of participants shown: a list read, as the API's
        note_read("list", "participant")
    return html


def _reassign_choice() -> tuple[dict, dict, list | None]:
    sent = {
        "to_agent_code": request.form.get("to_agent_code", "").strip(),
        "which": "chosen" if request.form.get("which") == "chosen" else "all",
        "worker_ids": [v for v in request.form.getlist("worker_ids") if v],
    }
    errors, ids = {}, None
    if not sent["to_agent_code"]:
        errors["to_agent_code"] = ["sva.choose_target"]
    if sent["which"] == "chosen":
        try:
            ids = [uuid.UUID(value) for value in sent["worker_ids"]]
        except ValueError:
            errors["worker_ids"] = ["field.invalid|UUID"]
        else:
            if not ids:
                errors["worker_ids"] = ["sva.choose_some"]
    return sent, errors, ids


@supervisor_page
@page_query(PageQuery)
def agent_reassign(agent_code):
    agent = chosen_scope().agent_by_code(db.session, agent_code)
    if request.method == "GET":
        return _reassign_page(agent)
    sent, errors, ids = _reassign_choice()
    confirmed = request.form.get("action") == "confirm"

    def move() -> int:  # the same checks for the confirmation as for the move itself
        moved = changes.reassign_portfolio(
            db.session,
            scope=g.scope,
            from_agent=agent,
            to_agent_code=sent["to_agent_code"],
            worker_ids=ids,
            changed_by=current_user,
            today=zones.today_of_branch(db.session, agent.wadah.branch_id),
            via="POST /supervisor/agents/<agent_code>/reassign",
        )
        if moved == 0:
            raise DomainError("sva.no_portfolio", {"form": {"form": ["sva.no_portfolio"]}})
        return moved

    def done(moved: int):
        if confirmed:
            return back_to_agent(agent, "moved", moved=moved)
        target = db.session.scalar(select(Agent).where(Agent.agent_code == sent["to_agent_code"]))
        return _reassign_page(agent, sent=sent, confirm={"count": moved, "target": target})

    # the confirmation step (not yet confirmed) is rolled back: nothing moves yet
    return post_form(partial(_reassign_page, agent), sent, errors, move, done, keep=confirmed)


page_route("/agents/<agent_code>/reassign", agent_reassign, methods=("GET", "POST"))
