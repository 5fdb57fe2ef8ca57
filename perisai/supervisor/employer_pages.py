"""/supervisor/employers and /supervisor/compliance (issue 23): the branch's employers and one
employer's workers, this month's contribution and payments; the labour office's list with its
dry run, the proposed matches to confirm or reject, the gap report per regency (with its
exports) and the joint inspection team's visit list with the outcomes recorded.

Thin views over perisai.employers and perisai.compliance, the operations and request schemas
the API uses. Forms post the session's CSRF token (checked before every write); a refusal comes
back on the page it was made on, with the operation's message and status, nothing stored.
"""

from __future__ import annotations

import re

from flask import g, redirect, request, url_for
from flask_login import current_user
from marshmallow import ValidationError, fields, validate
from sqlalchemy import select

from perisai import zones
from perisai.api import OneOf, QuerySchema, Range
from perisai.audit.operations import note_read
from perisai.compliance import gaps, headcounts, visits
from perisai.compliance.access import headcount_or_404, visit_or_404
from perisai.compliance.files import received
from perisai.compliance.models import MATCH_STATES, VISIT_OUTCOMES, Headcount, HeadcountList
from perisai.compliance.schemas import VisitCreateSchema, VisitOutcomeSchema
from perisai.employers import employees, payments, queries
from perisai.employers.access import employer_or_404
from perisai.employers.quotes import quote_for_employer
from perisai.errors import DomainError
from perisai.extensions import db
from perisai.i18n import t
from perisai.months import Month
from perisai.reports.scope import branches
from perisai.supervisor.blueprint import page_route
from perisai.supervisor.pages import page_language, page_query, render, supervisor_page
from perisai.supervisor.schemas import PageQuery
from perisai.text import problem as text_problem
from perisai.workers.models import mask_nik

PAGE_SIZE = 50
INT32_MAX = 2**31 - 1
_SEARCH = re.compile(r"^[\w .,&'’()/-]+$")


def employer_search(text: str) -> None:
    """A part of a name (two letters or more) or an identifier: our registration number (11
    digits), a NIB (13) or an NPWP (15 or 16)."""
    if text_problem(text):
        return  # named by every QuerySchema string's own check (perisai.text)
    value = text.strip()
    digits = re.sub(r"[\s.\-/]", "", value)
    if digits.isdigit():
        if len(digits) not in (11, 13, 15, 16):
            raise validate.ValidationError("sve.q_number")
    elif sum(c.isalpha() for c in value) < 2 or not _SEARCH.match(value) or "_" in value:
        raise validate.ValidationError("sve.q_name")


class EmployersQuery(QuerySchema):
    branch = fields.Integer(load_default=None, validate=Range(min=1, max=INT32_MAX))
    q = fields.String(
        load_default=None,
        validate=[validate.Length(max=100, error="field.length_max|100"), employer_search],
        metadata={"free_text": True},
    )
    page = fields.Integer(load_default=1, validate=Range(min=1, max=100_000))

    unknown_ids = PageQuery.unknown_ids


class ComplianceQuery(QuerySchema):
    branch = fields.Integer(load_default=None, validate=Range(min=1, max=INT32_MAX))
    regency = fields.String(
        load_default=None, validate=validate.Regexp(r"^\d{2}\.\d{2}$", error="sv.regency_code")
    )
    list = fields.Integer(load_default=None, validate=Range(min=1, max=INT32_MAX))
    page = fields.Integer(load_default=1, validate=Range(min=1, max=100_000))
    done = fields.String(load_default=None, validate=OneOf(("uploaded", "decided", "planned")))

    def unknown_ids(self, session, scope, data: dict) -> dict[str, str]:
        unknown = PageQuery.unknown_ids(self, session, scope, data)
        if data.get("list") is not None and "branch" not in unknown:
            found = session.get(HeadcountList, data["list"])
            if found is None or not scope.within(data.get("branch")).allows_branch(found.branch_id):
                unknown["list"] = "sve.unknown_list"
        return unknown


class UploadForm(QuerySchema):
    """The upload form's fields besides the file (the CSRF token among those ignored)."""

    dry_run = fields.Boolean(load_default=False)
    reported_on = fields.Date(load_default=None)
    branch = fields.Integer(load_default=None, validate=Range(min=1, max=INT32_MAX))


class VisitsQuery(QuerySchema):
    branch = fields.Integer(load_default=None, validate=Range(min=1, max=INT32_MAX))
    state = fields.String(load_default="planned", validate=OneOf(("planned", "visited")))
    page = fields.Integer(load_default=1, validate=Range(min=1, max=100_000))
    done = fields.String(load_default=None, validate=OneOf(("recorded",)))

    unknown_ids = PageQuery.unknown_ids


def _scope():
    return g.scope.within(g.query["branch"])


def _common(**context) -> dict:
    return {
        "all_branches": branches(db.session) if g.scope.is_admin else [],
        "branch_id": g.query["branch"],
        **context,
    }


def _page(session, stmt, page: int):
    """(rows of the page, whether there are more)."""
    rows = session.scalars(stmt.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    return rows[:PAGE_SIZE], len(rows) > PAGE_SIZE


def _message(error: DomainError | ValidationError) -> str:
    """A refusal as one sentence of the page's language: the fields' messages, else its own."""
    lang = page_language()
    if isinstance(error, ValidationError):
        found = [m for ms in error.messages.values() for m in ms]
        return " ".join(t(m, lang) for m in found)
    found = [
        m
        for where, messages in (error.errors or {}).items()
        if where != "rows"
        for ms in messages.values()
        for m in ms
    ]
    return " ".join(t(m, lang) for m in found) or t(error.message, lang)


# --- employers ---------------------------------------------------------------------------------


@supervisor_page
@page_query(EmployersQuery)
def employers_page():
    stmt = queries.employer_list(_scope(), q=g.query["q"])
    rows, more = _page(db.session, stmt, g.query["page"])
    counts = queries.worker_counts(db.session, [e.id for e in rows])
    return render(
        "supervisor/employers.html",
        **_common(rows=rows, counts=counts, q=g.query["q"], page=g.query["page"], more=more),
    )


@supervisor_page
def employer_page(employer_id):
    employer = employer_or_404(db.session, g.scope, employer_id)
    today = zones.today_of_branch(db.session, employer.branch_id)
    month = Month.of(today)
    try:
        quote, quote_error = quote_for_employer(db.session, employer, month, today), None
    except DomainError as error:
        quote, quote_error = None, _message(error)
    workers = employer.workers
    note_read("read", "employer", [employer.id])
    return render(
        "supervisor/employer.html",
        employer=employer,
        workers=workers,
        bpu=employees.bpu_niks(db.session, [w.nik for w in workers]),
        masked={w.id: mask_nik(w.nik) for w in workers},
        quote=quote,
        quote_error=quote_error,
        this_month=month,
        paid=db.session.scalars(payments.employer_payments(employer)).all(),
    )


# --- the labour office's list and the gap report ---------------------------------------------


def _compliance(status: int = 200, **context):
    scope, args = _scope(), g.query
    ids = gaps.current_list_ids(db.session, scope, args["list"])
    stmt = gaps.gap_query(ids, args["regency"])
    lines, _ = gaps.gap_page(db.session, stmt, {"page": args["page"], "page_size": PAGE_SIZE})
    proposed = db.session.scalars(
        select(Headcount)
        .where(Headcount.list_id.in_(ids), Headcount.state == "proposed")
        .order_by(Headcount.id)
        .limit(PAGE_SIZE)
    ).all()
    lists = db.session.scalars(
        select(HeadcountList)
        .where(scope.branches(HeadcountList.branch_id))
        .order_by(HeadcountList.id.desc())
        .limit(10)
    ).all()
    note_read("list", "headcount")
    return render(
        "supervisor/compliance.html",
        status=status,
        **_common(
            lines=lines,
            more=len(lines) == PAGE_SIZE,
            totals=gaps.regency_totals(db.session, ids),
            proposed=proposed,
            lists=lists,
            list_ids=ids,
            regency=args["regency"],
            page=args["page"],
            done=args["done"],
            states=MATCH_STATES,
            **context,
        ),
    )


@supervisor_page
@page_query(ComplianceQuery)
def compliance_page():
    return _compliance()


@supervisor_page
@page_query(ComplianceQuery)
def compliance_upload():
    upload = request.files.get("file")
    try:
        form = UploadForm().load({k: v for k, v in request.form.items() if v != ""})
        branch_id = _upload_branch(form["branch"])
        if upload is None or not upload.filename:
            return _compliance(422, error=t("sve.file_required", page_language()))
        with received(upload) as (path, sha):
            result = headcounts.upload_headcounts(
                db.session,
                branch_id=branch_id,
                path=path,
                filename=upload.filename,
                sha256=sha,
                dry_run=form["dry_run"],
                reported_on=form["reported_on"],
                uploaded_by=current_user,
            )
    except (DomainError, ValidationError) as error:
        db.session.rollback()
        rows = (
            getattr(error, "errors", {}).get("rows", {}) if isinstance(error, DomainError) else {}
        )
        problems = [{"row": int(n), "errors": errors} for n, errors in rows.items()]
        status = getattr(error, "status_code", 422)
        return _compliance(status, error=_message(error), problems=problems)
    db.session.commit()
    if form["dry_run"]:
        problems = [{"row": p.row, "errors": p.errors} for p in result.problems]
        return _compliance(dry=result, problems=problems)
    return redirect(
        url_for("supervisor.compliance_page", branch=g.query["branch"], done="uploaded")
    )


def _upload_branch(chosen: int | None) -> int:
    """A supervisor's own branch; an admin names one (the form's select or `?branch=`)."""
    scope = g.scope.within(chosen or g.query["branch"])
    ids = scope.branch_ids(db.session)
    if len(ids) != 1:
        raise ValidationError({"branch": ["compliance.branch_required"]})
    return ids[0]


@supervisor_page
@page_query(ComplianceQuery)
def decide_match(headcount_id):
    headcount = headcount_or_404(db.session, _scope(), headcount_id)
    decision = "confirm" if request.form.get("decision") == "confirm" else "reject"
    try:
        headcounts.decide_match(db.session, headcount=headcount, decision=decision, by=current_user)
    except DomainError as error:
        db.session.rollback()
        return _compliance(error.status_code, error=_message(error))
    db.session.commit()
    return redirect(url_for("supervisor.compliance_page", branch=g.query["branch"], done="decided"))


@supervisor_page
@page_query(ComplianceQuery)
def plan_visit():
    try:
        body = VisitCreateSchema().load(
            {
                "headcount_id": _int(request.form.get("headcount_id")),
                "planned_on": request.form.get("planned_on", ""),
                "team": request.form.get("team", "").strip(),
            }
        )
        headcount = headcount_or_404(db.session, _scope(), body["headcount_id"])
        visits.plan_visit(
            db.session,
            headcount=headcount,
            planned_on=body["planned_on"],
            team=body["team"],
            by=current_user,
        )
    except (DomainError, ValidationError) as error:
        db.session.rollback()
        return _compliance(getattr(error, "status_code", 422), error=_message(error))
    db.session.commit()
    return redirect(url_for("supervisor.compliance_page", branch=g.query["branch"], done="planned"))


def _int(text) -> int | None:
    return int(text) if str(text or "").isdigit() and len(str(text)) < 10 else None


# --- the visit list ----------------------------------------------------------------------------


def _visits(status: int = 200, **context):
    scope, args = _scope(), g.query
    rows, more = _page(db.session, visits.visit_list(scope, state=args["state"]), args["page"])
    note_read("list", "visit")
    return render(
        "supervisor/compliance_visits.html",
        status=status,
        **_common(
            rows=visits.visit_views(db.session, rows),
            more=more,
            state=args["state"],
            page=args["page"],
            done=args["done"],
            outcomes=VISIT_OUTCOMES,
            today=zones.today_of_branch(db.session, scope.one_branch_id),
            **context,
        ),
    )


@supervisor_page
@page_query(VisitsQuery)
def visits_page():
    return _visits()


@supervisor_page
@page_query(VisitsQuery)
def record_visit(visit_id):
    visit = visit_or_404(db.session, _scope(), visit_id)
    try:
        body = VisitOutcomeSchema().load(
            {
                "outcome": request.form.get("outcome", ""),
                "visited_on": request.form.get("visited_on", ""),
                "note": request.form.get("note", "").strip() or None,
            }
        )
        visits.record_outcome(db.session, visit=visit, data=body, by=current_user)
    except (DomainError, ValidationError) as error:
        db.session.rollback()
        return _visits(getattr(error, "status_code", 422), error=_message(error))
    db.session.commit()
    return redirect(url_for("supervisor.visits_page", branch=g.query["branch"], done="recorded"))


page_route("/employers", employers_page)
page_route("/employers/<employer_id>", employer_page)
page_route("/compliance", compliance_page)
page_route("/compliance/upload", compliance_upload, methods=("POST",))
page_route("/compliance/headcounts/<int:headcount_id>", decide_match, methods=("POST",))
page_route("/compliance/visits", visits_page)
page_route("/compliance/visits/plan", plan_visit, methods=("POST",))
page_route("/compliance/visits/<int:visit_id>", record_visit, methods=("POST",))
