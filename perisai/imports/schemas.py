"""Request and response shapes of the import endpoints."""

from __future__ import annotations

from flask import has_request_context, request
from flask_smorest.fields import Upload
from marshmallow import fields, pre_load

from perisai.api import Inline, IsoString, Length, OneOf, PageArgs, QuerySchema, Schema
from perisai.i18n import t
from perisai.imports.leases import is_interrupted
from perisai.imports.models import MODES, ROW_STATUSES
from perisai.workers.models import FUNDING_SOURCES


class ImportUploadSchema(Schema):
    """One multipart body: the file and the options (one requestBody in the OpenAPI document)."""

    file = Upload(required=True, metadata={"description": "CSV (UTF-8, , or ;) or XLSX"})
    dry_run = fields.Boolean(
        load_default=False, metadata={"description": "only check every row; store nothing"}
    )
    mode = fields.String(
        load_default="all_or_nothing",
        validate=OneOf(MODES),
        metadata={"description": "all_or_nothing: any bad row stops the import; valid_only"},
    )
    sponsor_id = fields.Integer(load_default=None, metadata={"description": "pay for everyone"})
    sponsor_months = fields.Integer(load_default=None, validate=OneOf([3, 6, 12]))
    paid_on = fields.Date(load_default=None, metadata={"description": "default: today"})
    agent_code = fields.String(
        load_default=None, validate=Length(max=20), metadata={"description": "managing agent"}
    )
    notice_version = fields.String(
        load_default=None,
        validate=Length(max=40),
        metadata={"description": "privacy notice version when the file has no such column"},
    )
    funding = fields.String(load_default=None, validate=OneOf(FUNDING_SOURCES))
    csrf_token = fields.String(load_default=None, metadata={"description": "HTML forms only"})

    @pre_load
    def _with_form_fields(self, data, **kwargs):
        # Declared at location "files", which reads only the file parts: add the text parts.
        merged = dict(request.form.items()) if has_request_context() else {}
        merged.update({key: data[key] for key in data})
        return merged


class CommitSchema(Schema):
    mode = fields.String(load_default=None, validate=OneOf(MODES))
    csrf_token = fields.String(load_default=None)


class TemplateQuerySchema(QuerySchema):
    lang = fields.String(load_default="id", validate=OneOf(("id", "en")))


class RowQuerySchema(PageArgs):
    status = fields.String(load_default=None, validate=OneOf((*ROW_STATUSES, "problems")))


class CountsSchema(Schema):
    """A job's row counts, read from the job."""

    total = fields.Integer(attribute="row_total")
    processed = fields.Integer(attribute="processed_rows")
    valid = fields.Integer(attribute="valid_rows")
    invalid = fields.Integer(attribute="invalid_rows")
    imported = fields.Integer(attribute="imported_rows")
    paid = fields.Integer(attribute="paid_rows")


class JobSchema(Schema):
    """An import job (imports.models.ImportJob); its error in the request's language."""

    id = fields.String()
    filename = fields.String()
    format = fields.String(attribute="file_format")
    state = fields.String(
        metadata={
            "description": "queued, validating, validated, rejected, importing, paying, done, "
            "rolling_back, rolled_back"
        }
    )
    dry_run = fields.Boolean()
    mode = fields.String()
    interrupted = fields.Function(
        is_interrupted,
        metadata={"type": "boolean", "description": "its runner has gone: resume or roll back"},
    )
    finished = fields.Boolean()
    error = fields.Function(
        lambda job: t(job.error) if job.error else None,
        metadata={"type": "string", "nullable": True},
    )
    counts = Inline(CountsSchema)
    progress = fields.Float()
    amount_paid = fields.Integer()
    sponsor = fields.Method("_sponsor", metadata={"type": "object", "nullable": True})
    defaults = fields.Method("_defaults", metadata={"type": "object"})
    unknown_columns = fields.List(fields.String())
    created_at = IsoString(allow_none=True)
    started_at = IsoString(allow_none=True)
    finished_at = IsoString(allow_none=True)

    def _sponsor(self, job) -> dict | None:
        if not job.sponsor_id:
            return None
        return {
            "id": job.sponsor_id,
            "name": job.sponsor.name if job.sponsor else None,
            "months": job.sponsor_months,
            "paid_on": job.paid_on.isoformat() if job.paid_on else None,
        }

    def _defaults(self, job) -> dict:
        return {
            "agent_code": job.default_agent_code,
            "notice_version": job.default_notice_version,
            "funding": job.default_funding,
        }


MESSAGES = {"type": "array", "items": {"type": "string"}}


class RowSchema(Schema):
    """A row report: the (ImportRow, membership number) pairs reading.rows_query returns, its
    messages in the request's language."""

    row = fields.Integer(attribute="row_number")
    status = fields.String()
    nik_masked = fields.String(allow_none=True)
    errors = fields.Method("_errors", metadata={"type": "object", "additionalProperties": MESSAGES})
    warnings = fields.Method("_warnings", metadata=MESSAGES)
    worker_id = fields.String(allow_none=True)
    membership_number = fields.String(allow_none=True)
    sponsor_payment_id = fields.String(allow_none=True)

    def get_attribute(self, obj, attr, default):
        row, number = obj
        return number if attr == "membership_number" else super().get_attribute(row, attr, default)

    def _errors(self, obj) -> dict:
        return {key: [t(m) for m in messages] for key, messages in (obj[0].errors or {}).items()}

    def _warnings(self, obj) -> list:
        return [t(m) for m in obj[0].warnings or []]
