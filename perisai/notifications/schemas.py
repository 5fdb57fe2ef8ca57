"""The notifications API's shapes (API.md "Reaching participants")."""

from __future__ import annotations

from marshmallow import fields

from perisai.api import OneOf, PageArgs, Schema
from perisai.notifications.models import CHANNELS, STATES, TEMPLATES


class NotificationQuerySchema(PageArgs):
    worker_id = fields.UUID(required=True, metadata={"description": "the participant"})


class NotificationSchema(Schema):
    id = fields.Integer()
    channel = fields.String(
        allow_none=True,
        metadata={"enum": [*CHANNELS, None], "description": "null: none chosen (skipped)"},
    )
    template = fields.String(metadata={"enum": list(TEMPLATES)})
    state = fields.String(validate=OneOf(STATES), metadata={"enum": list(STATES)})
    reason = fields.String(
        allow_none=True,
        metadata={
            "description": "why it was skipped, held (quiet_hours), retried or failed "
            "(the gateway's answer); null once sent"
        },
    )
    sent_at = fields.DateTime(allow_none=True)
    delivered_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    next_attempt_at = fields.DateTime(metadata={"description": "while queued: not before this"})
    attempts = fields.Integer()
    language = fields.String()
    fallback_of_id = fields.Integer(
        allow_none=True, metadata={"description": "the WhatsApp message this SMS replaced"}
    )


class WebhookAnswerSchema(Schema):
    updated = fields.Integer()
