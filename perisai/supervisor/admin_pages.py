"""/supervisor/wadah (the list, new, edit) and the agent page's administration: a new agent with
its login, edit, suspend, reinstate, dismiss (a confirm step) and reassign its participants (a
confirm step naming the count and the target). Thin views over perisai.agents.admin and
perisai.workers.changes.reassign_portfolio; forms post the session's CSRF token, a refused form
comes back with its messages on the fields and nothing stored, a saved one redirects."""

from __future__ import annotations

from functools import partial

from flask import g, redirect, request, url_for
from flask_login import current_user

from perisai import zones
from perisai.agents import admin
from perisai.agents.models import AGENT_STATUS_REASONS, Agent, Branch, Wadah
from perisai.errors import DomainError
from perisai.extensions import db
from perisai.i18n import t
from perisai.reports.scope import branches, wadahs
from perisai.supervisor import formats
from perisai.supervisor.admin_forms import (
    AdminWadahForm,
    AgentEditForm,
    AgentForm,
    DismissForm,
    WadahForm,
    post_form,
    read_form,
)
from perisai.supervisor.blueprint import page_route
from perisai.supervisor.pages import (
    chosen_scope,
    page_language,
    page_query,
    render,
    supervisor_page,
)
from perisai.supervisor.report_pages import agent_page
from perisai.supervisor.schemas import PageQuery, WadahListQuery

WADAH_PAGE_SIZE = 100


def branch_arg():
    return g.query["branch"]


def back_to_agent(agent: Agent, done: str, **extra):
    return redirect(
        url_for(
            "supervisor.agent_detail",
            agent_code=agent.agent_code,
            branch=branch_arg(),
            done=done,
            **extra,
        )
    )


# --- Wadah -----------------------------------------------------------------------------------


@supervisor_page
@page_query(WadahListQuery)
def wadah_list():
    scope, page = chosen_scope(), g.query["page"]
    today = zones.today_of_user(db.session, current_user)
    visible = scope.branches(Wadah.branch_id)
    rows, total = admin.wadah_rows(db.session, visible, today, page=page, page_size=WADAH_PAGE_SIZE)
    return render(
        "supervisor/wadah_list.html",
        rows=rows,
        total=total,
        page=page,
        pages=(total + WADAH_PAGE_SIZE - 1) // WADAH_PAGE_SIZE,
        show_branch=scope.every_branch,
        branch_id=branch_arg(),
    )


def _branches_for_form() -> list[Branch]:
    return branches(db.session) if g.scope.is_admin else []


def _wadah_form(wadah: Wadah | None, status=200, errors=None, sent=None):
    values = sent or ({name: getattr(wadah, name) for name in admin.WADAH_FIELDS} if wadah else {})
    return render(
        "supervisor/wadah_form.html",
        status=status,
        wadah=wadah,
        values=values,
        errors=errors or {},
        branch_choices=_branches_for_form() if wadah is None else [],
        branch_id=branch_arg(),
    )


def _save_wadah(wadah: Wadah | None):
    schema = AdminWadahForm if wadah is None and g.scope.is_admin else WadahForm
    values, errors, sent = read_form(schema)
    branch = None
    if values is not None and wadah is None:
        branch_id = values.pop("branch", None) or g.scope.branch_id
        branch = db.session.get(Branch, branch_id)
        if branch is None or not g.scope.allows_branch(branch.id):
            errors = {"branch": ["sva.choose_branch"]}
    via = "POST /supervisor/wadah/new" if wadah is None else "POST /supervisor/wadah/<id>/edit"
    done = "wadah_created" if wadah is None else "wadah_saved"
    return post_form(
        partial(_wadah_form, wadah),
        sent,
        errors,
        lambda: admin.save_wadah(
            db.session, values=values, by=current_user, via=via, wadah=wadah, branch=branch
        ),
        lambda saved: redirect(
            url_for("supervisor.wadah_view", wadah_id=saved.id, branch=branch_arg(), done=done)
        ),
    )


@supervisor_page
@page_query(PageQuery)
def wadah_new():
    return _wadah_form(None) if request.method == "GET" else _save_wadah(None)


@supervisor_page
@page_query(PageQuery)
def wadah_edit(wadah_id):
    wadah = chosen_scope().wadah(db.session, wadah_id)
    return _wadah_form(wadah) if request.method == "GET" else _save_wadah(wadah)


# --- agents ----------------------------------------------------------------------------------


def _wadah_choices(branch_id: int | None = None) -> list[Wadah]:
    """The active Wadah an agent may be put in: those of its branch (`branch_id`), or of the
    page's."""
    return [w for w in wadahs(db.session, chosen_scope().within(branch_id)) if w.status == "active"]


def _agent_form(agent: Agent | None, status=200, errors=None, sent=None):
    if sent is None and agent is not None:
        sent = {"full_name": agent.full_name, "phone": agent.phone, "wadah": agent.wadah_id}
    elif sent is None:
        sent = {"wadah": request.args.get("wadah", type=int)}
    return render(
        "supervisor/agent_form.html",
        status=status,
        agent=agent,
        values=sent,
        errors=errors or {},
        wadahs=_wadah_choices(agent.wadah.branch_id if agent else None),
        branch_id=branch_arg(),
    )


def _chosen_wadah(values: dict, branch_id: int | None = None) -> Wadah | None:
    wadah = db.session.get(Wadah, values["wadah"])
    if wadah is None or not chosen_scope().sees_wadah(wadah) or wadah.status != "active":
        return None
    if branch_id is not None and wadah.branch_id != branch_id:
        return None
    return wadah


@supervisor_page
@page_query(PageQuery)
def agent_new():
    if request.method == "GET":
        return _agent_form(None)
    values, errors, sent = read_form(AgentForm)
    wadah = _chosen_wadah(values) if values is not None else None
    if values is not None and wadah is None:
        errors = {"wadah": ["sv.unknown_wadah"]}

    def add() -> Agent:
        agent, _ = admin.add_agent(
            db.session,
            wadah=wadah,
            values={name: value for name, value in values.items() if name != "wadah"},
            by=current_user,
            today=zones.today_of_branch(db.session, wadah.branch_id),
            via="POST /supervisor/agents/new",
        )
        return agent

    return post_form(
        partial(_agent_form, None),
        sent,
        errors,
        add,
        lambda agent: back_to_agent(agent, "agent_created"),
    )


@supervisor_page
@page_query(PageQuery)
def agent_edit(agent_code):
    agent = chosen_scope().agent_by_code(db.session, agent_code)
    if request.method == "GET":
        return _agent_form(agent)
    values, errors, sent = read_form(AgentEditForm)
    wadah = _chosen_wadah(values, agent.wadah.branch_id) if values is not None else None
    if values is not None and wadah is None:
        errors = {"wadah": ["sv.unknown_wadah"]}
    return post_form(
        partial(_agent_form, agent),
        sent,
        errors,
        lambda: admin.update_agent(
            db.session,
            agent,
            full_name=values["full_name"],
            phone=values["phone"],
            wadah=wadah,
            by=current_user,
            via="POST /supervisor/agents/<agent_code>/edit",
        ),
        lambda _: back_to_agent(agent, "agent_saved"),
    )


def _refused_on_agent_page(agent: Agent, refused: DomainError):
    db.session.rollback()
    lang = page_language()
    if "on" in refused.extra:  # a date the page writes as its language does
        key = refused.message.split("|")[0]
        message = t(f"{key}|{formats.day(refused.extra['on'], lang)}", lang)
    else:
        message = t(refused.message, lang)
    return agent_page(agent, status=refused.status_code, error=message)


@supervisor_page
@page_query(PageQuery)
def agent_suspend(agent_code):
    agent = chosen_scope().agent_by_code(db.session, agent_code)
    try:
        admin.suspend_agent(
            db.session, agent, by=current_user, via="POST /supervisor/agents/<agent_code>/suspend"
        )
    except DomainError as refused:
        return _refused_on_agent_page(agent, refused)
    db.session.commit()
    return back_to_agent(agent, "suspended")


@supervisor_page
@page_query(PageQuery)
def agent_reinstate(agent_code):
    agent = chosen_scope().agent_by_code(db.session, agent_code)
    try:
        admin.reinstate_agent(
            db.session,
            agent,
            by=current_user,
            today=zones.today_of_branch(db.session, agent.wadah.branch_id),
            via="POST /supervisor/agents/<agent_code>/reinstate",
        )
    except DomainError as refused:
        return _refused_on_agent_page(agent, refused)
    db.session.commit()
    return back_to_agent(agent, "reinstated")


def _dismiss_form(agent: Agent, status=200, errors=None, sent=None):
    return render(
        "supervisor/agent_dismiss.html",
        status=status,
        agent=agent,
        portfolio=admin.portfolio_count(db.session, agent),
        reasons=AGENT_STATUS_REASONS,
        values=sent or {},
        errors=errors or {},
        branch_id=branch_arg(),
    )


@supervisor_page
@page_query(PageQuery)
def agent_dismiss(agent_code):
    agent = chosen_scope().agent_by_code(db.session, agent_code)
    if request.method == "GET":
        return _dismiss_form(agent)
    values, errors, sent = read_form(DismissForm)
    return post_form(
        partial(_dismiss_form, agent),
        sent,
        errors,
        lambda: admin.dismiss_agent(
            db.session,
            agent,
            reason=values["reason"],
            note=values["note"],
            by=current_user,
            via="POST /supervisor/agents/<agent_code>/dismiss",
        ),
        lambda _: back_to_agent(agent, "dismissed"),
    )


page_route("/wadah", wadah_list)
page_route("/wadah/new", wadah_new, methods=("GET", "POST"))
page_route("/wadah/<int:wadah_id>/edit", wadah_edit, methods=("GET", "POST"))
page_route("/agents/new", agent_new, methods=("GET", "POST"))
page_route("/agents/<agent_code>/edit", agent_edit, methods=("GET", "POST"))
page_route("/agents/<agent_code>/suspend", agent_suspend, methods=("POST",))
page_route("/agents/<agent_code>/reinstate", agent_reinstate, methods=("POST",))
page_route("/agents/<agent_code>/dismiss", agent_dismiss, methods=("GET", "POST"))
