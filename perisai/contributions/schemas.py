"""Request and response bodies of the contribution endpoints (API.md "Contributions")."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate, validates_schema

from perisai.api import IsoString, Length, MonthField, OneOf, PageArgs, QuerySchema, Range, Schema
from perisai.contributions.models import CHANNELS, PAYMENT_STATES, SPONSOR_TYPES
from perisai.workers.models import FUNDING_SOURCES, SECTORS

MONEY = Range(min=0, max=10**12)


class QuoteQuerySchema(QuerySchema):
    months = fields.Integer(load_default=1, validate=Range(min=1, max=12))
    as_of = fields.Date(load_default=None)


class ReferenceQuoteQuerySchema(QuerySchema):
    income_level = fields.Integer(required=True, validate=Range(min=1, max=10**9))
    programs = fields.String(load_default="JKK,JKM", validate=Length(max=20))
    sector = fields.String(load_default="other", validate=OneOf(SECTORS))
    funding = fields.String(load_default="self", validate=OneOf(FUNDING_SOURCES))
    start_month = MonthField(load_default=None)
    months = fields.Integer(load_default=1, validate=Range(min=1, max=12))


class MonthQuerySchema(QuerySchema):
    month = MonthField(load_default=None)


class MonthPriceSchema(Schema):
    month = fields.String()
    jkk = fields.Integer()
    jkm = fields.Integer()
    jht = fields.Integer()
    total = fields.Integer()
    rate_version_id = fields.Integer()
    discount_rule_id = fields.Integer(allow_none=True)


class QuoteSchema(Schema):
    total = fields.Integer()
    months = fields.List(fields.Nested(MonthPriceSchema))
    start_month = fields.String()
    arrears_months = fields.Integer()
    status = fields.String()
    covered_until = fields.String(allow_none=True)


class PaymentCreateSchema(Schema):
    id = fields.UUID(required=True)
    months = fields.Integer(required=True, strict=True, validate=Range(min=1, max=12))
    amount = fields.Integer(required=True, strict=True, validate=MONEY)
    paid_on = fields.Date(required=True)
    channel = fields.String(required=True, validate=OneOf(CHANNELS))
    # Optional guard for offline clients: refuse (409) if the first month to pay has moved.
    start_month = MonthField(load_default=None)
    # The reference the phone printed on a receipt handed over offline ("AG0001-D3-0042").
    client_reference = fields.String(
        load_default=None,
        validate=[
            Length(max=40),
            validate.Regexp(r"^[A-Z0-9-]+$", error="contributions.client_reference_format"),
        ],
    )


class PaymentSchema(Schema):
    """A payment (contributions.models.Payment) with its months and any reversal."""

    id = fields.String()
    worker_id = fields.String()
    receipt_number = fields.String()
    client_reference = fields.String(
        allow_none=True,
        metadata={"description": "the reference on a receipt the phone handed over offline"},
    )
    amount = fields.Integer()
    covers = fields.List(fields.String())
    months = fields.List(fields.Nested(MonthPriceSchema))
    paid_on = IsoString()
    channel = fields.String()
    sponsor_id = fields.Integer(allow_none=True)
    reversed = fields.Boolean(attribute="is_reversed")
    reversed_at = IsoString(attribute="reversal.created_at", allow_none=True)
    reversal_reason = fields.String(attribute="reversal.reason", allow_none=True)
    created_at = IsoString(allow_none=True)
    state = fields.String(
        metadata={
            "enum": list(PAYMENT_STATES),
            "description": "pending_approval: recorded late for months already over; gives no "
            "cover until a supervisor approves it",
        }
    )
    late_rule_id = fields.Integer(allow_none=True)
    settled = fields.Boolean(
        metadata={
            "description": "false: cash still in the agent's custody (no confirmed deposit yet)"
        }
    )
    settled_at = IsoString(allow_none=True)
    decided_at = IsoString(allow_none=True)
    decision_note = fields.String(allow_none=True)


class PaymentStateQuerySchema(PageArgs):
    state = fields.String(load_default="pending_approval", validate=OneOf(PAYMENT_STATES))


class ApproveSchema(Schema):
    note = fields.String(load_default="", validate=Length(max=300))


class RejectSchema(Schema):
    note = fields.String(required=True, validate=Length(min=3, max=300))


class LateRuleCreateSchema(Schema):
    effective_from = fields.Date(required=True)
    max_days_late = fields.Integer(required=True, strict=True, validate=Range(min=0, max=366))
    source = fields.String(required=True, validate=Length(min=3, max=200))


class ReverseSchema(Schema):
    reason = fields.String(required=True, validate=Length(min=3, max=300))


class RenewalQuerySchema(PageArgs):
    due_within_days = fields.Integer(load_default=14, validate=Range(min=0, max=366))
    ended_within_months = fields.Integer(load_default=3, validate=Range(min=0, max=24))


class RenewalSchema(Schema):
    worker_id = fields.String()
    full_name = fields.String()
    membership_number = fields.String()
    phone = fields.String()
    village_code = fields.String()
    status = fields.String()
    kind = fields.String()
    covered_until = fields.String()
    coverage_ends_on = fields.String()
    days_left = fields.Integer()
    months_owed = fields.Integer()
    amount_owed = fields.Integer(allow_none=True)
    next_month_amount = fields.Integer(allow_none=True)


class RateVersionCreateSchema(Schema):
    effective_from = MonthField(required=True)
    jkk_basis_points = fields.Integer(load_default=None, validate=Range(min=0, max=10_000))
    jkm_flat = fields.Integer(load_default=None, validate=Range(min=0, max=10**7))
    jht_basis_points = fields.Integer(load_default=None, validate=Range(min=0, max=10_000))
    income_levels = fields.List(
        fields.Integer(strict=True, validate=Range(min=1, max=10**9)),
        load_default=None,
        validate=Length(min=1, max=2000),
    )
    levels_are_assumption = fields.Boolean(load_default=False)
    source = fields.String(required=True, validate=Length(min=3, max=200))


class DiscountCreateSchema(Schema):
    name = fields.String(required=True, validate=Length(min=3, max=120))
    sector = fields.String(load_default=None, allow_none=True, validate=OneOf(SECTORS))
    effective_from = MonthField(required=True)
    effective_to = MonthField(required=True)
    basis_points_off = fields.Integer(required=True, validate=Range(min=0, max=10_000))
    excluded_funding = fields.List(
        fields.String(validate=OneOf(FUNDING_SOURCES)), load_default=["apbn", "apbd"]
    )
    source = fields.String(required=True, validate=Length(min=3, max=200))


class SponsorCreateSchema(Schema):
    name = fields.String(required=True, validate=Length(min=2, max=160))
    type = fields.String(required=True, validate=OneOf(SPONSOR_TYPES))
    branch_id = fields.Integer(load_default=None)
    agreement_reference = fields.String(required=True, validate=Length(min=1, max=120))
    agreement_start = fields.Date(required=True)
    agreement_end = fields.Date(required=True)
    contact_name = fields.String(required=True, validate=Length(min=1, max=160))
    contact_phone = fields.String(load_default=None, validate=Length(max=20))

    @validates_schema
    def _period(self, data, **kwargs):
        if data["agreement_end"] < data["agreement_start"]:
            raise ValidationError({"agreement_end": ["contributions.period"]})


class SponsorSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    type = fields.String()
    branch_id = fields.Integer()
    agreement_reference = fields.String()
    agreement_start = fields.Date()
    agreement_end = fields.Date()
    contact_name = fields.String()
    contact_phone = fields.String(allow_none=True)


class SponsorPaymentCreateSchema(Schema):
    id = fields.UUID(required=True)
    months = fields.Integer(required=True, strict=True, validate=OneOf([3, 6, 12]))
    paid_on = fields.Date(required=True)
    worker_ids = fields.List(fields.UUID(), required=True, validate=Length(min=1, max=1000))
    amount = fields.Integer(required=True, strict=True, validate=MONEY)


class LateRuleSchema(Schema):
    """A version of the late-payment rule (contributions.models.LatePaymentRule)."""

    id = fields.Integer()
    effective_from = IsoString()
    max_days_late = fields.Integer()
    source = fields.String()
    created_at = IsoString(allow_none=True)


class DiscountSchema(Schema):
    """A discount rule (contributions.models.DiscountRule)."""

    id = fields.Integer()
    name = fields.String()
    sector = fields.String(allow_none=True)
    effective_from = fields.String()
    effective_to = fields.String()
    basis_points_off = fields.Integer()
    programs = fields.List(fields.String())
    excluded_funding = fields.List(fields.String(), attribute="excluded")
    source = fields.String()


class RateVersionSchema(Schema):
    """A rate version in its book (contributions.rates.RatedVersion)."""

    id = fields.Integer(attribute="version.id")
    effective_from = fields.String(attribute="version.effective_from")
    effective_to = fields.String(allow_none=True)
    superseded = fields.Boolean()
    jkk_basis_points = fields.Integer(attribute="version.jkk_basis_points")
    jkm_flat = fields.Integer(attribute="version.jkm_flat")
    jht_basis_points = fields.Integer(attribute="version.jht_basis_points")
    income_levels = fields.List(fields.Integer())
    levels_are_assumption = fields.Boolean(attribute="version.levels_are_assumption")
    source = fields.String(attribute="version.source")


class RatesSchema(Schema):
    """Every rate version and discount rule (contributions.rates.RateTable)."""

    version = fields.String(
        metadata={"description": "changes with any rule (also the X-Perisai-Rules-Version header)"}
    )
    rounding = fields.String()
    rate_versions = fields.List(fields.Nested(RateVersionSchema))
    discounts = fields.List(fields.Nested(DiscountSchema))
