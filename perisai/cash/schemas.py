"""Request and response bodies of the cash custody endpoints (API.md "Cash custody")."""

from __future__ import annotations

from marshmallow import fields, validate

from perisai.api import IsoString, Length, OneOf, PageArgs, QuerySchema, Range, Schema
from perisai.cash.models import DEPOSIT_CHANNELS, DEPOSIT_STATES
from perisai.cash.overview import SORTS as CASH_SORTS
from perisai.cash.queue import DEPOSIT_DECISIONS, LINE_DECISIONS

MONEY = Range(min=1, max=2_000_000_000)  # an INTEGER column on PostgreSQL


class DepositCreateSchema(Schema):
    id = fields.UUID(required=True)
    amount = fields.Integer(required=True, strict=True, validate=MONEY)
    channel = fields.String(required=True, validate=OneOf(DEPOSIT_CHANNELS))
    reference = fields.String(
        required=True,
        validate=[
            Length(min=3, max=60),
            validate.Regexp(r"^[A-Za-z0-9 ./-]+$", error="cash.reference_format"),
        ],
    )
    deposited_on = fields.Date(required=True)


class DepositSchema(Schema):
    id = fields.String()
    agent_code = fields.String(attribute="agent.agent_code")
    amount = fields.Integer()
    channel = fields.String()
    reference = fields.String()
    deposited_on = IsoString()
    state = fields.String(metadata={"enum": list(DEPOSIT_STATES)})
    has_photo = fields.Function(lambda d: d.photo_key is not None)
    created_at = IsoString()
    resolved_at = IsoString(allow_none=True)
    resolution_note = fields.String(allow_none=True)


class OpenCashSchema(Schema):
    payment_id = fields.String()
    paid_on = IsoString()
    amount = fields.Integer()


class PositionSchema(Schema):
    agent_code = fields.String(attribute="agent.agent_code")
    today = IsoString()
    cash_in_hand = fields.Integer()
    unsettled_since = IsoString(allow_none=True)
    ceiling = fields.Integer(attribute="limit.ceiling")
    max_age_days = fields.Integer(attribute="limit.max_age_days")
    limit_id = fields.Integer(attribute="limit.id")
    blocked = fields.Boolean()
    block_reason = fields.String(
        allow_none=True, metadata={"enum": ["ceiling", "age"], "description": "why blocked"}
    )
    collected = fields.Integer(metadata={"description": "all cash taken that stands"})
    deposited = fields.Integer(metadata={"description": "deposits not rejected"})
    unconfirmed_deposits = fields.Integer(attribute="unconfirmed")
    unsettled_amount = fields.Integer(attribute="unsettled")
    unsettled_payments = fields.Integer()
    open = fields.List(
        fields.Nested(OpenCashSchema),
        metadata={"description": "the cash in hand, oldest first (up to 200 payments)"},
    )


class StatementQuerySchema(QuerySchema):
    format = fields.String(load_default="standard", validate=Length(max=20))
    branch = fields.String(load_default=None, validate=Length(max=20))


class LineSchema(Schema):
    id = fields.Integer()
    line_number = fields.Integer()
    date = IsoString(attribute="booked_on")
    reference = fields.String()
    amount = fields.Integer()
    state = fields.String()
    deposit_id = fields.String(allow_none=True)
    resolution_note = fields.String(allow_none=True)


class StatementResultSchema(Schema):
    id = fields.Integer(attribute="statement.id")
    created = fields.Boolean(metadata={"description": "false: this file was uploaded before"})
    lines = fields.Integer(attribute="statement.lines")
    matched = fields.Integer(attribute="statement.matched")
    unmatched = fields.List(fields.Nested(LineSchema))


class DecisionSchema(Schema):
    decision = fields.String(required=True, validate=OneOf(DEPOSIT_DECISIONS))
    note = fields.String(required=True, validate=Length(min=3, max=300))


class LineDecisionSchema(Schema):
    decision = fields.String(required=True, validate=OneOf(LINE_DECISIONS))
    note = fields.String(required=True, validate=Length(min=3, max=300))
    deposit_id = fields.UUID(load_default=None)


class DepositListSchema(PageArgs):
    state = fields.String(load_default=None, validate=OneOf(DEPOSIT_STATES))


class LimitCreateSchema(Schema):
    effective_from = fields.Date(required=True)
    ceiling = fields.Integer(required=True, strict=True, validate=Range(min=0, max=2_000_000_000))
    max_age_days = fields.Integer(required=True, strict=True, validate=Range(min=0, max=366))
    match_window_days = fields.Integer(load_default=3, strict=True, validate=Range(min=0, max=31))
    source = fields.String(required=True, validate=Length(min=3, max=200))
    branch = fields.String(load_default=None, validate=Length(max=20))
    agent_code = fields.String(load_default=None, validate=Length(max=20))


class LimitSchema(Schema):
    id = fields.Integer()
    branch_id = fields.Integer(allow_none=True)
    agent_id = fields.Integer(allow_none=True)
    effective_from = IsoString()
    ceiling = fields.Integer()
    max_age_days = fields.Integer()
    match_window_days = fields.Integer()
    source = fields.String()
    created_at = IsoString()


class AgentsCashQuery(PageArgs):
    branch = fields.String(load_default=None, validate=Length(max=20))
    sort = fields.String(load_default="cash_in_hand", validate=OneOf(CASH_SORTS))


class AgeingSchema(Schema):
    days_0_2 = fields.Integer(metadata={"description": "cash in hand taken 0–2 days ago"})
    days_3_7 = fields.Integer(metadata={"description": "3–7 days ago"})
    days_over_7 = fields.Integer(metadata={"description": "more than 7 days ago"})


class AgentCashSchema(Schema):
    """One agent's row of the supervisor's cash overview (perisai.cash.overview.AgentCash)."""

    agent_code = fields.String(attribute="agent.agent_code")
    name = fields.String(attribute="agent.full_name")
    wadah = fields.String(attribute="wadah.name")
    status = fields.String(attribute="agent.status")
    cash_in_hand = fields.Integer()
    unsettled_since = IsoString(allow_none=True)
    ageing = fields.Nested(AgeingSchema)
    blocked = fields.Boolean()
    block_reason = fields.String(allow_none=True, metadata={"enum": ["ceiling", "age"]})
    ceiling = fields.Integer(attribute="position.limit.ceiling")
    max_age_days = fields.Integer(attribute="position.limit.max_age_days")
    unconfirmed_deposits = fields.Integer(attribute="position.unconfirmed")
    unsettled_amount = fields.Integer(attribute="position.unsettled")
    month_cash = fields.Integer(metadata={"description": "cash collected this month"})
    settlement_rate = fields.Float(
        allow_none=True,
        metadata={"description": "share of this month's cash the bank has settled (0–1)"},
    )
