"""Request and response bodies of the commission endpoints (API.md "Commissions")."""

from __future__ import annotations

from marshmallow import fields, validate

from perisai.api import IsoString, Length, MonthField, PageArgs, QuerySchema, Range, Schema

MONEY = Range(min=0, max=10**9)
BASIS_POINTS = Range(min=0, max=10_000)
MONTHS = Range(min=1, max=600)


class StatementQuerySchema(PageArgs):
    month = MonthField(load_default=None)


class MonthQuerySchema(QuerySchema):
    month = MonthField(load_default=None)


class CloseQuerySchema(QuerySchema):
    branch = fields.String(load_default=None, validate=Length(max=20))


class CloseBodySchema(Schema):
    branch = fields.String(load_default=None, validate=Length(max=20))
    including = fields.List(
        MonthField(),
        load_default=list,
        validate=validate.Length(max=600, error="field.max_items|600"),
        metadata={
            "description": "earlier months still open that this close closes too (else 409 "
            "with `open_months`)"
        },
    )


class FiguresSchema(Schema):
    """A month's figures (commissions.models.STATEMENT_FIGURES), read from `figures`."""

    new_participants = fields.Integer(attribute="figures.new_participants")
    payments = fields.Integer(attribute="figures.payments")
    collected_amount = fields.Integer(attribute="figures.collected_amount")
    acquisition_fee = fields.Integer(attribute="figures.acquisition_fee")
    collection_fee = fields.Integer(attribute="figures.collection_fee")
    total = fields.Integer(attribute="figures.total")
    wadah_fee = fields.Integer(
        attribute="figures.wadah_fee",
        metadata={"description": "the Wadah's share of `total`, held or not"},
    )
    held = fields.Integer(
        attribute="figures.held",
        metadata={
            "description": "the part of `total` held back at close: incentive on cash the agent "
            "took and the bank has not confirmed yet (a claw-back of incentive that was held "
            "counts here too, negative, so it does not reduce `payable`); paid, as `released`, "
            "with the month the cash is settled. An open month: what a close now would hold"
        },
    )
    payable = fields.Integer(
        attribute="figures.payable",
        metadata={"description": "`total` − `held`: this month's incentive paid now"},
    )
    released = fields.Integer(
        attribute="figures.released",
        metadata={
            "description": "what earlier months held and this month's close released (their "
            "cash settled since); 0 while the month is open"
        },
    )
    payout = fields.Integer(
        attribute="figures.payout",
        metadata={
            "description": "`payable` + `released`: what is transferred for the agent this month"
        },
    )


class StatementSchema(FiguresSchema):
    """An agent's month (commissions.estimates.AgentMonth)."""

    id = fields.String(attribute="public_id")
    agent_code = fields.String(attribute="agent.agent_code")
    agent_name = fields.String(attribute="agent.full_name")
    wadah = fields.String(attribute="agent.wadah.name")
    wadah_id = fields.Integer(attribute="agent.wadah_id")
    month = fields.String()
    state = fields.String(metadata={"enum": ["open", "closed"]})
    acquisition_minimum = fields.Integer()
    new_participants_needed = fields.Integer(
        metadata={"description": "new participants still needed this month for the fee"}
    )
    rule_set_id = fields.Integer(allow_none=True)
    closed_at = IsoString(allow_none=True)
    paid_on = IsoString(allow_none=True)
    transfer_reference = fields.String(allow_none=True)
    acknowledged_at = IsoString(allow_none=True)


class StatementLineSchema(Schema):
    kind = fields.String()
    component = fields.String()
    participant = fields.String(allow_none=True)
    membership_number = fields.String(allow_none=True)
    nik_masked = fields.String(allow_none=True)
    receipt_number = fields.String(allow_none=True)
    paid_on = fields.String(allow_none=True)
    covered_month = fields.String(allow_none=True)
    month_index = fields.Integer(allow_none=True)
    base_amount = fields.Integer()
    rate_bp = fields.Integer(allow_none=True)
    amount = fields.Integer()
    held = fields.Boolean(
        metadata={"description": "the month holds this line's incentive (counted in `held`)"}
    )


class ReleasedLineSchema(StatementLineSchema):
    held_month = fields.String(metadata={"description": "the month whose close held it"})


class StatementDetailSchema(StatementSchema):
    lines = fields.List(fields.Nested(StatementLineSchema))
    released_lines = fields.List(
        fields.Nested(ReleasedLineSchema),
        metadata={"description": "the earlier months' lines this month released (`released`)"},
    )


class WadahStatementSchema(FiguresSchema):
    """A Wadah's month (commissions.statements.WadahMonth)."""

    id = fields.String(attribute="public_id")
    wadah = fields.String(attribute="wadah.name")
    wadah_id = fields.Integer(attribute="wadah.id")
    month = fields.String()
    state = fields.String()
    agents = fields.Integer(attribute="agent_count")
    payable = fields.Integer(
        metadata={
            "description": "what is transferred to the Wadah's account: its agents' `payout` "
            "and `wadah_fee`"
        }
    )
    bank_name = fields.String(attribute="wadah.bank_name")
    bank_account = fields.String(attribute="wadah.bank_account")


class ClosedBranchSchema(Schema):
    branch = fields.String()
    closed_months = fields.List(fields.String())
    already_closed = fields.Boolean()


class CloseResultSchema(Schema):
    """A close (commissions.close.CloseResult)."""

    month = fields.String()
    statements = fields.Integer()
    branches = fields.List(fields.Nested(ClosedBranchSchema))


class PaidSchema(Schema):
    paid_on = fields.Date(required=True)
    transfer_reference = fields.String(required=True, validate=Length(min=1, max=80))


class RuleSetCreateSchema(Schema):
    effective_from = MonthField(required=True)
    acquisition_fee_with_jht = fields.Integer(required=True, strict=True, validate=MONEY)
    acquisition_fee_basic = fields.Integer(required=True, strict=True, validate=MONEY)
    acquisition_minimum = fields.Integer(required=True, strict=True, validate=Range(0, 10_000))
    full_rate_until = fields.Integer(required=True, strict=True, validate=MONTHS)
    full_rate_bp = fields.Integer(required=True, strict=True, validate=BASIS_POINTS)
    reduced_rate_until = fields.Integer(required=True, strict=True, validate=MONTHS)
    reduced_rate_bp = fields.Integer(required=True, strict=True, validate=BASIS_POINTS)
    wadah_bp = fields.Integer(required=True, strict=True, validate=BASIS_POINTS)
    warning_months = fields.Integer(load_default=2, strict=True, validate=Range(1, 24))
    suspend_months = fields.Integer(load_default=3, strict=True, validate=Range(1, 24))
    reactivation_months = fields.Integer(load_default=6, strict=True, validate=Range(0, 60))
    wadah_below_target_months = fields.Integer(load_default=3, strict=True, validate=Range(1, 24))
    source = fields.String(required=True, validate=Length(min=3, max=200))


class RuleSetSchema(Schema):
    """A rule set (commissions.models.CommissionRuleSet)."""

    id = fields.Integer()
    effective_from = fields.String()
    acquisition_fee_with_jht = fields.Integer()
    acquisition_fee_basic = fields.Integer()
    acquisition_minimum = fields.Integer()
    full_rate_until = fields.Integer()
    full_rate_bp = fields.Integer()
    reduced_rate_until = fields.Integer()
    reduced_rate_bp = fields.Integer()
    wadah_bp = fields.Integer()
    warning_months = fields.Integer()
    suspend_months = fields.Integer()
    reactivation_months = fields.Integer()
    wadah_below_target_months = fields.Integer()
    source = fields.String()
    created_at = IsoString(allow_none=True)


class PriorRegistrationSchema(Schema):
    worker_id = fields.UUID(required=True)
    source = fields.String(required=True, validate=Length(min=3, max=200))


class StandingFlagSchema(Schema):
    """A standing flag (commissions.models.StandingFlag)."""

    month = fields.String()
    subject = fields.String()
    kind = fields.String(metadata={"enum": ["warning", "suspended", "below_target"]})
    reason = fields.String()
    months = fields.Integer()
    agent_code = fields.String(allow_none=True)
    wadah = fields.String(attribute="wadah.name")
    wadah_id = fields.Integer()


class AgentStatusSchema(Schema):
    agent_code = fields.String()
    status = fields.String()
