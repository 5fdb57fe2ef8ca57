"""Request and response bodies of the enrolment quality endpoints (API.md "Enrolment quality")."""

from __future__ import annotations

from marshmallow import fields

from perisai.api import IsoString, Length, MonthField, OneOf, PageArgs, Schema
from perisai.quality.models import FLAG_KINDS, FLAG_STATES


class FlagQuerySchema(PageArgs):
    month = MonthField(load_default=None)
    agent_code = fields.String(load_default=None, validate=Length(max=20))
    state = fields.String(load_default=None, validate=OneOf(FLAG_STATES))
    kind = fields.String(load_default=None, validate=OneOf(FLAG_KINDS))


class FlagSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"enum": list(FLAG_KINDS)})
    agent_code = fields.String()
    month = MonthField()
    worker_ids = fields.List(fields.String())
    state = fields.String(metadata={"enum": list(FLAG_STATES)})
    detail = fields.Dict(metadata={"description": "the evidence; never a NIK, phone or name"})
    rule_id = fields.Integer()
    created_at = IsoString()
    updated_at = IsoString()
    reviewed_at = IsoString(allow_none=True)
    review_note = fields.String(allow_none=True)


class MemberSchema(Schema):
    """A participant of a flag as the review shows them side by side (NIK masked)."""

    id = fields.String()
    membership_number = fields.String()
    full_name = fields.String()
    nik_masked = fields.String()
    registered_on = IsoString()
    village_code = fields.String()
    agent_code = fields.String(allow_none=True)
    lat = fields.Float(allow_none=True)
    lon = fields.Float(allow_none=True)
    accuracy_m = fields.Float(allow_none=True)
    capture_seconds = fields.Integer(allow_none=True)
    first_paid_month = fields.String(allow_none=True)
    covered_until = fields.String(allow_none=True)
    photos = fields.List(fields.String(), metadata={"description": "photo kinds stored"})


class FlagDetailSchema(FlagSchema):
    members = fields.List(fields.Nested(MemberSchema))


class ReviewSchema(Schema):
    note = fields.String(required=True, validate=Length(min=3, max=500))


class RefreshQuerySchema(Schema):
    month = MonthField(required=True)


class AgentAreasSchema(Schema):
    region_codes = fields.List(
        fields.String(validate=Length(min=2, max=13)), required=True, validate=Length(max=200)
    )
