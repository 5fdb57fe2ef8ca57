"""Card bodies: print requests, revocations, the card as served and a verification's answer."""

from marshmallow import fields, validate

from perisai.api import Length, MonthField, QuerySchema, Schema
from perisai.cards.keys import ALG, b64url
from perisai.cards.operations import verify_url


class CardPdfArgs(QuerySchema):
    back = fields.Boolean(load_default=False, metadata={"description": "add the back side"})


BATCH_MAX = 10_000  # as a job (Prefer: respond-async); a request renders 1,000 at most


class PrintSchema(Schema):
    worker_ids = fields.List(
        fields.UUID(),
        required=True,
        validate=validate.Length(min=1, max=BATCH_MAX, error="cards.worker_ids_count_async"),
    )
    back = fields.Boolean(load_default=False, metadata={"description": "add mirrored backs"})


class RevokeSchema(Schema):
    reason = fields.String(load_default=None, validate=Length(max=200))


class CardSchema(Schema):
    """A card (cards.models.Card) with its print history and verification link."""

    serial = fields.Integer(attribute="id")
    worker_id = fields.UUID()
    membership_number = fields.String()
    status = fields.String()
    issued_on = fields.Date()
    issued_at = fields.DateTime()
    issued_by = fields.String(attribute="issuer.username", allow_none=True)
    replaced_by = fields.Integer(attribute="replaced_by_id", allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    revoke_reason = fields.String(allow_none=True)
    print_count = fields.Integer()
    last_printed_at = fields.DateTime(allow_none=True)
    verify_url = fields.Function(verify_url, metadata={"type": "string"})


class VerificationSchema(Schema):
    valid = fields.Boolean()
    membership_number = fields.String()
    name_masked = fields.String()
    status = fields.String()
    covered_until = MonthField(allow_none=True)
    reason = fields.String(metadata={"description": "replaced | revoked, only when not valid"})
    issued_on = fields.Date()
    serial = fields.Integer(metadata={"description": "the card number printed under the QR"})


class CardKeySchema(Schema):
    """One published key (cards.models.CardKey): its id is a token's first byte."""

    kid = fields.Integer()
    alg = fields.Constant(ALG, metadata={"type": "string", "enum": [ALG]})
    public_key = fields.Function(
        lambda key: b64url(key.public_key),
        metadata={"type": "string", "description": "base64url (no padding) of the 32-byte key"},
    )


class CardKeysSchema(Schema):
    keys = fields.List(fields.Nested(CardKeySchema))
