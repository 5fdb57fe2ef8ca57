"""Sponsors: registering them, paying for a list of participants, and their summary."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from perisai.api import Blueprint, PageArgs, paginate
from perisai.auth.permissions import current_scope, roles_required
from perisai.contributions import sponsors as operations
from perisai.contributions.models import Sponsor
from perisai.contributions.schemas import (
    PaymentSchema,
    SponsorCreateSchema,
    SponsorPaymentCreateSchema,
    SponsorSchema,
)
from perisai.extensions import db

sponsors = Blueprint(
    "sponsors", __name__, url_prefix="/api/v1/sponsors", description="Sponsors (APBD, CSR, …)"
)


def _visible_sponsor(sponsor_id: int) -> Sponsor:
    return operations.visible_sponsor(db.session, current_scope(), sponsor_id)


@sponsors.route("")
class Sponsors(MethodView):
    @roles_required("supervisor", "admin")
    @sponsors.arguments(PageArgs, location="query")
    @sponsors.response(200, SponsorSchema(many=True))
    def get(self, args):
        """Sponsors of the caller's branch (admins: all)."""
        return paginate(db.session, operations.visible_sponsors(current_scope()), args)

    @roles_required("supervisor", "admin")
    @sponsors.arguments(SponsorCreateSchema)
    @sponsors.response(201, SponsorSchema)
    def post(self, body):
        """Register a sponsor with its agreement (supervisor: for its own branch)."""
        sponsor = operations.create_sponsor(db.session, scope=current_scope(), data=body)
        db.session.commit()
        return sponsor


@sponsors.route("/<int:sponsor_id>")
class SponsorById(MethodView):
    @roles_required("supervisor", "admin")
    @sponsors.response(200, SponsorSchema)
    def get(self, sponsor_id):
        """One sponsor."""
        return _visible_sponsor(sponsor_id)


@sponsors.route("/<int:sponsor_id>/payments")
class SponsorPayments(MethodView):
    @roles_required("supervisor", "admin")
    @sponsors.arguments(SponsorPaymentCreateSchema)
    @sponsors.response(201)
    def post(self, body, sponsor_id):
        """Pay 3, 6 or 12 months for a list of participants at once (all or nothing)."""
        sponsor = _visible_sponsor(sponsor_id)
        batch, created = operations.pay_for_participants(
            db.session,
            sponsor=sponsor,
            data=body,
            scope=current_scope(),
            recorded_by=current_user,
        )
        db.session.commit()
        body = {
            "id": str(batch.id),
            "sponsor_id": sponsor.id,
            "months": batch.months,
            "paid_on": batch.paid_on.isoformat(),
            "amount": batch.amount,
            "participants": batch.participants,
            "payments": PaymentSchema(many=True).dump(batch.payments),
        }
        return body, 201 if created else 200


@sponsors.route("/<int:sponsor_id>/summary")
class SponsorSummary(MethodView):
    @roles_required("supervisor", "admin")
    @sponsors.response(200)
    def get(self, sponsor_id):
        """What this sponsor paid: operations, participants and their coverage, totals."""
        summary = operations.sponsor_summary(db.session, _visible_sponsor(sponsor_id))
        summary["sponsor"] = SponsorSchema().dump(summary["sponsor"])
        return summary
