"""GET /api/v1/reports/agents (API.md) and the participant list export."""

from __future__ import annotations

import json

from flask.views import MethodView
from flask_login import current_user

from perisai import zones
from perisai.api import Blueprint
from perisai.auth.permissions import current_scope, roles_required
from perisai.errors import field_error
from perisai.extensions import db
from perisai.reports import exports, leaderboard, participants
from perisai.reports.rollups import ensure_rollups
from perisai.reports.schemas import AgentReportQuery, AgentReportRow, ParticipantReportQuery
from perisai.reports.scope import current_month

blp = Blueprint("reports", __name__, url_prefix="/api/v1/reports", description="Reports")

AGENT_COLUMNS = list(AgentReportRow._declared_fields)


def report_month(args):
    month, now = args["month"], current_month(zones.of_user(db.session, current_user))
    if month is None:
        return now
    if month > now:
        raise field_error("month", "reports.future_month", location="query")
    return month


def filters(args) -> dict:
    return {
        "wadah_id": args.get("wadah_id"),
        "status": args.get("status"),
        "sort": args.get("sort", "rank"),
        "descending": args.get("order", "desc") == "desc",
    }


@blp.route("/agents")
class AgentReport(MethodView):
    @roles_required("supervisor", "admin")
    @blp.arguments(AgentReportQuery, location="query")
    @blp.response(200, AgentReportRow(many=True))
    def get(self, args):
        """Per-agent figures for a month, ranked (JSON page, or all rows as CSV/XLSX)."""
        scope = current_scope().within(args["branch_id"])
        month = report_month(args)
        as_of = leaderboard.as_of_day(month, zones.of_user(db.session, current_user))
        if args["format"] != "json":
            ensure_rollups(db.session, [month], scope)
            db.session.commit()  # the rollups it refreshed
            rows = leaderboard.iter_leaderboard(db.session, scope, month, **filters(args))
            values = ([body[c] for c in AGENT_COLUMNS] for body in _dumped(rows, as_of))
            return download(args["format"], f"agents-{month}", AGENT_COLUMNS, _flags(values))
        ensure_rollups(db.session, [month], scope)
        db.session.commit()  # the rollups it refreshed, before the rows (a commit expires them)
        rows, total = leaderboard.leaderboard(
            db.session,
            scope,
            month,
            page=args["page"],
            page_size=args["page_size"],
            **filters(args),
        )
        for row in rows:
            row.as_of = as_of
        header = {"total": total, "page": args["page"], "page_size": args["page_size"]}
        return rows, {"X-Pagination": json.dumps(header)}


ROW_SCHEMA = AgentReportRow()


def _dumped(rows, as_of):
    for row in rows:
        row.as_of = as_of
        yield ROW_SCHEMA.dump(row)


def _flags(rows):
    flags_at = AGENT_COLUMNS.index("flags")
    for row in rows:
        row[flags_at] = " ".join(row[flags_at])
        yield row


def download(fmt: str, stem: str, header: list[str], rows):
    if fmt == "csv":
        return exports.csv_response(f"{stem}.csv", header, rows)
    return exports.xlsx_response(f"{stem}.xlsx", stem[:31], header, rows)


@blp.route("/participants")
class ParticipantReport(MethodView):
    @roles_required("supervisor", "admin")
    @blp.arguments(ParticipantReportQuery, location="query")
    def get(self, args):
        """The participant list in scope as CSV or XLSX (NIK masked unless you are an admin)."""
        scope = current_scope().within(args["branch_id"])
        month = report_month(args)
        agent_id = None
        if args["agent_code"]:
            agent_id = scope.agent_by_code(db.session, args["agent_code"]).id
        rows = participants.participant_rows(
            db.session, scope, month, full_nik=scope.is_admin, agent_id=agent_id
        )
        header = list(participants.PARTICIPANT_COLUMNS)
        return download(args["format"], f"participants-{month}", header, rows)
