"""Region JSON: a region, its ancestors, and the `?parent=` query string."""

from __future__ import annotations

from marshmallow import ValidationError, fields, pre_load

from perisai.api import QuerySchema, Schema
from perisai.regions.operations import is_valid_code, region_label

# ECMA-262 for the OpenAPI document; Python checks with fullmatch (its `$` accepts a final "\n").
CODE_PATTERN = r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$"


def valid_code(value: str) -> None:
    if not is_valid_code(value):
        raise ValidationError("regions.code_format")


class RegionQuerySchema(QuerySchema):
    parent = fields.String(
        validate=valid_code,
        metadata={
            "description": "Code of the parent region; omit (or leave empty) for the provinces.",
            "pattern": CODE_PATTERN,
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
    """A (region, ancestors) pair, as operations.region_chain gives the ancestors."""

    ancestors = fields.List(fields.Nested(RegionSchema), metadata={"description": "province first"})
    label = fields.String(
        metadata={"example": "Desa Silurah, Kec. Wonotunggal, Kabupaten Batang, Jawa Tengah"}
    )

    def get_attribute(self, obj, attr, default):
        region, ancestors = obj
        if attr == "ancestors":
            return ancestors
        if attr == "label":
            return region_label(region, ancestors)
        return super().get_attribute(region, attr, default)
