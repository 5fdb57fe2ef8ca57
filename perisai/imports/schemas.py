"""Request and response shapes of the import endpoints."""

from __future__ import annotations

from flask import has_request_context, request
from flask_smorest.fields import Upload
from marshmallow import fields, pre_load

from perisai.api import Length, OneOf, PageArgs, QuerySchema, Schema
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
    total = fields.Integer()
    processed = fields.Integer()
    valid = fields.Integer()
    invalid = fields.Integer()
    imported = fields.Integer()
    paid = fields.Integer()


class JobSchema(Schema):
    id = fields.String()
    filename = fields.String()
    format = fields.String()
    state = fields.String(
        metadata={
            "description": "queued, validating, validated, rejected, importing, paying, done, "
            "rolling_back, rolled_back"
        }
    )
    dry_run = fields.Boolean()
    mode = fields.String()
    interrupted = fields.Boolean(
        metadata={"description": "its runner has gone: resume or roll back"}
    )
    finished = fields.Boolean()
    error = fields.String(allow_none=True)
    counts = fields.Nested(CountsSchema)
    progress = fields.Float()
    amount_paid = fields.Integer()
    sponsor = fields.Dict(allow_none=True)
    defaults = fields.Dict()
    unknown_columns = fields.List(fields.String())
    created_at = fields.String(allow_none=True)
    started_at = fields.String(allow_none=True)
    finished_at = fields.String(allow_none=True)


class RowSchema(Schema):
    row = fields.Integer()
    status = fields.String()
    nik_masked = fields.String(allow_none=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    warnings = fields.List(fields.String())
    worker_id = fields.String(allow_none=True)
    membership_number = fields.String(allow_none=True)
    sponsor_payment_id = fields.String(allow_none=True)
