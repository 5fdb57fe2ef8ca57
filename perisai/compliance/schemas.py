"""Request and response shapes of the compliance endpoints (API.md "Employers (PU) and
compliance")."""

from __future__ import annotations

from flask import has_request_context, request
from flask_smorest.fields import Upload
from marshmallow import fields, pre_load

from perisai.api import Length, OneOf, PageArgs, Schema
from perisai.compliance.models import MATCH_STATES, VISIT_OUTCOMES, VISIT_STATES
from perisai.i18n import translate_errors


class HeadcountUploadSchema(Schema):
    """One multipart body: the labour office's file and the options."""

    file = Upload(
        required=True,
        metadata={
            "description": "CSV or XLSX: employer_name,regency_code,reported_workers"
            "[,registration_number][,nib][,npwp]"
        },
    )
    dry_run = fields.Boolean(load_default=False, metadata={"description": "check and match only"})
    branch = fields.String(
        load_default=None,
        validate=Length(max=20),
        metadata={"description": "admin: the branch code (a supervisor's own otherwise)"},
    )
    reported_on = fields.Date(
        load_default=None, metadata={"description": "the day the figures stand for (today)"}
    )
    csrf_token = fields.String(load_default=None, metadata={"description": "HTML forms only"})

    @pre_load
    def _with_form_fields(self, data, **kwargs):
        # Declared at location "files", which reads only the file parts: add the text parts.
        merged = dict(request.form.items()) if has_request_context() else {}
        merged.update({key: data[key] for key in data})
        return merged


class ProblemSchema(Schema):
    row = fields.Integer()
    errors = fields.Method(
        "translated",
        metadata={"type": "object", "description": "column (as the file names it) → messages"},
    )

    def translated(self, problem) -> dict:
        return translate_errors(problem.errors)


class HeadcountUploadResultSchema(Schema):
    list_id = fields.Integer(allow_none=True, metadata={"description": "null on a dry run"})
    dry_run = fields.Boolean()
    rows = fields.Integer()
    matched = fields.Integer(metadata={"description": "matched by identifier"})
    proposed = fields.Integer(metadata={"description": "by name and regency, to confirm"})
    unmatched = fields.Integer()
    problem_count = fields.Integer()
    problems = fields.List(fields.Nested(ProblemSchema))


class EmployerBriefSchema(Schema):
    id = fields.UUID()
    name = fields.String()
    registration_number = fields.String()
    regency_code = fields.String()


class HeadcountQuerySchema(PageArgs):
    list_id = fields.Integer(load_default=None)
    state = fields.String(load_default=None, validate=OneOf(MATCH_STATES))
    regency_code = fields.String(load_default=None, validate=Length(max=5))


class HeadcountSchema(Schema):
    id = fields.Integer()
    list_id = fields.Integer()
    row = fields.Integer(attribute="row_number")
    employer_name = fields.String()
    regency_code = fields.String()
    reported_workers = fields.Integer()
    identifier = fields.String(allow_none=True)
    state = fields.String(metadata={"enum": list(MATCH_STATES)})
    method = fields.String(allow_none=True)
    score = fields.Integer(allow_none=True, metadata={"description": "name similarity, %"})
    employer = fields.Nested(EmployerBriefSchema, allow_none=True)
    proposed_employer = fields.Nested(EmployerBriefSchema, allow_none=True)


class HeadcountListSchema(Schema):
    id = fields.Integer()
    branch_id = fields.Integer()
    filename = fields.String()
    reported_on = fields.Date()
    rows = fields.Integer()
    matched = fields.Integer()
    proposed = fields.Integer()
    unmatched = fields.Integer()
    uploaded_at = fields.DateTime()


class GapQuerySchema(PageArgs):
    regency_code = fields.String(load_default=None, validate=Length(max=5))
    list_id = fields.Integer(load_default=None)
    format = fields.String(load_default="json", validate=OneOf(("json", "csv", "xlsx")))


class GapSchema(Schema):
    """A line of the gap report (gaps.GapLine)."""

    employer_name = fields.String()
    registration_number = fields.String(allow_none=True)
    reported_workers = fields.Integer()
    registered_workers = fields.Integer()
    gap = fields.Integer()
    regency_code = fields.String()
    state = fields.String(metadata={"description": "the row's match", "enum": list(MATCH_STATES)})
    headcount_id = fields.Integer()
    employer_id = fields.UUID(allow_none=True)
    visit_id = fields.Integer(attribute="visit.id", allow_none=True)
    visit_state = fields.String(attribute="visit.state", allow_none=True)


class VisitCreateSchema(Schema):
    headcount_id = fields.Integer(required=True, strict=True)
    planned_on = fields.Date(required=True)
    team = fields.String(required=True, validate=Length(min=2, max=200))


class VisitOutcomeSchema(Schema):
    outcome = fields.String(required=True, validate=OneOf(VISIT_OUTCOMES))
    visited_on = fields.Date(required=True)
    note = fields.String(load_default=None, allow_none=True, validate=Length(max=500))


class VisitQuerySchema(PageArgs):
    state = fields.String(load_default=None, validate=OneOf(VISIT_STATES))
    regency_code = fields.String(load_default=None, validate=Length(max=5))


class VisitSchema(Schema):
    """A visit (visits.VisitView) with its employer's gap as it stands now."""

    id = fields.Integer(attribute="visit.id")
    headcount_id = fields.Integer(attribute="visit.headcount_id")
    employer_name = fields.String(attribute="line.employer_name")
    registration_number = fields.String(attribute="line.registration_number", allow_none=True)
    regency_code = fields.String(attribute="line.regency_code")
    reported_workers = fields.Integer(attribute="line.reported_workers")
    registered_workers = fields.Integer(attribute="line.registered_workers")
    gap = fields.Integer(attribute="line.gap")
    gap_when_planned = fields.Integer(attribute="visit.gap_when_planned")
    planned_on = fields.Date(attribute="visit.planned_on")
    team = fields.String(attribute="visit.team")
    state = fields.String(attribute="visit.state", metadata={"enum": list(VISIT_STATES)})
    outcome = fields.String(attribute="visit.outcome", allow_none=True)
    visited_on = fields.Date(attribute="visit.visited_on", allow_none=True)
    note = fields.String(attribute="visit.note", allow_none=True)
