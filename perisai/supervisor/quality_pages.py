"""/supervisor/quality: the enrolment quality review (DOMAIN.md §9). The flags of a month, one
flag's evidence (its participants side by side, their points on a map, their photos) and the
supervisor's clear or confirm with a note: thin views over perisai.quality, the operations the
API uses. The forms post the session's CSRF token (checked before every write)."""

from __future__ import annotations

from flask import g, redirect, request, url_for
from flask_login import current_user
from marshmallow import ValidationError, fields

from perisai.api import MonthField, OneOf
from perisai.audit.operations import note_read
from perisai.errors import DomainError
from perisai.extensions import db
from perisai.i18n import t
from perisai.quality import flags, review
from perisai.quality.schemas import ReviewSchema
from perisai.supervisor import charts
from perisai.supervisor.blueprint import page_route
from perisai.supervisor.pages import (
    chosen_month,
    page_language,
    page_query,
    render,
    supervisor_page,
)
from perisai.supervisor.schemas import ListPageQuery

PAGE_SIZE = 50
STATES = ("open", "cleared", "confirmed")


class QualityFlagsQuery(ListPageQuery):
    month = MonthField(load_default=None)
    state = fields.String(load_default="open", validate=OneOf(STATES))
    done = fields.String(load_default=None, validate=OneOf(("clear", "confirm")))


@supervisor_page
@page_query(QualityFlagsQuery)
def quality_flags():
    query = g.query
    month = min(query["month"], chosen_month()) if query["month"] else chosen_month()
    state, page = query["state"], query["page"]
    stmt = review.flags_query(db.session, g.scope, {"month": month, "state": state})
    rows = db.session.scalars(stmt.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    return render(
        "supervisor/quality_flags.html",
        rows=rows[:PAGE_SIZE],
        more=len(rows) > PAGE_SIZE,
        page=page,
        state=state,
        states=STATES,
        month=month,
        done=query["done"],
    )


def _flag_page(flag_id: int, status: int = 200, error: str | None = None):
    flag = flags.flag_or_404(db.session, g.scope, flag_id)
    members = review.members(db.session, flag)
    note_read("read", "quality_flag")  # the participants' names, side by side
    lang = page_language()
    points = [
        {"lat": m["lat"], "lon": m["lon"], "status": "registered"}
        for m in members
        if m["lat"] is not None and m["lon"] is not None
    ]
    return render(
        "supervisor/quality_flag.html",
        status=status,
        flag=flag,
        members=members,
        error=error,
        plain_map=charts.plain_map(points, t("svq.map", lang), lang),
    )


@supervisor_page
def quality_flag(flag_id):
    return _flag_page(flag_id)


def _review(flag_id: int, decision: str):
    flag = flags.flag_or_404(db.session, g.scope, flag_id)
    try:  # the note as the API takes it: one copy of its rules
        note = ReviewSchema().load({"note": request.form.get("note", "").strip()})["note"]
    except ValidationError as error:
        return _flag_page(flag_id, 422, t(error.messages["note"][0], page_language()))
    try:
        flags.review_flag(db.session, flag=flag, decision=decision, note=note, user=current_user)
    except DomainError as error:
        db.session.rollback()
        return _flag_page(flag_id, error.status_code, t(error.message, page_language()))
    db.session.commit()
    return redirect(url_for("supervisor.quality_flags", month=str(flag.month), done=decision))


@supervisor_page
def clear_flag(flag_id):
    return _review(flag_id, "clear")


@supervisor_page
def confirm_flag(flag_id):
    return _review(flag_id, "confirm")


page_route("/quality", quality_flags)
page_route("/quality/<int:flag_id>", quality_flag)
page_route("/quality/<int:flag_id>/clear", clear_flag, methods=("POST",))
page_route("/quality/<int:flag_id>/confirm", confirm_flag, methods=("POST",))
