"""Region JSON: a region, its ancestors, and the `?parent=` query string."""

from __future__ import annotations

from marshmallow import fields, pre_load, validate

from perisai.api import QuerySchema, Schema

# fullmatch semantics: Regexp() only anchors at the start
CODE_REGEX = r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?\Z"


class RegionQuerySchema(QuerySchema):
    parent = fields.String(
        validate=validate.Regexp(CODE_REGEX, error="regions.code_format"),
        metadata={
            "description": "Code of the parent region; omit (or leave empty) for the provinces."
        },
    )

    @pre_load
    def empty_means_provinces(self, data, **kwargs):
        if data.get("parent") == "":
            data = {key: value for key, value in data.items() if key != "parent"}
        return data


class RegionSchema(Schema):
    code = fields.String(metadata={"example": "33.25.01.2001"})
    name = fields.String(metadata={"example": "Silurah"})
    level = fields.String(metadata={"enum": ["province", "regency", "district", "village"]})
    parent_code = fields.String(allow_none=True, metadata={"example": "33.25.01"})
    is_current = fields.Boolean(
        metadata={"description": "false: no longer in the current Kemendagri list"}
    )


class RegionDetailSchema(RegionSchema):
    ancestors = fields.List(fields.Nested(RegionSchema), metadata={"description": "province first"})
    label = fields.String(
        metadata={"example": "Desa Silurah, Kec. Wonotunggal, Kabupaten Batang, Jawa Tengah"}
    )
