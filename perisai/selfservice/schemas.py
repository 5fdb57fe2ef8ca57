"""The status check's question (API body or the page's form) and its answer."""

from __future__ import annotations

import contextlib
import re
from datetime import date

import marshmallow as ma
from marshmallow import fields, pre_load, validate

from perisai.api import MonthField, Schema

MEMBERSHIP_NUMBER = validate.Regexp(r"^\d{11}$", error="self.membership_number_format")


class SelfStatusSchema(Schema):
    membership_number = fields.String(
        required=True, validate=MEMBERSHIP_NUMBER, metadata={"example": "12345678901"}
    )
    birth_date = fields.Date(required=True, metadata={"example": "1990-07-05"})


_DAY_FIRST = re.compile(r"^\s*(\d{1,2})[./-](\d{1,2})[./-](\d{4})\s*$")


class SelfStatusFormSchema(SelfStatusSchema):
    """The page's form as people type it: spaces, dots or dashes in the number, and a birth
    date as the browser's date field sends it (YYYY-MM-DD) or typed as DD/MM/YYYY."""

    class Meta:
        unknown = ma.EXCLUDE  # the form's CSRF token, a browser's extras

    @pre_load
    def as_typed(self, data, **kwargs):
        data = dict(data)
        number = data.get("membership_number")
        if isinstance(number, str):
            data["membership_number"] = re.sub(r"[\s.\-]", "", number)
        birth = data.get("birth_date")
        if isinstance(birth, str) and (match := _DAY_FIRST.match(birth)):
            day, month, year = (int(part) for part in match.groups())
            with contextlib.suppress(ValueError):  # else left as typed: the field refuses it
                data["birth_date"] = date(year, month, day).isoformat()
        return data


class AgentContactSchema(Schema):
    name = fields.String()
    phone = fields.String(metadata={"description": "the agent's work phone"})
    agent_code = fields.String()


class SelfStatusResultSchema(Schema):
    name_masked = fields.String()
    membership_number = fields.String()
    status = fields.String(metadata={"enum": ["registered", "active", "grace", "ended"]})
    covered_until = MonthField(allow_none=True)
    amount_due = fields.Integer(
        allow_none=True,
        metadata={
            "description": "rupiah to be protected this month: the unpaid months through this "
            "one in grace, the first month when registered or ended, 0 when covered; null when "
            "it cannot be quoted (ask the agent)"
        },
    )
    months_due = fields.Integer()
    agent = fields.Nested(AgentContactSchema, allow_none=True)
    branch = fields.String(allow_none=True)
