"""Request and response shapes of the organisation endpoints."""

from __future__ import annotations

from marshmallow import fields

from perisai.api import Length, Schema


class ReassignSchema(Schema):
    to_agent_code = fields.String(required=True, validate=Length(min=1, max=20))
    worker_ids = fields.List(
        fields.UUID(),
        load_default=None,
        validate=Length(min=1, max=10_000),
        metadata={"description": "the participants to move; omitted: the whole portfolio"},
    )


class ReassignResultSchema(Schema):
    moved = fields.Integer()
