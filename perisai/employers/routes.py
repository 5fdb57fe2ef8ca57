"""The employers API (API.md "Employers (PU)"): register a business and its workers, its
monthly quote, payments and receipts; the PU rules in force and adding a version (admin)."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from perisai import clock, zones
from perisai.api import Blueprint, PageArgs, paginate, pdf_response
from perisai.audit.operations import note_read
from perisai.auth.permissions import current_scope, login_required, roles_required
from perisai.bounds import month_in_bounds
from perisai.employers import employees, operations, payments, queries, receipts, rules
from perisai.employers.access import employer_or_404
from perisai.employers.quotes import quote_for_employer
from perisai.employers.schemas import (
    EmployeeCreateSchema,
    EmployeeSchema,
    EmployerCommissionRuleCreateSchema,
    EmployerCommissionRuleSchema,
    EmployerCreateSchema,
    EmployerPaymentCreateSchema,
    EmployerPaymentSchema,
    EmployerProgramRuleCreateSchema,
    EmployerProgramRuleSchema,
    EmployerQuerySchema,
    EmployerQuoteQuerySchema,
    EmployerQuoteSchema,
    EmployerRateVersionCreateSchema,
    EmployerRateVersionSchema,
    EmployerRulesQuerySchema,
    EmployerRulesSchema,
    EmployerSchema,
)
from perisai.employers.serialization import EmployeeView, EmployerView
from perisai.errors import NotFound
from perisai.extensions import db
from perisai.i18n import current_language
from perisai.months import Month

blp = Blueprint(
    "employers",
    __name__,
    url_prefix="/api/v1/employers",
    description="Employers (PU): small businesses and their wage-earning workers",
    template_folder="templates",
)
rule_blp = Blueprint(
    "employer-rules", __name__, url_prefix="/api/v1", description="Employers (PU): the rules"
)
blueprints = [blp, rule_blp]
REGISTRARS = ("agent", "supervisor", "admin")


def _employer(employer_id):
    return employer_or_404(db.session, current_scope(), employer_id)


def _view(employer, warnings=None) -> EmployerView:
    count = queries.worker_counts(db.session, [employer.id])[employer.id]
    return EmployerView(employer, count, **({"warnings": warnings} if warnings is not None else {}))


@blp.route("")
class Employers(MethodView):
    @login_required
    @blp.arguments(EmployerQuerySchema, location="query")
    @blp.response(200, EmployerSchema(many=True))
    def get(self, args):
        """The employers in scope, by name; `q` searches name, registration number, NIB, NPWP."""
        stmt = queries.employer_list(
            current_scope(), q=args["q"], regency_code=args["regency_code"]
        )
        items, headers = paginate(db.session, stmt, args)
        counts = queries.worker_counts(db.session, [e.id for e in items])
        return [EmployerView(e, counts[e.id]) for e in items], headers

    @roles_required(*REGISTRARS)
    @blp.arguments(EmployerCreateSchema)
    @blp.response(201, EmployerSchema)
    @blp.alt_response(200, schema=EmployerSchema, description="the same registration resent")
    def post(self, body):
        """Register a business (idempotent on the client id; 409 on a NIB or NPWP taken)."""
        result = operations.register_employer(
            db.session, scope=current_scope(), agent=current_user.agent, data=body
        )
        db.session.commit()
        return _view(result.employer, result.warnings), 201 if result.created else 200


@blp.route("/<employer_id>")
class EmployerById(MethodView):
    @login_required
    @blp.response(200, EmployerSchema)
    def get(self, employer_id):
        """One employer with its number of registered workers."""
        return _view(_employer(employer_id))


@blp.route("/<employer_id>/workers")
class EmployerWorkers(MethodView):
    @login_required
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, EmployeeSchema(many=True))
    def get(self, args, employer_id):
        """The employer's workers, by name (NIK masked unless the caller may see it)."""
        scope, employer = current_scope(), _employer(employer_id)
        items, headers = paginate(db.session, queries.employees_of(employer), args)
        bpu = employees.bpu_niks(db.session, [w.nik for w in items])
        note_read("list", "employer_worker", [employer.id])
        return [EmployeeView(w, scope, w.nik in bpu) for w in items], headers

    @roles_required(*REGISTRARS)
    @blp.arguments(EmployeeCreateSchema)
    @blp.response(201, EmployeeSchema)
    @blp.alt_response(200, schema=EmployeeSchema, description="the same worker resent")
    def post(self, body, employer_id):
        """Add a worker (a BPU participant too is allowed and said; twice in one employer 409)."""
        scope, employer = current_scope(), _employer(employer_id)
        added = employees.add_employer_worker(
            db.session, scope=scope, employer=employer, data=body, added_by=current_user
        )
        db.session.commit()
        bpu = bool(employees.bpu_niks(db.session, [added.employee.nik]))
        view = EmployeeView(added.employee, scope, bpu, warnings=added.warnings)
        return view, 201 if added.created else 200


@blp.route("/<employer_id>/quote")
class EmployerQuote(MethodView):
    @login_required
    @blp.arguments(EmployerQuoteQuerySchema, location="query")
    @blp.response(200, EmployerQuoteSchema)
    def get(self, args, employer_id):
        """The month's contribution per program (employer and worker shares) and the fine."""
        employer = _employer(employer_id)
        today = zones.today_of_branch(db.session, employer.branch_id)
        month = args["month"] or Month.of(today)
        return quote_for_employer(db.session, employer, month, args["paid_on"] or today)


@blp.route("/<employer_id>/payments")
class EmployerPayments(MethodView):
    @login_required
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, EmployerPaymentSchema(many=True))
    def get(self, args, employer_id):
        """The employer's payments, newest month first."""
        stmt = payments.employer_payments(_employer(employer_id))
        return paginate(db.session, stmt, args)

    @roles_required(*REGISTRARS)
    @blp.arguments(EmployerPaymentCreateSchema)
    @blp.response(201, EmployerPaymentSchema)
    @blp.alt_response(200, schema=EmployerPaymentSchema, description="the same payment resent")
    def post(self, body, employer_id):
        """Record a month's payment; the amount must equal the quote's amount_due that day."""
        payment, created = payments.record_employer_payment(
            db.session, employer=_employer(employer_id), data=body, recorded_by=current_user
        )
        db.session.commit()
        return payment, 201 if created else 200


@blp.route("/<employer_id>/receipts/<month>.pdf")
class EmployerReceipt(MethodView):
    @login_required
    @blp.response(200, content_type="application/pdf")
    def get(self, employer_id, month):
        """The receipt of the month's payment (A6 PDF)."""
        employer = _employer(employer_id)
        try:
            chosen = Month.parse(month)
        except ValueError:
            raise NotFound() from None
        month_in_bounds(chosen, "month", location="path")
        payment = payments.payment_of_month(db.session, employer, chosen)
        note_read("read", "employer_payment", [payment.id])
        pdf = receipts.receipt_pdf(payment, employer, current_language())
        return pdf_response(pdf, f"kuitansi-{payment.receipt_number}.pdf")


@rule_blp.route("/reference/employer-rules")
class EmployerRules(MethodView):
    @rule_blp.arguments(EmployerRulesQuerySchema, location="query")
    @rule_blp.response(200, EmployerRulesSchema)
    def get(self, args):
        """The PU rates, JP wage ceiling, late fine, programs by size and commission in force."""
        return rules.rules_in_force(db.session, args["month"] or clock.this_month())


@rule_blp.route("/employer-rules/rates")
class RateVersions(MethodView):
    @roles_required("admin")
    @rule_blp.arguments(EmployerRateVersionCreateSchema)
    @rule_blp.response(201, EmployerRateVersionSchema)
    def post(self, body):
        """Add a rate version (rates, JP wage ceiling, late fine) from a contribution month."""
        version = rules.add_rate_version(db.session, data=body, created_by=current_user)
        db.session.commit()
        return version


@rule_blp.route("/employer-rules/programs")
class ProgramRules(MethodView):
    @roles_required("admin")
    @rule_blp.arguments(EmployerProgramRuleCreateSchema)
    @rule_blp.response(201, EmployerProgramRuleSchema)
    def post(self, body):
        """Add which programs a size class must join, from a contribution month."""
        rule = rules.add_program_rule(db.session, data=body, created_by=current_user)
        db.session.commit()
        return rule


@rule_blp.route("/employer-rules/commission")
class CommissionRules(MethodView):
    @roles_required("admin")
    @rule_blp.arguments(EmployerCommissionRuleCreateSchema)
    @rule_blp.response(201, EmployerCommissionRuleSchema)
    def post(self, body):
        """Add the agents' commission on employers from a month (zero until decided)."""
        rule = rules.add_commission_rule(db.session, data=body, created_by=current_user)
        db.session.commit()
        return rule
