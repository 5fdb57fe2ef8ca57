"""The compliance API (API.md "Employers (PU) and compliance"): the labour office's list in,
proposed matches confirmed or rejected, the gap report (JSON, CSV, XLSX) and the visit list."""

from __future__ import annotations

from flask import current_app, request
from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import select

from perisai.agents.models import Branch
from perisai.api import Blueprint, PageArgs, paginate
from perisai.auth.permissions import current_scope, roles_required
from perisai.compliance import gaps, headcounts, visits
from perisai.compliance.access import headcount_or_404, visible_lists, visit_or_404
from perisai.compliance.files import received
from perisai.compliance.models import Headcount, HeadcountList
from perisai.compliance.schemas import (
    GapQuerySchema,
    GapSchema,
    HeadcountListSchema,
    HeadcountQuerySchema,
    HeadcountSchema,
    HeadcountUploadResultSchema,
    HeadcountUploadSchema,
    VisitCreateSchema,
    VisitOutcomeSchema,
    VisitQuerySchema,
    VisitSchema,
)
from perisai.errors import field_error
from perisai.extensions import db
from perisai.reports import exports

blp = Blueprint(
    "compliance",
    __name__,
    url_prefix="/api/v1/compliance",
    description="Compliance: the labour office's headcounts against registered workers",
)
SUPERVISORS = ("supervisor", "admin")


@blp.before_request
def _upload_limit():
    # A labour office's list of 100,000 employers is bigger than the app-wide request limit.
    request.max_content_length = current_app.config.get("IMPORT_MAX_BYTES", 64 * 1024 * 1024)


def _branch_for_upload(code: str | None) -> int:
    """A supervisor's own branch; an admin names one (unless there is only one)."""
    scope = current_scope()
    if code:
        branch = db.session.scalar(select(Branch).where(Branch.code == code))
        if branch is None or not scope.allows_branch(branch.id):
            raise field_error("branch", "compliance.unknown_branch", location="files")
        return branch.id
    ids = scope.branch_ids(db.session)
    if len(ids) != 1:
        raise field_error("branch", "compliance.branch_required", location="files")
    return ids[0]


@blp.route("/headcounts")
class Headcounts(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(HeadcountUploadSchema, location="files", content_type="multipart/form-data")
    @blp.response(201, HeadcountUploadResultSchema)
    @blp.alt_response(200, schema=HeadcountUploadResultSchema, description="a dry run, or again")
    def post(self, form):
        """Upload the labour office's list (CSV/XLSX) and match it to registered employers."""
        upload = form["file"]
        branch_id = _branch_for_upload(form["branch"])
        with received(upload) as (path, sha):
            result = headcounts.upload_headcounts(
                db.session,
                branch_id=branch_id,
                path=path,
                filename=upload.filename or "headcounts.csv",
                sha256=sha,
                dry_run=form["dry_run"],
                reported_on=form["reported_on"],
                uploaded_by=current_user,
            )
        db.session.commit()
        return result, 201 if result.created else 200

    @roles_required(*SUPERVISORS)
    @blp.arguments(HeadcountQuerySchema, location="query")
    @blp.response(200, HeadcountSchema(many=True))
    def get(self, args):
        """The rows of the newest lists (or one list), e.g. `state=proposed` to confirm."""
        ids = gaps.current_list_ids(db.session, current_scope(), args["list_id"])
        stmt = select(Headcount).where(Headcount.list_id.in_(ids)).order_by(Headcount.id)
        if args["state"]:
            stmt = stmt.where(Headcount.state == args["state"])
        if args["regency_code"]:
            stmt = stmt.where(Headcount.regency_code == args["regency_code"])
        return paginate(db.session, stmt, args)


def _decide(headcount_id: int, decision: str):
    headcount = headcount_or_404(db.session, current_scope(), headcount_id)
    headcounts.decide_match(db.session, headcount=headcount, decision=decision, by=current_user)
    db.session.commit()
    return headcount


@blp.route("/headcounts/<int:headcount_id>/confirm")
class ConfirmMatch(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.response(200, HeadcountSchema)
    def post(self, headcount_id):
        """Confirm a proposed match by name: the row's employer is the one proposed."""
        return _decide(headcount_id, "confirm")


@blp.route("/headcounts/<int:headcount_id>/reject")
class RejectMatch(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.response(200, HeadcountSchema)
    def post(self, headcount_id):
        """Reject a proposed match by name: the row stays without a registered employer."""
        return _decide(headcount_id, "reject")


@blp.route("/lists")
class HeadcountLists(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, HeadcountListSchema(many=True))
    def get(self, args):
        """The lists received, newest first."""
        stmt = (
            select(HeadcountList)
            .where(visible_lists(current_scope()))
            .order_by(HeadcountList.id.desc())
        )
        return paginate(db.session, stmt, args)


@blp.route("/gaps")
class Gaps(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(GapQuerySchema, location="query")
    @blp.response(200, GapSchema(many=True))
    def get(self, args):
        """Reported against registered workers per employer, largest gap first (JSON page,
        or every line as CSV/XLSX)."""
        ids = gaps.current_list_ids(db.session, current_scope(), args["list_id"])
        stmt = gaps.gap_query(ids, args["regency_code"])
        if args["format"] != "json":
            rows = gaps.export_rows(db.session, stmt)
            name = f"gaps-{args['regency_code'] or 'branch'}.{args['format']}"
            if args["format"] == "csv":
                return exports.csv_response(name, gaps.EXPORT_COLUMNS, rows)
            return exports.xlsx_response(name, "gaps", gaps.EXPORT_COLUMNS, rows)
        return gaps.gap_page(db.session, stmt, args)


@blp.route("/visits")
class Visits(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(VisitQuerySchema, location="query")
    @blp.response(200, VisitSchema(many=True))
    def get(self, args):
        """The joint team's visit list: planned by day, then visited."""
        stmt = visits.visit_list(
            current_scope(), state=args["state"], regency_code=args["regency_code"]
        )
        items, headers = paginate(db.session, stmt, args)
        return visits.visit_views(db.session, items), headers

    @roles_required(*SUPERVISORS)
    @blp.arguments(VisitCreateSchema)
    @blp.response(201, VisitSchema)
    @blp.alt_response(200, schema=VisitSchema, description="planned already, the same way")
    def post(self, body):
        """Put an employer of the gap report on the visit list."""
        headcount = headcount_or_404(db.session, current_scope(), body["headcount_id"])
        visit, created = visits.plan_visit(
            db.session,
            headcount=headcount,
            planned_on=body["planned_on"],
            team=body["team"],
            by=current_user,
        )
        db.session.commit()
        return visits.visit_views(db.session, [visit])[0], 201 if created else 200


@blp.route("/visits/<int:visit_id>/outcome")
class VisitOutcome(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(VisitOutcomeSchema)
    @blp.response(200, VisitSchema)
    def post(self, body, visit_id):
        """Record what the visit found."""
        visit = visit_or_404(db.session, current_scope(), visit_id)
        visits.record_outcome(db.session, visit=visit, data=body, by=current_user)
        db.session.commit()
        return visits.visit_views(db.session, [visit])[0]
