"""/api/v1/cash: an agent's cash position, deposits and their slips, the bank's settlement
statements, the supervisor's queue and the limits (API.md "Cash custody")."""

from __future__ import annotations

import json

from flask import Response, request
from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import select

from perisai import zones
from perisai.agents.models import Branch
from perisai.api import Blueprint, PageArgs, paginate
from perisai.auth.permissions import current_scope, roles_required
from perisai.cash import deposits, limits, overview, queue, statements
from perisai.cash.models import CashLimit, Deposit, StatementFormat
from perisai.cash.position import cash_position
from perisai.cash.schemas import (
    AgentCashSchema,
    AgentsCashQuery,
    DecisionSchema,
    DepositCreateSchema,
    DepositListSchema,
    DepositSchema,
    LimitCreateSchema,
    LimitSchema,
    LineDecisionSchema,
    LineSchema,
    PositionSchema,
    StatementQuerySchema,
    StatementResultSchema,
)
from perisai.errors import NotAllowed, NotFound, field_error
from perisai.extensions import db
from perisai.storage import storage

blp = Blueprint(
    "cash", __name__, url_prefix="/api/v1/cash", description="Cash custody: deposits, settlement"
)
SUPERVISORS = ("supervisor", "admin")


def _position(agent):
    today = zones.today_of_branch(db.session, agent.wadah.branch_id)
    return cash_position(db.session, agent, today)


@blp.route("/agents/<agent_code>")
class AgentCash(MethodView):
    @roles_required("agent", *SUPERVISORS)
    @blp.response(200, PositionSchema)
    def get(self, agent_code):
        """The agent's cash in hand, its oldest undeposited cash, its limits, whether blocked."""
        agent = current_scope().agent_by_code(db.session, agent_code)
        return _position(agent)


@blp.route("/deposits")
class Deposits(MethodView):
    @roles_required("agent", *SUPERVISORS)
    @blp.arguments(DepositListSchema, location="query")
    @blp.response(200, DepositSchema(many=True))
    def get(self, args):
        """Deposits, newest first: an agent's own, a branch's for its supervisor."""
        stmt = select(Deposit).where(
            current_scope().where(branch=Deposit.branch_id, agents=(Deposit.agent_id,))
        )
        if args["state"]:
            stmt = stmt.where(Deposit.state == args["state"])
        stmt = stmt.order_by(Deposit.deposited_on.desc(), Deposit.created_at.desc())
        return paginate(db.session, stmt, args)

    @roles_required("agent")
    @blp.arguments(DepositCreateSchema)
    @blp.response(201, DepositSchema)
    @blp.alt_response(200, schema=DepositSchema, description="the same deposit id resent")
    def post(self, body):
        """Record cash the agent paid in (bank, virtual account, counter); idempotent on id."""
        if current_user.agent is None:
            raise NotAllowed("cash.agents_only")
        deposit, created = deposits.record_deposit(
            db.session, agent=current_user.agent, data=body, recorded_by=current_user
        )
        db.session.commit()
        return deposit, 201 if created else 200


@blp.route("/deposits/<deposit_id>")
class DepositById(MethodView):
    @roles_required("agent", *SUPERVISORS)
    @blp.response(200, DepositSchema)
    def get(self, deposit_id):
        """One deposit."""
        return deposits.deposit_or_404(db.session, current_scope(), deposit_id)


@blp.route("/deposits/<deposit_id>/photo")
class DepositPhoto(MethodView):
    @roles_required("agent")
    @blp.response(204)
    def put(self, deposit_id):
        """Upload (or replace) the photo of the deposit slip: raw JPEG/PNG/WebP body."""
        deposit = deposits.deposit_or_404(db.session, current_scope(), deposit_id)
        deposits.store_slip(
            db.session, storage(), deposit, request.content_type or "", request.get_data()
        )
        db.session.commit()

    @roles_required("agent", *SUPERVISORS)
    @blp.response(200, content_type="image/jpeg")
    def get(self, deposit_id):
        """The slip's photo (JPEG, metadata stripped)."""
        deposit = deposits.deposit_or_404(db.session, current_scope(), deposit_id)
        if deposit.photo_key is None:
            raise NotFound("cash.no_photo")
        content = storage().get(deposit.photo_key)
        return Response(content, mimetype="image/jpeg", headers={"Cache-Control": "private"})


@blp.route("/deposits/<deposit_id>/resolve")
class DepositDecision(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(DecisionSchema)
    @blp.response(200, DepositSchema)
    def post(self, body, deposit_id):
        """Confirm a deposit no statement confirmed (slip checked) or reject it, with a reason."""
        deposit = deposits.deposit_or_404(db.session, current_scope(), deposit_id)
        queue.resolve_deposit(
            db.session,
            deposit=deposit,
            decision=body["decision"],
            note=body["note"],
            user=current_user,
        )
        db.session.commit()
        return deposit


@blp.route("/statements")
class Statements(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(StatementQuerySchema, location="query")
    @blp.response(201, StatementResultSchema)
    @blp.alt_response(200, schema=StatementResultSchema, description="this file was uploaded")
    def post(self, args):
        """Upload the bank's statement (CSV: multipart `file`, or the body) and match it."""
        content, filename = _upload()
        branch_id = _branch_for_statement(args["branch"])
        fmt = statements.statement_format(db.session, args["format"])
        upload = statements.upload_statement(
            db.session,
            branch_id=branch_id,
            content=content,
            filename=filename,
            fmt=fmt,
            uploaded_by=current_user,
        )
        db.session.commit()
        return upload, 201 if upload.created else 200


@blp.route("/queue/lines")
class UnmatchedLines(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, LineSchema(many=True))
    def get(self, args):
        """Statement lines no deposit matched, oldest first (the supervisor resolves them)."""
        return paginate(db.session, queue.unmatched_lines(current_scope()), args)


@blp.route("/queue/deposits")
class UnconfirmedDeposits(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, DepositSchema(many=True))
    def get(self, args):
        """Deposits no statement confirmed within 3 days of being made, oldest first."""
        scope = current_scope()
        today = zones.today_of_branch(db.session, scope.one_branch_id)
        return paginate(db.session, queue.unconfirmed_deposits(scope, today), args)


@blp.route("/queue/lines/<int:line_id>/resolve")
class LineDecision(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(LineDecisionSchema)
    @blp.response(200, LineSchema)
    def post(self, body, line_id):
        """Pair an unmatched line with a waiting deposit, or dismiss it, with a reason."""
        scope = current_scope()
        line = queue.line_or_404(db.session, scope, line_id)
        deposit = None
        if body["deposit_id"] is not None:
            deposit = deposits.deposit_or_404(db.session, scope, body["deposit_id"])
        queue.resolve_line(
            db.session,
            line=line,
            decision=body["decision"],
            note=body["note"],
            user=current_user,
            deposit=deposit,
        )
        db.session.commit()
        return line


@blp.route("/limits")
class Limits(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.response(200, LimitSchema(many=True))
    def get(self):
        """Every version of the cash limits the caller's branch is judged by, newest first."""
        scope = current_scope()
        stmt = select(CashLimit).where(
            CashLimit.branch_id.is_(None) | scope.branches(CashLimit.branch_id)
        )
        return db.session.scalars(stmt.order_by(CashLimit.effective_from.desc())).all()

    @roles_required(*SUPERVISORS)
    @blp.arguments(LimitCreateSchema)
    @blp.response(201, LimitSchema)
    def post(self, body):
        """A new version of the limits for a branch or one agent (admin: also national)."""
        scope = current_scope()
        agent_code, branch_code = body.pop("agent_code"), body.pop("branch")
        agent_id = branch_id = None
        if agent_code:
            agent = scope.agent_by_code(db.session, agent_code)
            agent_id, branch_id = agent.id, agent.wadah.branch_id
        elif branch_code:
            branch_id = _branch_id(branch_code)
        elif not scope.is_admin:
            branch_id = scope.one_branch_id
        limit = limits.add_limit(
            db.session, branch_id=branch_id, agent_id=agent_id, created_by=current_user, **body
        )
        db.session.commit()
        return limit, 201


@blp.route("/formats")
class Formats(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.response(200)
    def get(self):
        """The statement layouts `POST /cash/statements?format=` knows."""
        rows = db.session.scalars(select(StatementFormat).order_by(StatementFormat.code))
        return [{"code": f.code, "name": f.name, "source": f.source} for f in rows]


def _upload() -> tuple[bytes, str]:
    upload = request.files.get("file")
    if upload is not None:
        return upload.read(), upload.filename or "statement.csv"
    content = request.get_data()
    if not content:
        raise field_error("file", "cash.statement_empty", location="files")
    return content, "statement.csv"


def _branch_id(code: str) -> int:
    branch = db.session.scalar(select(Branch).where(Branch.code == code))
    if branch is None or not current_scope().allows_branch(branch.id):
        raise field_error("branch", "cash.unknown_branch", location="query")
    return branch.id


def _branch_for_statement(code: str | None) -> int:
    """The branch whose deposits a statement settles: a supervisor's own; an admin names one
    unless there is only one."""
    if code:
        return _branch_id(code)
    scope = current_scope()
    ids = scope.branch_ids(db.session)
    if len(ids) != 1:
        raise field_error("branch", "cash.branch_required", location="query")
    return ids[0]


@blp.route("/agents")
class AgentsCash(MethodView):
    @roles_required(*SUPERVISORS)
    @blp.arguments(AgentsCashQuery, location="query")
    @blp.response(200, AgentCashSchema(many=True))
    def get(self, args):
        """A branch's agents' cash in hand by age, blocks and settlement: most, or oldest, first."""
        # a branch's agents (an admin names one, as for a statement): the whole country's cash,
        # every payment's, is seconds of reading for a list nobody pages through
        scope = current_scope().within(_overview_branch(args["branch"]))
        size = args["page_size"]
        rows, total = overview.agents_cash(
            db.session, scope, page=args["page"], page_size=size, sort=args["sort"]
        )
        header = {"total": total, "page": args["page"], "page_size": size}
        return rows, {"X-Pagination": json.dumps(header)}


def _overview_branch(code: str | None) -> int:
    """The branch whose agents the overview lists: a supervisor's own; an admin names one unless
    there is only one."""
    if code:
        return _branch_id(code)
    ids = current_scope().branch_ids(db.session)
    if len(ids) != 1:
        raise field_error("branch", "cash.overview_branch", location="query")
    return ids[0]
