"""/supervisor/months: close a commission month from the browser. The page first shows which
months a close will close (earlier months still open included) and the supervisor ticks each
of them to confirm; the close itself is perisai.commissions.close, as for the API and CLI."""

from __future__ import annotations

from flask import g, redirect, request, url_for
from flask_login import current_user
from sqlalchemy import select

from perisai.agents.models import Branch, Wadah
from perisai.commissions import close, statements
from perisai.errors import DomainError
from perisai.extensions import db
from perisai.i18n import t
from perisai.months import Month
from perisai.reports import scope as reports_scope
from perisai.supervisor.pages import page_language, page_query, render, supervisor_page
from perisai.supervisor.schemas import MonthsQuery


def _page(branch_id: int | None, chosen: Month | None, status: int = 200, error=None, **extra):
    branch_ids = g.scope.within(branch_id).branch_ids(db.session)
    preview = None
    shown = extra.get("closed") or chosen
    if chosen is not None and error is None:
        try:
            close.check_month_ended(db.session, chosen, branch_ids)
            preview = close.months_to_close(db.session, month=chosen, branch_ids=branch_ids)
        except DomainError as refused:
            status, error = refused.status_code, refused
    last = close.last_closed_months(db.session, branch_ids)
    branches = db.session.scalars(
        select(Branch).where(Branch.id.in_(branch_ids)).order_by(Branch.code)
    ).all()
    return render(
        "supervisor/months.html",
        status=status,
        rows=[(b, last.get(b.id)) for b in branches],
        all_branches=reports_scope.branches(db.session) if g.scope.is_admin else [],
        branch_id=branch_id,
        chosen=chosen,
        preview=preview,
        error=_explain(error) if error is not None else None,
        statements_month=shown,
        wadahs=_wadah_months(branch_ids, shown),
        **extra,
    )


def _wadah_months(branch_ids: list[int], month: Month | None) -> list | None:
    """The month's statements of one branch, per Wadah with its agents: the running estimate
    while the month is open, the frozen statements (and their PDFs) once closed. An admin who
    has not chosen a branch gets none (every branch of the country would be one page)."""
    if month is None or len(branch_ids) != 1:
        return None
    wadahs = db.session.scalars(
        select(Wadah).where(Wadah.branch_id == branch_ids[0]).order_by(Wadah.name, Wadah.id)
    ).all()
    return statements.wadah_months(db.session, month, list(wadahs))


def _explain(error: DomainError) -> str:
    return t(error.message, page_language())


@supervisor_page
@page_query(MonthsQuery)
def months():
    return _page(g.query["branch"], g.query["close"], closed=g.query["closed"])


@supervisor_page
@page_query(MonthsQuery)
def close_month():
    """The confirmed close (the form of the preview: month, each earlier month ticked)."""
    branch_id = g.query["branch"]
    try:
        month = Month.parse(request.form.get("month", ""))
        including = [Month.parse(m) for m in request.form.getlist("including")]
    except ValueError:
        refused = DomainError("field.invalid|MonthField")
        return _page(branch_id, None, status=422, error=refused)
    try:
        close.close_month(
            db.session,
            month=month,
            branch_ids=g.scope.within(branch_id).branch_ids(db.session),
            including=including,
            closed_by=current_user,
        )
    except DomainError as refused:
        db.session.rollback()
        return _page(branch_id, month, status=refused.status_code, error=refused)
    db.session.commit()
    return redirect(url_for("supervisor.months", branch=branch_id, closed=str(month)))
