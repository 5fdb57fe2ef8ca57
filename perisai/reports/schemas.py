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
    agent_code = fields.String()
    name = fields.String()
    wadah = fields.String()
    new_participants = fields.Integer()
    first_payments = fields.Integer()
    active_participants = fields.Integer()
    retention_rate = fields.Float(allow_none=True)
    collected_amount = fields.Integer()
    commission_total = fields.Integer(allow_none=True)
    flags = fields.List(fields.String())
    rank = fields.Integer()
    status = fields.String()
    first_payment_rate = fields.Float(allow_none=True)
    retention_3 = fields.Float(allow_none=True)
    retention_6 = fields.Float(allow_none=True)
    retention_12 = fields.Float(allow_none=True)
    grace_participants = fields.Integer()
    payments_count = fields.Integer()
    days_since_last_activity = fields.Integer(allow_none=True)
