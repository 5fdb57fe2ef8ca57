"""Query strings of the report API."""

from marshmallow import fields, pre_load

from perisai.api import MonthField, OneOf, PageArgs, Range, Schema
from perisai.reports.leaderboard import AGENT_STATUSES, SORTS

FORMATS = ("json", "csv", "xlsx")


class EmptyMeansAny(PageArgs):
    """An empty value (`branch_id=&status=`, as a form's "any" option sends it) is no filter."""

    @pre_load
    def _drop_empty(self, data, **kwargs):
        return {key: value for key, value in data.items() if value != ""}


class AgentReportQuery(EmptyMeansAny):
    month = MonthField(load_default=None)
    format = fields.String(load_default="json", validate=OneOf(FORMATS))
    branch_id = fields.Integer(load_default=None, validate=Range(min=1))
    wadah_id = fields.Integer(load_default=None, validate=Range(min=1))
    status = fields.String(load_default=None, validate=OneOf(AGENT_STATUSES))
    sort = fields.String(load_default="rank", validate=OneOf(tuple(SORTS)))
    order = fields.String(load_default="desc", validate=OneOf(("asc", "desc")))


class ParticipantReportQuery(EmptyMeansAny):
    month = MonthField(load_default=None)
    format = fields.String(load_default="csv", validate=OneOf(("csv", "xlsx")))
    branch_id = fields.Integer(load_default=None, validate=Range(min=1))
    agent_code = fields.String(load_default=None)


class AgentReportRow(Schema):
    """An agent's row (reports.leaderboard.AgentRow): the API.md row, plus the page's extra
    columns."""

    agent_code = fields.String(attribute="agent.agent_code")
    name = fields.String(attribute="agent.full_name")
    wadah = fields.String(attribute="wadah.name")
    new_participants = fields.Integer(attribute="figures.new_participants")
    first_payments = fields.Integer(attribute="figures.first_payments")
    active_participants = fields.Integer(attribute="figures.active_participants")
    retention_rate = fields.Float(allow_none=True)
    collected_amount = fields.Integer(attribute="figures.collected_amount")
    commission_total = fields.Integer(allow_none=True)
    flags = fields.List(fields.String())
    rank = fields.Integer()
    status = fields.String(attribute="agent.status")
    first_payment_rate = fields.Float(allow_none=True)
    retention_3 = fields.Float(allow_none=True)
    retention_6 = fields.Float(allow_none=True)
    retention_12 = fields.Float(allow_none=True)
    grace_participants = fields.Integer(attribute="figures.grace_participants")
    payments_count = fields.Integer(attribute="figures.payments_count")
    days_since_last_activity = fields.Integer(allow_none=True)
    settlement_rate = fields.Float(
        allow_none=True,
        metadata={"description": "share of the month's cash (amount) the bank has settled"},
    )
    flagged_rate = fields.Float(
        allow_none=True,
        metadata={"description": "share of the month's registrations in an enrolment quality flag"},
    )
    confirmed_rate = fields.Float(
        allow_none=True,
        metadata={"description": "share of the month's registrations found fake or careless"},
    )
    cleared_rate = fields.Float(
        allow_none=True,
        metadata={"description": "share of the month's registrations flagged and then cleared"},
    )
