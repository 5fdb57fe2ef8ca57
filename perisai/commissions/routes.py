"""Commission endpoints of API.md: statements (JSON and PDF), month close, paid and
acknowledged, Wadah statements, rule sets, prior registrations and agent standing."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user
from sqlalchemy import select

import perisai.commissions.cli  # noqa: F401 - registers `flask perisai standing` and friends
from perisai import zones
from perisai.api import Blueprint, paginate, pdf_response
from perisai.auth.permissions import current_scope, login_required, roles_required
from perisai.commissions import (
    access,
    close,
    estimates,
    payouts,
    prior_registrations,
    rules,
    standing,
    statement_pdfs,
    statements,
)
from perisai.commissions.models import CommissionRuleSet
from perisai.commissions.schemas import (
    AgentStatusSchema,
    CloseBodySchema,
    CloseQuerySchema,
    CloseResultSchema,
    MonthQuerySchema,
    PaidSchema,
    PriorRegistrationSchema,
    RuleSetCreateSchema,
    RuleSetSchema,
    StandingFlagSchema,
    StatementDetailSchema,
    StatementQuerySchema,
    StatementSchema,
    WadahStatementSchema,
)
from perisai.errors import field_error
from perisai.extensions import db
from perisai.i18n import current_language
from perisai.jobs import tasks as jobs
from perisai.jobs.responses import accepted, prefers_async
from perisai.jobs.schemas import BackgroundJobSchema
from perisai.months import Month

blp = Blueprint(
    "commissions",
    __name__,
    url_prefix="/api/v1/commissions",
    description="Commissions: statements, month close, Wadah statements, rules, standing",
)


def _month_or_now(month: Month | None) -> Month:
    if month is not None and month.year >= 9999:  # the month after must still be a month
        raise field_error("month", "field.invalid|MonthField", location="query")
    return month or Month.of(zones.today_of_user(db.session, current_user))


def _path_month(text: str) -> Month:
    try:
        return Month.parse(text)
    except ValueError:
        raise field_error("month", "field.invalid|MonthField", location="path") from None


def _minimum(month: Month) -> int:
    return rules.rule_set_for(db.session, month, location="query").acquisition_minimum


@blp.route("/statements")
class Statements(MethodView):
    @login_required
    @blp.arguments(StatementQuerySchema, location="query")
    @blp.response(200, StatementSchema(many=True))
    def get(self, args):
        """One row per agent in scope for a month (default: this month); open = estimate."""
        month = _month_or_now(args["month"])
        agents, headers = paginate(db.session, access.statement_agents(current_scope()), args)
        minimum = _minimum(month)
        items = estimates.agent_months(db.session, month, list(agents))
        for item in items:
            item.acquisition_minimum = minimum
        return items, headers


@blp.route("/statements/<statement_id>")
class StatementById(MethodView):
    @login_required
    @blp.response(200, StatementDetailSchema)
    def get(self, statement_id):
        """One statement with every ledger line behind its total."""
        item = access.get_agent_month(db.session, current_scope(), statement_id)
        item.acquisition_minimum = _minimum(item.month)
        item.lines = statements.statement_lines(db.session, item)
        item.released_lines = statements.released_lines(db.session, item)
        return item


ASYNC_PDF = "with `Prefer: respond-async`: a job rendering the PDF; poll it, then download it"


@blp.route("/statements/<statement_id>.pdf")
class StatementPdf(MethodView):
    @login_required
    @blp.response(200, content_type="application/pdf")
    @blp.alt_response(202, schema=BackgroundJobSchema, description=ASYNC_PDF)
    def get(self, statement_id):
        """The statement as a PDF: every participant and payment line behind the total."""
        if prefers_async():
            job = statement_pdfs.queue_agent_statement(
                db.session, current_scope(), current_user, statement_id, **_job_args()
            )
            db.session.commit()
            return accepted(job)
        item = access.get_agent_month(db.session, current_scope(), statement_id)
        pdf = statement_pdfs.agent_statement_pdf(db.session, item, current_language())
        return pdf_response(pdf.data, pdf.filename)


def _job_args() -> dict:
    return {"lang": current_language(), "request_id": jobs.request_id()}


@blp.route("/statements/<statement_id>/paid")
class StatementPaid(MethodView):
    @roles_required("supervisor", "admin")
    @blp.arguments(PaidSchema)
    @blp.response(200, StatementSchema)
    def post(self, body, statement_id):
        """Mark a closed statement paid (transfer reference and date)."""
        item = access.get_agent_month(db.session, current_scope(), statement_id)
        payouts.mark_statement_paid(db.session, item, by=current_user, **body)
        db.session.commit()
        item.acquisition_minimum = _minimum(item.month)
        return item


@blp.route("/statements/<statement_id>/acknowledge")
class StatementAcknowledge(MethodView):
    @roles_required("agent")
    @blp.response(200, StatementSchema)
    def post(self, statement_id):
        """The agent acknowledges their closed statement."""
        item = access.get_agent_month(db.session, current_scope(), statement_id)
        payouts.acknowledge_statement(db.session, item, by=current_user)
        db.session.commit()
        item.acquisition_minimum = _minimum(item.month)
        return item


@blp.route("/months/<month>/close")
class CloseMonth(MethodView):
    @roles_required("supervisor", "admin")
    @blp.arguments(CloseQuerySchema, location="query")
    @blp.arguments(CloseBodySchema)
    @blp.response(200, CloseResultSchema)
    def post(self, query, body, month):
        """Close an ended month for the branch (admin: `branch` code, or all); idempotent."""
        scope, month = current_scope(), _path_month(month)
        branch_ids = close.branch_ids_for_close(
            db.session, scope, body.get("branch") or query["branch"]
        )
        result = close.close_month(
            db.session,
            month=month,
            branch_ids=branch_ids,
            including=body["including"],
            closed_by=current_user,
        )
        db.session.commit()
        return result


@blp.route("/wadah-statements")
class WadahStatements(MethodView):
    @roles_required("supervisor", "admin")
    @blp.arguments(StatementQuerySchema, location="query")
    @blp.response(200, WadahStatementSchema(many=True))
    def get(self, args):
        """One row per Wadah in scope for a month: its agents' incentive and its own share."""
        month = _month_or_now(args["month"])
        wadahs, headers = paginate(db.session, statements.wadahs_in_scope(current_scope()), args)
        items = statements.wadah_months(db.session, month, list(wadahs))
        return items, headers


@blp.route("/wadah-statements/<statement_id>.pdf")
class WadahStatementPdf(MethodView):
    @roles_required("supervisor", "admin")
    @blp.response(200, content_type="application/pdf")
    @blp.alt_response(202, schema=BackgroundJobSchema, description=ASYNC_PDF)
    def get(self, statement_id):
        """The Wadah's statement as a PDF, with every agent's lines."""
        if prefers_async():
            job = statement_pdfs.queue_wadah_statement(
                db.session, current_scope(), current_user, statement_id, **_job_args()
            )
            db.session.commit()
            return accepted(job)
        item = statements.get_wadah_month(db.session, current_scope(), statement_id)
        pdf = statement_pdfs.wadah_statement_pdf(db.session, item, current_language())
        return pdf_response(pdf.data, pdf.filename)


@blp.route("/rule-sets")
class RuleSets(MethodView):
    @login_required
    @blp.response(200, RuleSetSchema(many=True))
    def get(self):
        """Every incentive rule set, oldest first."""
        stmt = select(CommissionRuleSet).order_by(
            CommissionRuleSet.effective_from, CommissionRuleSet.id
        )
        return db.session.scalars(stmt).all()

    @roles_required("admin")
    @blp.arguments(RuleSetCreateSchema)
    @blp.response(201, RuleSetSchema)
    def post(self, body):
        """Add a rule set version, in force from an open month onwards."""
        rule = rules.add_rule_set(db.session, data=body, created_by=current_user)
        db.session.commit()
        return rule


@blp.route("/prior-registrations")
class PriorRegistrations(MethodView):
    @roles_required("supervisor", "admin")
    @blp.arguments(PriorRegistrationSchema)
    @blp.response(201, PriorRegistrationSchema)
    def post(self, body):
        """Record that a participant's NIK was registered in BPU before (never 'new')."""
        worker = current_scope().worker(db.session, body["worker_id"])
        prior_registrations.mark_previously_registered(
            db.session, worker=worker, source=body["source"], by=current_user
        )
        db.session.commit()
        return body


@blp.route("/standing")
class Standing(MethodView):
    @roles_required("supervisor", "admin")
    @blp.arguments(MonthQuerySchema, location="query")
    @blp.response(200, StandingFlagSchema(many=True))
    def get(self, args):
        """Standing flags of a month (warnings, suspensions, Wadah below target) in scope."""
        month = _month_or_now(args["month"])
        return db.session.scalars(standing.flags_in(current_scope(), month)).all()


@blp.route("/agents/<agent_code>/reactivate")
class ReactivateAgent(MethodView):
    @roles_required("supervisor", "admin")
    @blp.response(200, AgentStatusSchema)
    def post(self, agent_code):
        """Reactivate a suspended agent (not before 6 months after the suspension)."""
        agent = current_scope().agent_by_code(db.session, agent_code)
        standing.reactivate_agent(
            db.session, agent=agent, today=zones.today_of_branch(db.session, agent.wadah.branch_id)
        )
        db.session.commit()
        return {"agent_code": agent.agent_code, "status": agent.status}
