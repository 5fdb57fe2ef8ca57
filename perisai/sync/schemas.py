"""The sync envelope. Only op_id is checked here; type and payload are judged per operation,
so one bad operation is rejected on its own instead of failing the whole batch."""

from __future__ import annotations

from marshmallow import fields, pre_load

from perisai.api import Schema
from perisai.errors import DomainError

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
