"""Payments awaiting a supervisor's approval (issue 15) and the late-payment rule's versions."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from perisai import zones
from perisai.api import Blueprint, paginate
from perisai.auth.permissions import current_scope, login_required, roles_required
from perisai.contributions import approvals
from perisai.contributions.schemas import (
    ApproveSchema,
    LateRuleCreateSchema,
    LateRuleSchema,
    PaymentSchema,
    PaymentStateQuerySchema,
    RejectSchema,
)
from perisai.extensions import db

approval = Blueprint(
    "payment-approvals",
    __name__,
    url_prefix="/api/v1",
    description="Late-recorded payments: approval by the branch's supervisor",
)


def _decide(decision, payment_id, body):
    """Load a payment the scope may decide, approve or reject it, commit and return it."""
    payment = approvals.decidable_payment(db.session, current_scope(), payment_id)
    decision(db.session, payment=payment, by=current_user, note=body["note"], via="api")
    db.session.commit()
    return payment


@approval.route("/payments")
class Payments(MethodView):
    @roles_required("supervisor", "admin")
    @approval.arguments(PaymentStateQuerySchema, location="query")
    @approval.response(200, PaymentSchema(many=True))
    def get(self, args):
        """Payments in a state (default pending_approval): a supervisor's branch, or all."""
        stmt = approvals.payments_in_state(current_scope(), args["state"])
        items, headers = paginate(db.session, stmt, args)
        return items, headers


@approval.route("/payments/<uuid:payment_id>/approve")
class ApprovePayment(MethodView):
    @roles_required("supervisor", "admin")
    @approval.arguments(ApproveSchema)
    @approval.response(200, PaymentSchema)
    def post(self, body, payment_id):
        """Approve a pending payment: its months cover from now on (409 if not pending)."""
        return _decide(approvals.approve_payment, payment_id, body)


@approval.route("/payments/<uuid:payment_id>/reject")
class RejectPayment(MethodView):
    @roles_required("supervisor", "admin")
    @approval.arguments(RejectSchema)
    @approval.response(200, PaymentSchema)
    def post(self, body, payment_id):
        """Reject a pending payment with a note: it never covers (409 if not pending)."""
        return _decide(approvals.reject_payment, payment_id, body)


@approval.route("/reference/late-payment-rules")
class LateRules(MethodView):
    @login_required
    @approval.response(200, LateRuleSchema(many=True))
    def get(self):
        """Every version of the late-payment rule (days after paid_on before approval)."""
        return approvals.late_rules(db.session)

    @roles_required("admin")
    @approval.arguments(LateRuleCreateSchema)
    @approval.response(201, LateRuleSchema)
    def post(self, body):
        """Add a version of the late-payment rule from a recording day on (admin)."""
        rule = approvals.add_late_rule(
            db.session,
            **body,
            today=zones.today_of_branch(db.session, None),
            created_by=current_user,
        )
        db.session.commit()
        return rule
