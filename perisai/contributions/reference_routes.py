"""Public price references (the PWA prices offline from these) and the admin's rule versions."""

from __future__ import annotations

from flask.views import MethodView
from flask_login import current_user

from perisai import zones
from perisai.api import Blueprint
from perisai.auth.permissions import roles_required
from perisai.contributions import quotes, rates, rules
from perisai.contributions.schemas import (
    DiscountCreateSchema,
    DiscountSchema,
    MonthQuerySchema,
    QuoteSchema,
    RatesSchema,
    RateVersionCreateSchema,
    RateVersionSchema,
    ReferenceQuoteQuerySchema,
)
from perisai.extensions import db
from perisai.months import Month

reference = Blueprint(
    "contribution-reference",
    __name__,
    url_prefix="/api/v1/reference",
    description="Contribution rates, income levels and price quotes",
)


def _this_month() -> Month:
    """This month for the caller: its branch's (anyone else, the admin included: WIB)."""
    user = current_user if current_user.is_authenticated else None
    return Month.of(zones.today_of_user(db.session, user))


@reference.route("/quote")
class ReferenceQuote(MethodView):
    @reference.arguments(ReferenceQuoteQuerySchema, location="query")
    @reference.response(200, QuoteSchema)
    def get(self, args):
        """Price N months for an income level, programs, sector and funding, month by month."""
        start = args["start_month"] or _this_month()
        programs = [p.strip().upper() for p in args["programs"].split(",") if p.strip()]
        return quotes.quote_reference(
            db.session,
            income_level=args["income_level"],
            programs=programs,
            sector=args["sector"],
            funding=args["funding"],
            start_month=start,
            months=args["months"],
        ).as_dict()


@reference.route("/income-levels")
class IncomeLevels(MethodView):
    @reference.arguments(MonthQuerySchema, location="query")
    @reference.response(200)
    def get(self, args):
        """The declared income levels (rupiah) in force for a month (default this month)."""
        version, levels = rules.income_levels(db.session, args["month"] or _this_month())
        return levels, {"X-Rate-Version": str(version.id), **rates.version_header(db.session)}


@reference.route("/rates")
class Rates(MethodView):
    @reference.response(200, RatesSchema)
    def get(self):
        """Every rate version and discount rule, with effective periods (for offline pricing);
        `version` (also the X-Perisai-Rules-Version header) changes with any rule."""
        table = rates.rate_table(db.session)
        return table, {rates.RULES_VERSION_HEADER: table.version}

    @roles_required("admin")
    @reference.arguments(RateVersionCreateSchema)
    @reference.response(201, RateVersionSchema)
    def post(self, body):
        """Add a rate version (admin): rates and/or a new income-level table from a month on."""
        version = rates.add_rate_version(
            db.session,
            effective_from=body["effective_from"],
            today_month=_this_month(),
            jkk_basis_points=body["jkk_basis_points"],
            jkm_flat=body["jkm_flat"],
            jht_basis_points=body["jht_basis_points"],
            levels=body["income_levels"],
            levels_are_assumption=body["levels_are_assumption"],
            source=body["source"],
            created_by=current_user,
        )
        db.session.commit()
        return next(
            v for v in rates.rate_table(db.session).rate_versions if v.version.id == version.id
        )


@reference.route("/discounts")
class Discounts(MethodView):
    @roles_required("admin")
    @reference.arguments(DiscountCreateSchema)
    @reference.response(201, DiscountSchema)
    def post(self, body):
        """Add a discount rule on JKK+JKM for a window of contribution months (admin)."""
        rule = rates.add_discount_rule(
            db.session,
            **body,
            today_month=_this_month(),
            created_by=current_user,
        )
        db.session.commit()
        return rule
