"""Request and response shapes of the participant registry (API.md "Participants")."""

from __future__ import annotations

import copy

import marshmallow as ma
from marshmallow import fields, validates_schema
from marshmallow.exceptions import ValidationError

from perisai.api import Length, OneOf, PageArgs, Range, Schema
from perisai.workers.models import FUNDING_SOURCES, LANGUAGES, MESSAGE_CHANNELS

STATUSES = ("registered", "active", "grace", "ended")


class BeneficiarySchema(Schema):
    full_name = fields.String(required=True, validate=Length(min=2, max=160))
    relationship = fields.String(required=True, validate=Length(min=2, max=40))
    phone = fields.String(load_default=None, allow_none=True, validate=Length(max=20))


def _channels_field(**kwargs) -> fields.List:
    return fields.List(
        fields.String(validate=OneOf(MESSAGE_CHANNELS)),
        validate=Length(max=len(MESSAGE_CHANNELS)),
        metadata={
            "description": "the channels the participant agrees to receive reminders, receipts "
            "and card links by (UU PDP: none unless named)"
        },
        **kwargs,
    )


class ConsentSchema(Schema):
    given = fields.Boolean(required=True, truthy={True}, falsy={False})
    notice_version = fields.String(required=True, validate=Length(min=1, max=40))
    # No default: a registration that does not name channels is hashed as before (a phone that
    # predates them resends the same body), and consents to none.
    channels = _channels_field()


class MessageConsentSchema(Schema):
    """The channels a participant agrees to messages by, from now on, under the notice shown
    (POST /workers/<id>/consent, and `consent` in PATCH and sync `worker.update`): a channel
    left out is withdrawn, at once."""

    notice_version = fields.String(required=True, validate=Length(min=1, max=40))
    channels = _channels_field(required=True)


def _language_field(**kwargs) -> fields.String:
    return fields.String(
        validate=OneOf(LANGUAGES),
        metadata={"description": "the participant's language for messages (default id)"},
        **kwargs,
    )


class LocationSchema(Schema):
    lat = fields.Float(required=True, validate=Range(min=-90, max=90), allow_nan=False)
    lon = fields.Float(required=True, validate=Range(min=-180, max=180), allow_nan=False)
    accuracy_m = fields.Float(load_default=None, allow_none=True, validate=Range(min=0, max=100000))


class WorkerCreateSchema(Schema):
    id = fields.UUID(load_default=None)
    nik = fields.String(required=True, validate=Length(max=32))
    full_name = fields.String(required=True, validate=Length(min=2, max=160))
    birth_date = fields.Date(required=True)
    gender = fields.String(required=True, validate=OneOf(("M", "F")))
    phone = fields.String(required=True, validate=Length(max=20))
    occupation = fields.String(required=True, validate=Length(max=40))
    income_level = fields.Integer(required=True, strict=True, validate=Range(min=1, max=10**9))
    programs = fields.List(
        fields.String(validate=Length(max=8)), required=True, validate=Length(min=1, max=3)
    )
    village_code = fields.String(required=True, validate=Length(max=13))
    address = fields.String(required=True, validate=Length(min=3, max=300))
    beneficiary = fields.Nested(BeneficiarySchema, required=True)
    consent = fields.Nested(ConsentSchema, required=True)
    funding = fields.String(load_default="self", validate=OneOf(FUNDING_SOURCES))
    location = fields.Nested(LocationSchema, load_default=None, allow_none=True)
    language = _language_field(load_default=None)
    # How long the form took on the phone (the PWA measures it): an enrolment quality signal.
    capture_seconds = fields.Integer(
        load_default=None, allow_none=True, strict=True, validate=Range(min=0, max=86_400)
    )
    registered_on = fields.Date(
        load_default=None,
        metadata={"description": "the day the agent took the registration (default: today)"},
    )
    agent_code = fields.String(
        load_default=None,
        allow_none=True,
        validate=Length(max=20),
        metadata={"description": "supervisor/admin: the managing agent"},
    )

    @validates_schema
    def _consent_given(self, data, **kwargs):
        consent = data.get("consent")
        if consent is not None and consent.get("given") is not True:
            raise ValidationError({"consent": {"given": ["workers.consent_required"]}})


# What a participant may change over time (DOMAIN.md §10), with the registration's own fields.
EDITABLE_FIELDS = (
    "phone",
    "address",
    "village_code",
    "beneficiary",
    "income_level",
    "programs",
    "funding",
    "consent",
    "language",
)


def _optional(name: str) -> fields.Field:
    """The registration's field `name`, with the same validators, but optional and without a
    default (a PATCH changes only what it names)."""
    field = copy.deepcopy(WorkerCreateSchema._declared_fields[name])
    field.required = False
    field.load_default = ma.missing
    return field


class WorkerUpdateSchema(Schema):
    """PATCH /workers/<id> (and sync `worker.update`): the version read, then any of
    EDITABLE_FIELDS."""

    version = fields.Integer(
        required=True,
        strict=True,
        validate=Range(min=1, max=2**31 - 1),
        metadata={"description": "the participant's version the change was made on"},
    )
    phone = _optional("phone")
    address = _optional("address")
    village_code = _optional("village_code")
    beneficiary = _optional("beneficiary")
    income_level = _optional("income_level")
    programs = _optional("programs")
    funding = _optional("funding")
    consent = fields.Nested(MessageConsentSchema)
    language = _language_field()


class DeathSchema(Schema):
    died_on = fields.Date(required=True, metadata={"description": "the date of death"})


class WorkerQuerySchema(PageArgs):
    q = fields.String(load_default=None, validate=Length(max=160))
    status = fields.String(load_default=None, validate=OneOf(STATUSES))
    due_within_days = fields.Integer(load_default=None, validate=Range(min=0, max=366))


class AsOfSchema(PageArgs):
    as_of = fields.Date(load_default=None)


class WarningSchema(Schema):
    code = fields.String()
    message = fields.String()
    membership_number = fields.String(allow_none=True)


class PricingSegmentSchema(Schema):
    from_month = fields.String(allow_none=True, metadata={"description": "null: before any change"})
    income_level = fields.Integer()
    programs = fields.List(fields.String())


class WorkerListItemSchema(Schema):
    """A participant in a list (workers.serialization.Participant): the NIK masked."""

    id = fields.UUID(attribute="worker.id")
    nik_masked = fields.String()
    membership_number = fields.String(attribute="worker.membership_number")
    full_name = fields.String(attribute="worker.full_name")
    phone = fields.String(attribute="worker.phone")
    occupation = fields.String(attribute="worker.occupation")
    village_code = fields.String(attribute="worker.village_code")
    programs = fields.List(fields.String(), attribute="worker.programs")
    status = fields.String()
    covered_until = fields.String(allow_none=True)
    managed_by = fields.String(attribute="worker.managed_by.agent_code", allow_none=True)
    version = fields.Integer(attribute="worker.version")
    end_reason = fields.String(attribute="worker.end_reason", allow_none=True)
    died_on = fields.Date(attribute="worker.died_on", allow_none=True)


class WorkerSchema(WorkerListItemSchema):
    """The participant JSON (workers.serialization.Participant); `nik` only where the caller
    may see it, `warnings` only in a registration's answer."""

    nik = fields.String(metadata={"description": "only for the registering agent, supervisors"})
    birth_date = fields.Date(attribute="worker.birth_date")
    gender = fields.String(attribute="worker.gender")
    sector = fields.String(attribute="worker.sector")
    income_level = fields.Integer(attribute="worker.income_level")
    funding = fields.String(attribute="worker.funding")
    address = fields.String(attribute="worker.address")
    beneficiary = fields.Nested(BeneficiarySchema)
    consent = fields.Dict(
        metadata={"description": "given, notice_version, given_at, and the message channels"}
    )
    language = fields.String(attribute="worker.language")
    location = fields.Nested(LocationSchema, allow_none=True)
    first_paid_month = fields.String(attribute="worker.first_paid_month", allow_none=True)
    registered_by = fields.String(attribute="worker.registered_by.agent_code", allow_none=True)
    registered_on = fields.Date(
        attribute="worker.registered_on", metadata={"description": "the day the agent took it"}
    )
    created_at = fields.DateTime(attribute="worker.created_at")
    version = fields.Integer(
        attribute="worker.version", metadata={"description": "grows with every change"}
    )
    end_reason = fields.String(
        attribute="worker.end_reason", allow_none=True, metadata={"enum": [None, "died"]}
    )
    pricing = fields.List(
        fields.Nested(PricingSegmentSchema),
        metadata={
            "description": "after an edit of income level or programs: which values price "
            "which months (arrears keep the old price); empty when never changed"
        },
    )
    warnings = fields.List(fields.Nested(WarningSchema))


class OccupationSchema(Schema):
    code = fields.String()
    label_id = fields.String()
    label_en = fields.String()
    sector = fields.String()
