"""The body of a share link: its public URL and when it stops working."""

from marshmallow import fields

from perisai.api import Schema


class LinkSchema(Schema):
    url = fields.String(metadata={"description": "Public URL of the PDF (no login)"})
    expires_at = fields.DateTime(metadata={"description": "The link stops working after this"})
