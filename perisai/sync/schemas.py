"""The sync envelope. Only op_id is checked here; type and payload are judged per operation,
so one bad operation is rejected on its own instead of failing the whole batch."""

from __future__ import annotations

from marshmallow import fields, pre_load

from perisai.api import QuerySchema, Range, Schema
from perisai.contributions.schemas import PaymentSchema
from perisai.errors import DomainError
from perisai.workers.schemas import WorkerSchema

MAX_OPERATIONS = 500


class TooLarge(DomainError):
    status_code = 413


class OperationSchema(Schema):
    op_id = fields.UUID(required=True)
    type = fields.Raw(required=True)
    payload = fields.Raw(required=True)


class SyncSchema(Schema):
    operations = fields.List(fields.Nested(OperationSchema), required=True)

    @pre_load
    def refuse_oversized(self, data, **kwargs):
        operations = data.get("operations") if isinstance(data, dict) else None
        if isinstance(operations, list) and len(operations) > MAX_OPERATIONS:
            token = f"sync.too_many|{MAX_OPERATIONS}"
            raise TooLarge(token, {"json": {"operations": [token]}})
        return data


class OperationResultSchema(Schema):
    op_id = fields.String()
    status = fields.String(metadata={"enum": ["applied", "duplicate", "rejected"]})
    http_status = fields.Integer()
    message = fields.String(allow_none=True)
    errors = fields.Dict()
    entity = fields.Dict(allow_none=True)
    warnings = fields.List(fields.Raw())
    details = fields.Dict()


class SyncResultSchema(Schema):
    results = fields.List(fields.Nested(OperationResultSchema))


class AreaSchema(Schema):
    regency_code = fields.String(allow_none=True, metadata={"example": "33.25"})
    branch_code = fields.String(allow_none=True)
    branch_name = fields.String(allow_none=True)


class CaseloadQuerySchema(QuerySchema):
    since = fields.String(
        load_default=None, metadata={"description": "the cursor of the previous answer"}
    )
    limit = fields.Integer(load_default=500, validate=Range(min=1, max=1000))


class DueSchema(Schema):
    next_month = fields.String(metadata={"description": "the next month to pay, arrears first"})
    months_in_arrears = fields.Integer()
    coverage_ends_on = fields.Date(allow_none=True)


class CaseloadParticipantSchema(WorkerSchema):
    due = fields.Nested(DueSchema)
    payments = fields.List(fields.Nested(PaymentSchema), metadata={"description": "newest 5"})


class CaseloadSchema(Schema):
    participants = fields.List(fields.Nested(CaseloadParticipantSchema))
    cursor = fields.String(metadata={"description": "send as ?since= next time"})
    more = fields.Boolean(metadata={"description": "another page follows at once"})
    removed = fields.List(
        fields.String(), metadata={"description": "ids reassigned to another agent since"}
    )
