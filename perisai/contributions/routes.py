"""Contribution endpoints of API.md: quotes, payments, receipts, reversal, renewals."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView
from flask_login import current_user

from perisai import zones
from perisai.api import Blueprint, PageArgs, paginate, pdf_response
from perisai.auth.permissions import current_scope, login_required, roles_required
from perisai.contributions import cli as _cli  # noqa: F401 - registers `flask perisai rates`
from perisai.contributions import payments, quotes, receipts, renewals
from perisai.contributions.approval_routes import approval
from perisai.contributions.models import Payment
from perisai.contributions.reference_routes import reference
from perisai.contributions.rules import RuleBook
from perisai.contributions.schemas import (
    PaymentCreateSchema,
    PaymentSchema,
    QuoteQuerySchema,
    QuoteSchema,
    RenewalQuerySchema,
    RenewalSchema,
    ReverseSchema,
)
from perisai.contributions.sponsor_routes import sponsors
from perisai.extensions import db
from perisai.i18n import current_language

blp = Blueprint(
    "contributions",
    __name__,
    url_prefix="/api/v1",
    description="Contributions: quotes, payments, receipts",
    template_folder="templates",
)
blueprints = [blp, reference, sponsors, approval]


def _visible_payment(payment_id) -> tuple[Payment, object]:
    return payments.visible_payment(db.session, current_scope(), payment_id)


@blp.route("/workers/<worker_id>/quote")
class WorkerQuote(MethodView):
    @login_required
    @blp.arguments(QuoteQuerySchema, location="query")
    @blp.response(200, QuoteSchema)
    def get(self, args, worker_id):
        """The next N months this participant would pay for (arrears first), month by month."""
        worker = current_scope().worker(db.session, worker_id)
        if args["as_of"] is not None:
            quote = quotes.quote_as_of(db.session, worker, args["months"], args["as_of"])
            return quote.as_dict()
        today = zones.today_of_worker(db.session, worker)
        return quotes.quote_for_worker(db.session, worker, args["months"], today).as_dict()


@blp.route("/workers/<worker_id>/payments")
class WorkerPayments(MethodView):
    @login_required
    @blp.arguments(PageArgs, location="query")
    @blp.response(200, PaymentSchema(many=True))
    def get(self, args, worker_id):
        """This participant's payments, newest first (reversed ones flagged)."""
        worker = current_scope().worker(db.session, worker_id)
        items, headers = paginate(db.session, payments.worker_payments(worker), args)
        return items, headers

    @roles_required("agent", "supervisor", "admin")
    @blp.arguments(PaymentCreateSchema)
    @blp.response(201, PaymentSchema)
    @blp.alt_response(200, schema=PaymentSchema, description="the same payment id resent")
    def post(self, body, worker_id):
        """Record a payment of 1–12 months; the amount must equal the quote; idempotent on id."""
        worker = current_scope().worker(db.session, worker_id)
        payment, created = payments.record_payment(
            db.session, worker=worker, data=body, recorded_by=current_user
        )
        db.session.commit()
        return payment, 201 if created else 200


@blp.route("/payments/<uuid:payment_id>")
class PaymentById(MethodView):
    @login_required
    @blp.response(200, PaymentSchema)
    def get(self, payment_id):
        """One payment with the months it covers."""
        return _visible_payment(payment_id)[0]


@blp.route("/payments/<uuid:payment_id>/receipt.pdf")
class ReceiptPdf(MethodView):
    @login_required
    @blp.response(200, content_type="application/pdf")
    def get(self, payment_id):
        """The receipt as an A6 PDF (tanda bukti penerimaan iuran)."""
        payment, worker = _visible_payment(payment_id)
        pdf = receipts.receipt_pdf(payment, worker, current_language())
        return pdf_response(pdf, f"kuitansi-{payment.receipt_number}.pdf")


@blp.route("/payments/<uuid:payment_id>/receipt.txt")
class ReceiptText(MethodView):
    @login_required
    @blp.response(200, content_type="text/plain")
    def get(self, payment_id):
        """The receipt as a few lines of text to send by WhatsApp or SMS."""
        payment, worker = _visible_payment(payment_id)
        text = receipts.receipt_text(payment, worker, current_language())
        return Response(text, mimetype="text/plain")


@blp.route("/payments/<uuid:payment_id>/reverse")
class ReversePayment(MethodView):
    @roles_required("supervisor", "admin")
    @blp.arguments(ReverseSchema)
    @blp.response(200, PaymentSchema)
    def post(self, body, payment_id):
        """Reverse a mistaken payment (a reversal entry; the months become payable again)."""
        payment, _ = _visible_payment(payment_id)
        payments.reverse_payment(
            db.session, payment=payment, reason=body["reason"], reversed_by=current_user
        )
        db.session.commit()
        return payment


@blp.route("/renewals")
class Renewals(MethodView):
    @login_required
    @blp.arguments(RenewalQuerySchema, location="query")
    @blp.response(200, RenewalSchema(many=True))
    def get(self, args):
        """Whom to visit: in grace (months and amount owed), due within N days, recently ended."""
        today = zones.today_of_user(db.session, current_user)
        stmt = renewals.renewal_query(
            current_scope().workers(),
            today=today,
            due_within_days=args["due_within_days"],
            ended_within_months=args["ended_within_months"],
        )
        items, headers = paginate(db.session, stmt, args)
        rules = RuleBook(db.session)
        return [
            renewals.renewal_item(db.session, w, zones.today_of_worker(db.session, w), rules)
            for w in items
        ], headers
