"""Request and response shapes of the employer endpoints (API.md "Employers (PU)")."""

from __future__ import annotations

from marshmallow import fields

from perisai.api import Length, MonthField, OneOf, PageArgs, QuerySchema, Range, Schema
from perisai.employers.models import PAYMENT_CHANNELS, PROGRAMS, SIZES

MONEY = Range(min=0, max=10**12)
WAGE = Range(min=1, max=10**9)
BASIS_POINTS = Range(min=0, max=10_000)


class EmployerCreateSchema(Schema):
    id = fields.UUID(load_default=None)
    name = fields.String(required=True, validate=Length(min=2, max=160))
    size = fields.String(required=True, validate=OneOf(SIZES))
    risk_group = fields.Integer(required=True, strict=True, validate=Range(min=1, max=5))
    village_code = fields.String(required=True, validate=Length(max=13))
    phone = fields.String(required=True, validate=Length(max=24))
    contact_name = fields.String(required=True, validate=Length(min=2, max=160))
    nib = fields.String(
        load_default=None,
        allow_none=True,
        validate=Length(max=20),
        metadata={"description": "Nomor Induk Berusaha: 13 digits"},
    )
    npwp = fields.String(
        load_default=None,
        allow_none=True,
        validate=Length(max=24),
        metadata={"description": "15 or 16 digits (dots and dashes allowed); stored as 16"},
    )
    address = fields.String(load_default=None, allow_none=True, validate=Length(max=300))
    registered_on = fields.Date(
        load_default=None, metadata={"description": "the day the agent took it (default today)"}
    )
    agent_code = fields.String(
        load_default=None,
        allow_none=True,
        validate=Length(max=20),
        metadata={"description": "supervisor/admin: the managing agent"},
    )


class EmployerQuerySchema(PageArgs):
    q = fields.String(load_default=None, validate=Length(max=160))
    regency_code = fields.String(load_default=None, validate=Length(max=5))


class EmployerWarningSchema(Schema):
    code = fields.String()
    message = fields.String()
    registration_number = fields.String(allow_none=True)
    membership_number = fields.String(allow_none=True)


class EmployerSchema(Schema):
    """An employer (serialization.EmployerView)."""

    id = fields.UUID(attribute="employer.id")
    registration_number = fields.String(attribute="employer.registration_number")
    name = fields.String(attribute="employer.name")
    size = fields.String(attribute="employer.size")
    risk_group = fields.Integer(attribute="employer.risk_group")
    nib = fields.String(attribute="employer.nib", allow_none=True)
    npwp = fields.String(attribute="employer.npwp", allow_none=True)
    village_code = fields.String(attribute="employer.village_code")
    regency_code = fields.String(attribute="employer.regency_code")
    address = fields.String(attribute="employer.address", allow_none=True)
    phone = fields.String(attribute="employer.phone")
    contact_name = fields.String(attribute="employer.contact_name")
    registered_on = fields.Date(attribute="employer.registered_on")
    registered_by = fields.String(attribute="employer.registered_by.agent_code", allow_none=True)
    managed_by = fields.String(attribute="employer.managed_by.agent_code", allow_none=True)
    workers = fields.Integer(attribute="worker_count")
    created_at = fields.DateTime(attribute="employer.created_at")
    warnings = fields.List(fields.Nested(EmployerWarningSchema))


class EmployeeCreateSchema(Schema):
    id = fields.UUID(load_default=None)
    nik = fields.String(required=True, validate=Length(max=32))
    full_name = fields.String(required=True, validate=Length(min=2, max=160))
    birth_date = fields.Date(required=True)
    gender = fields.String(required=True, validate=OneOf(("M", "F")))
    wage = fields.Integer(
        required=True,
        strict=True,
        validate=WAGE,
        metadata={"description": "monthly wage in rupiah"},
    )


class EmployeeSchema(Schema):
    """A worker of an employer (serialization.EmployeeView)."""

    id = fields.UUID(attribute="employee.id")
    employer_id = fields.UUID(attribute="employee.employer_id")
    nik = fields.String(metadata={"description": "only where the caller may see it"})
    nik_masked = fields.String()
    full_name = fields.String(attribute="employee.full_name")
    birth_date = fields.Date(attribute="employee.birth_date")
    gender = fields.String(attribute="employee.gender")
    wage = fields.Integer(attribute="employee.wage")
    bpu_participant = fields.Boolean(
        metadata={"description": "the NIK is a BPU participant's too (allowed)"}
    )
    created_at = fields.DateTime(attribute="employee.created_at")
    warnings = fields.List(fields.Nested(EmployerWarningSchema))


class EmployerQuoteQuerySchema(QuerySchema):
    month = MonthField(load_default=None, metadata={"description": "default: this month"})
    paid_on = fields.Date(
        load_default=None, metadata={"description": "the fine as if paid that day (today)"}
    )


class EmployerProgramShareSchema(Schema):
    program = fields.String(metadata={"enum": list(PROGRAMS)})
    employer = fields.Integer()
    worker = fields.Integer()
    total = fields.Integer()
    employer_bp = fields.Integer(metadata={"description": "basis points of the wage (24=0.24%)"})
    worker_bp = fields.Integer()


class EmployerQuoteSchema(Schema):
    """What the employer owes for a month (quotes.EmployerQuote)."""

    employer_id = fields.UUID(attribute="employer.id")
    month = MonthField()
    size = fields.String(attribute="employer.size")
    risk_group = fields.Integer(attribute="employer.risk_group")
    programs_required = fields.List(fields.String())
    workers = fields.Integer()
    wage_total = fields.Integer()
    jp_wage_ceiling = fields.Integer()
    programs = fields.List(fields.Nested(EmployerProgramShareSchema))
    employer_total = fields.Integer()
    worker_total = fields.Integer()
    total = fields.Integer(metadata={"description": "the month's contribution, fine excluded"})
    due_on = fields.Date()
    paid_on = fields.Date()
    months_late = fields.Integer()
    late_fine_bp = fields.Integer(metadata={"description": "per month late (200 = 2 %)"})
    fine = fields.Integer()
    amount_due = fields.Integer(metadata={"description": "total + fine: what a payment is"})
    rate_version_id = fields.Integer(attribute="rates.id")
    program_rule_id = fields.Integer(attribute="program_rule.id")
    rounding = fields.String()


class EmployerPaymentCreateSchema(Schema):
    id = fields.UUID(required=True)
    month = MonthField(required=True)
    amount = fields.Integer(required=True, strict=True, validate=MONEY)
    paid_on = fields.Date(required=True)
    channel = fields.String(required=True, validate=OneOf(PAYMENT_CHANNELS))
    reference = fields.String(load_default=None, allow_none=True, validate=Length(max=60))


class EmployerPaymentSchema(Schema):
    id = fields.UUID()
    employer_id = fields.UUID()
    month = MonthField()
    receipt_number = fields.String()
    paid_on = fields.Date()
    channel = fields.String()
    reference = fields.String(allow_none=True)
    workers = fields.Integer()
    wage_total = fields.Integer()
    jkk = fields.Integer()
    jkm = fields.Integer()
    jht_employer = fields.Integer()
    jht_worker = fields.Integer()
    jp_employer = fields.Integer()
    jp_worker = fields.Integer()
    contribution = fields.Integer()
    months_late = fields.Integer()
    fine = fields.Integer()
    amount = fields.Integer()
    rate_version_id = fields.Integer()
    program_rule_id = fields.Integer()
    commission_rule_id = fields.Integer(allow_none=True)
    commission = fields.Integer(metadata={"description": "the managing agent's, may be 0"})
    created_at = fields.DateTime()


class EmployerRateVersionCreateSchema(Schema):
    effective_from = MonthField(required=True)
    jkk_risk1_bp = fields.Integer(required=True, strict=True, validate=BASIS_POINTS)
    jkk_risk2_bp = fields.Integer(required=True, strict=True, validate=BASIS_POINTS)
    jkk_risk3_bp = fields.Integer(required=True, strict=True, validate=BASIS_POINTS)
    jkk_risk4_bp = fields.Integer(required=True, strict=True, validate=BASIS_POINTS)
    jkk_risk5_bp = fields.Integer(required=True, strict=True, validate=BASIS_POINTS)
    jkm_bp = fields.Integer(required=True, strict=True, validate=BASIS_POINTS)
    jht_employer_bp = fields.Integer(required=True, strict=True, validate=BASIS_POINTS)
    jht_worker_bp = fields.Integer(required=True, strict=True, validate=BASIS_POINTS)
    jp_employer_bp = fields.Integer(required=True, strict=True, validate=BASIS_POINTS)
    jp_worker_bp = fields.Integer(required=True, strict=True, validate=BASIS_POINTS)
    jp_wage_ceiling = fields.Integer(required=True, strict=True, validate=WAGE)
    late_fine_bp = fields.Integer(required=True, strict=True, validate=BASIS_POINTS)
    due_day = fields.Integer(load_default=15, strict=True, validate=Range(min=1, max=31))
    source = fields.String(required=True, validate=Length(min=3, max=300))


class EmployerRateVersionSchema(Schema):
    id = fields.Integer()
    effective_from = MonthField()
    jkk_risk1_bp = fields.Integer()
    jkk_risk2_bp = fields.Integer()
    jkk_risk3_bp = fields.Integer()
    jkk_risk4_bp = fields.Integer()
    jkk_risk5_bp = fields.Integer()
    jkm_bp = fields.Integer()
    jht_employer_bp = fields.Integer()
    jht_worker_bp = fields.Integer()
    jp_employer_bp = fields.Integer()
    jp_worker_bp = fields.Integer()
    jp_wage_ceiling = fields.Integer()
    late_fine_bp = fields.Integer()
    due_day = fields.Integer()
    source = fields.String()


class EmployerProgramRuleCreateSchema(Schema):
    effective_from = MonthField(required=True)
    size = fields.String(required=True, validate=OneOf(SIZES))
    programs = fields.List(
        fields.String(validate=OneOf(PROGRAMS)), required=True, validate=Length(min=2, max=4)
    )
    source = fields.String(required=True, validate=Length(min=3, max=300))


class EmployerProgramRuleSchema(Schema):
    id = fields.Integer()
    effective_from = MonthField()
    size = fields.String()
    programs = fields.List(fields.String())
    source = fields.String()


class EmployerCommissionRuleCreateSchema(Schema):
    effective_from = MonthField(required=True)
    first_payment_fee = fields.Integer(required=True, strict=True, validate=MONEY)
    collection_bp = fields.Integer(required=True, strict=True, validate=BASIS_POINTS)
    source = fields.String(required=True, validate=Length(min=3, max=300))


class EmployerCommissionRuleSchema(Schema):
    id = fields.Integer()
    effective_from = MonthField()
    first_payment_fee = fields.Integer()
    collection_bp = fields.Integer()
    source = fields.String()


class EmployerRulesQuerySchema(QuerySchema):
    month = MonthField(load_default=None)


class EmployerRulesSchema(Schema):
    """The rules in force for a month (rules.RulesInForce)."""

    month = MonthField()
    rates = fields.Nested(EmployerRateVersionSchema)
    programs = fields.List(fields.Nested(EmployerProgramRuleSchema))
    commission = fields.Nested(EmployerCommissionRuleSchema, allow_none=True)
