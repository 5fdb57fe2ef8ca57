"""/supervisor/imports: the import page (template, dry-run report, result) for supervisors.

HTML forms post here with the `csrf_token` hidden field and reach the same operations as the
API; the job page polls GET /api/v1/imports/<id> (static JS, strict CSP) while a job runs.
"""

from __future__ import annotations

import secrets
from datetime import date

import flask
from flask import abort, redirect, request, session, url_for
from flask_login import current_user
from sqlalchemy import func, select

from perisai.agents.models import Agent, Wadah
from perisai.api import Blueprint
from perisai.audit.operations import note_read, record_request
from perisai.auth.permissions import current_scope
from perisai.contributions.sponsors import visible_sponsors
from perisai.errors import DomainError
from perisai.extensions import db
from perisai.i18n import t
from perisai.imports import columns, leases, operations, reading
from perisai.imports.models import MODES, RUNNING, ImportJob
from perisai.imports.schemas import JobSchema
from perisai.imports.uploads import receive, start_and_answer
from perisai.supervisor.pages import page_language, page_query, render
from perisai.supervisor.schemas import ListPageQuery

pages = Blueprint(
    "imports-pages",
    __name__,
    url_prefix="/supervisor/imports",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
    description="Supervisor import page",
)
PAGE_SIZE = 50


def _route(rule, view, methods=("GET",)):
    # Flask's add_url_rule, not smorest's: HTML pages are not API operations.
    flask.Blueprint.add_url_rule(pages, rule, view.__name__, view, methods=list(methods))


def _guard():
    if not current_user.is_authenticated:
        abort(401)
    if current_user.role not in ("supervisor", "admin"):
        abort(403)


def _csrf() -> str:
    if "csrf_token" not in session:
        session["csrf_token"] = secrets.token_urlsafe(32)
    return session["csrf_token"]


def _render(name: str, status: int = 200, **context):
    """In the supervisor console's frame (its header, navigation, language switch and logout);
    `t` and `column` speak the page's language."""
    lang = page_language()
    _csrf()
    return render(
        f"imports/{name}",
        status,
        t=lambda token: t(token, lang),
        column=lambda key: column_label(key, lang),
        branch_id=None,
        **context,
    )


def column_label(key: str, lang: str) -> str:
    """A row problem's column as the template of the page's language names it (tanggal_lahir,
    not birth_date, in Bahasa Indonesia); a problem of the whole row says so."""
    if key == "row":
        return t("imports.page.whole_row", lang)
    found = columns.BY_KEY.get(key)
    if found is None:
        return key
    return found.name_id if lang == "id" else found.key


def _branch_agents() -> list[Agent]:
    """The active agents a supervisor may choose as the managing agent: its branch's (an admin:
    every branch's), by code."""
    scope = current_scope()
    stmt = (
        select(Agent)
        .join(Wadah, Agent.wadah_id == Wadah.id)
        .where(Agent.status == "active", scope.branches(Wadah.branch_id))
        .order_by(Agent.agent_code)
        .limit(2000)
    )
    return list(db.session.scalars(stmt))


def _form_options() -> dict:
    """The HTML form's options (empty fields mean "not given")."""
    form = request.form

    def number(name):
        value = (form.get(name) or "").strip()
        return int(value) if value.isdigit() else None

    try:
        paid_on = date.fromisoformat((form.get("paid_on") or "").strip())
    except ValueError:
        paid_on = None
    return {
        "sponsor_id": number("sponsor_id"),
        "sponsor_months": number("sponsor_months"),
        "paid_on": paid_on,
        "agent_code": (form.get("agent_code") or "").strip() or None,
        "notice_version": (form.get("notice_version") or "").strip() or None,
        "funding": None,
    }


def index():
    _guard()
    error = None
    if request.method == "POST":
        upload = request.files.get("file")
        mode = request.form.get("mode") if request.form.get("mode") in MODES else MODES[0]
        if upload is None or not upload.filename:
            error = t("imports.file_required", page_language())
        else:
            try:
                with receive(upload) as received:
                    job, created = operations.submit_import(
                        db.session,
                        user=current_user,
                        upload=received,
                        dry_run=request.form.get("action") != "import",
                        mode=mode,
                        options=_form_options(),
                    )
                record_request(db.session, [("create", "import", job.id)])
                db.session.commit()
                start_and_answer(job, created)
                return redirect(url_for("imports-pages.job_page", job_id=job.id))
            except DomainError as failure:
                db.session.rollback()
                error = _explain(failure)
    scope = current_scope()
    jobs = db.session.scalars(
        select(ImportJob)
        .where(operations.visible_jobs(scope))
        .order_by(ImportJob.created_at.desc())
        .limit(30)
    ).all()
    sponsors = db.session.scalars(visible_sponsors(scope)).all()
    return _render(
        "index.html",
        422 if error else 200,
        jobs=jobs,
        sponsors=sponsors,
        error=error,
        modes=MODES,
        agents=_branch_agents(),
    )


def _explain(failure: DomainError) -> str:
    details = []
    for fields in (failure.errors or {}).values():
        for messages in fields.values():
            details += [t(m, page_language()) for m in messages]
    message = t(failure.message, page_language())
    return " ".join([message, *details]) if details else message


@page_query(ListPageQuery)
def job_page(job_id):
    _guard()
    job = operations.visible_job(db.session, current_scope(), job_id)
    page = flask.g.query["page"]
    stmt = reading.rows_query(job, "problems")
    total = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    problems = db.session.execute(stmt.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    note_read("read", "import", [job.id])  # its rows' report, as GET /api/v1/imports/<id>
    return _render(
        "job.html",
        job=job,
        view=JobSchema().dump(job),
        running=job.state in RUNNING and not leases.is_interrupted(job),
        problems=problems,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        total_problems=total,
        modes=MODES,
    )


def job_action(job_id, action):
    _guard()
    job = operations.visible_job(db.session, current_scope(), job_id)
    operation = {
        "commit": lambda j: operations.commit_validated(
            j, request.form.get("mode") if request.form.get("mode") in MODES else None
        ),
        "resume": operations.mark_for_resume,
        "rollback": lambda j: operations.mark_for_rollback(db.session, j),
    }.get(action)
    if operation is None:
        abort(404)
    try:
        operation(job)
        record_request(db.session, [(action, "import", job.id)])
        db.session.commit()
        start_and_answer(job, False)
    except DomainError as failure:
        db.session.rollback()
        flask.flash(_explain(failure))
    return redirect(url_for("imports-pages.job_page", job_id=job.id))


_route("", index, methods=("GET", "POST"))
_route("/<uuid:job_id>", job_page)
_route("/<uuid:job_id>/<action>", job_action, methods=("POST",))
