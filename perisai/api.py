"""The REST API's shared pieces: the Api with its one error shape, base schema, pagination."""

from __future__ import annotations

import copy
import json
import logging
import operator

import marshmallow as ma
from flask import Response, current_app, has_request_context, request
from flask_smorest import Api as SmorestApi
from flask_smorest import Blueprint
from marshmallow import fields, validate
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import BadRequest, HTTPException, ServiceUnavailable

from perisai import bounds, text
from perisai.errors import DomainError
from perisai.i18n import CATALOGUE, t, translate_errors
from perisai.months import Month

log = logging.getLogger(__name__)

__all__ = ["Api", "Blueprint", "PageArgs", "QuerySchema", "Schema", "paginate"]


class ErrorSchema(ma.Schema):
    """The one error shape of API.md; some errors add keys (e.g. a 409's membership_number)."""

    class Meta:
        unknown = ma.INCLUDE

    code = fields.Integer(metadata={"description": "HTTP status code"})
    status = fields.String(metadata={"description": "HTTP status name"})
    message = fields.String(metadata={"description": "Human sentence (id, or en on request)"})
    errors = fields.Dict(metadata={"description": "location → field → messages"})


class Api(SmorestApi):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        super()._register_error_handlers()
        self._app.register_error_handler(DomainError, self.handle_domain_error)
        # The database gone (restart, failover) or a deadlock victim: try again shortly.
        self._app.register_error_handler(OperationalError, self.handle_database_unavailable)
        # JSON nested deeper than the parser's recursion limit is malformed input, not a crash.
        self._app.register_error_handler(
            RecursionError, lambda error: self.handle_http_exception(BadRequest())
        )

    def handle_http_exception(self, error: HTTPException):
        if error.code and error.code >= 500:
            original = getattr(error, "original_exception", None)
            if original is not None:
                log.error("unhandled %s", type(original).__name__, exc_info=original)
        data = getattr(error, "data", None) or {}
        errors = data.get("errors", data.get("messages", {}))
        message = data.get("message") or f"http.{error.code}"
        payload = {
            "code": error.code,
            "status": error.name,
            "message": t(message),
            "errors": translate_errors(errors),
        }
        if error.code == 400 and not data and error.description and "JSON" in error.description:
            payload["message"] = t("body.json")
        return payload, error.code, data.get("headers", {})

    def handle_database_unavailable(self, error: OperationalError):
        log.warning("database unavailable: %s", type(getattr(error, "orig", error)).__name__)
        self._rollback_quietly()
        response = ServiceUnavailable(retry_after=5)
        payload, status, _ = self.handle_http_exception(response)
        return payload, status, {"Retry-After": "5"}

    @staticmethod
    def _rollback_quietly() -> None:
        try:
            # The app's SQLAlchemy (perisai.extensions.db, which is built on this module's Api)
            current_app.extensions["sqlalchemy"].session.rollback()
        except Exception:  # noqa: BLE001 - the connection may be gone too; the pool recovers
            log.debug("rollback after a lost connection failed")

    def handle_domain_error(self, error: DomainError):
        from werkzeug.http import HTTP_STATUS_CODES

        payload = {
            "code": error.status_code,
            "status": HTTP_STATUS_CODES.get(error.status_code, "Error"),
            "message": t(error.message),
            "errors": translate_errors(error.errors),
            **error.extra,
        }
        return payload, error.status_code


INT32_MAX = 2**31 - 1


def _plain_text(value: str) -> None:
    if token := text.problem(value):
        raise ma.ValidationError(token)


_GETTERS: dict[str, operator.attrgetter] = {}
_KEYED: dict[type, bool] = {}  # whether marshmallow would read a type's values by key


def _walk(obj, attr: str, default):
    *path, last = attr.split(".")
    for key in path:
        obj = ma.utils.get_value(obj, key, default)
        if obj is None:
            return None
    return ma.utils.get_value(obj, last, default)


class Schema(ma.Schema):
    """Request bodies: unknown fields are refused, every message is a translatable token.
    Response bodies: the schema dumps the model or result object itself."""

    class Meta:
        unknown = ma.RAISE

    error_messages = {"unknown": "field.unknown", "type": "field.invalid|Nested"}

    def get_attribute(self, obj, attr, default):
        """Read `attr` (dotted: through relations) off what a response dumps. A dotted attribute
        through a relation that is None dumps as None, not as absent. Objects are read with one
        cached attrgetter (marshmallow's lookup, per key, costs more than building a dict)."""
        keyed = _KEYED.get(type(obj))
        if keyed is None:
            keyed = _KEYED[type(obj)] = hasattr(type(obj), "__getitem__")
        if keyed:
            return _walk(obj, attr, default)  # marshmallow's lookup: keys before attributes
        getter = _GETTERS.get(attr)
        if getter is None:
            getter = _GETTERS[attr] = operator.attrgetter(attr)
        try:
            return getter(obj)
        except AttributeError:
            return _walk(obj, attr, default)

    def on_bind_field(self, field_name, field_obj):
        prepare_field(field_obj)


def prepare_field(field_obj: fields.Field) -> None:
    """Make a field's stock English messages tokens of the catalogue (perisai.i18n), refuse
    text that is not plain (perisai.text) and bound integers; inner fields of lists, tuples and
    mappings too. Custom messages stay as they are."""
    if getattr(field_obj, "_perisai_prepared", False):
        return
    field_obj._perisai_prepared = True
    stock = {}
    for cls in reversed(type(field_obj).__mro__):
        stock.update(getattr(cls, "default_error_messages", {}))
    for key, message in field_obj.error_messages.items():
        if stock.get(key) == message and not message.startswith("field."):
            field_obj.error_messages[key] = _field_token(field_obj, key)
    items = isinstance(field_obj, fields.List | fields.Tuple | fields.Dict) or (
        isinstance(field_obj, fields.Nested) and field_obj.many
    )
    field_obj.validators = [_validator_with_token(v, items=items) for v in field_obj.validators]
    if isinstance(field_obj, fields.String):
        # PostgreSQL text cannot hold NUL; no name or address may hide or reorder its text.
        field_obj.validators = [*field_obj.validators, _plain_text]
    if isinstance(field_obj, fields.Integer) and not any(
        isinstance(v, validate.Range) and v.max is not None for v in field_obj.validators
    ):
        # An unbounded integer would reach a 32-bit column and fail there as a 500.
        field_obj.validators = [*field_obj.validators, Range(min=-INT32_MAX, max=INT32_MAX)]
    if isinstance(field_obj, fields.Date | MonthField):  # month arithmetic must not overflow
        within = bounds.month_range() if isinstance(field_obj, MonthField) else bounds.date_range()
        field_obj.validators = [*field_obj.validators, within]
    inner = [getattr(field_obj, "inner", None), getattr(field_obj, "key_field", None)]
    inner += [getattr(field_obj, "value_field", None), *getattr(field_obj, "tuple_fields", ())]
    for each in inner:
        if isinstance(each, fields.Field):
            prepare_field(each)


def _field_token(field_obj: fields.Field, key: str) -> str:
    if key == "unknown" and isinstance(field_obj, fields.Enum):
        return "field.one_of|" + field_obj.choices_text
    if key != "invalid":
        return f"field.{key}"
    for cls in type(field_obj).__mro__:  # the nearest kind the catalogue has a sentence for
        if f"field.invalid|{cls.__name__}" in CATALOGUE:
            return f"field.invalid|{cls.__name__}"
    return "field.invalid"


_STOCK_TOKENS = {
    validate.Email: "field.invalid|Email",
    validate.URL: "field.invalid|Url",
    validate.Regexp: "field.pattern",
    validate.Equal: "field.invalid",
    validate.NoneOf: "field.invalid",
    validate.Predicate: "field.invalid",
    validate.ContainsOnly: "field.invalid",
    validate.ContainsNoneOf: "field.invalid",
}


def _validator_with_token(validator, *, items: bool):
    """The validator with a catalogue token for its message; lengths of lists count items."""
    if isinstance(validator, validate.Length):
        stock = validator.error is None or validator.error.startswith("field.length")
        if stock:
            kind = "items" if items else "length"
            error = _length_token(kind, validator.min, validator.max, validator.equal)
            return validate.Length(validator.min, validator.max, equal=validator.equal, error=error)
    elif isinstance(validator, validate.Range) and validator.error is None:
        if validator.min_inclusive and validator.max_inclusive:
            return Range(min=validator.min, max=validator.max)
        return validate.Range(
            validator.min,
            validator.max,
            min_inclusive=validator.min_inclusive,
            max_inclusive=validator.max_inclusive,
            error="field.invalid",
        )
    elif isinstance(validator, validate.OneOf) and validator.error == validator.default_message:
        return OneOf(validator.choices)
    elif isinstance(validator, validate.Validator):
        token = _STOCK_TOKENS.get(type(validator))
        if token and getattr(validator, "error", None) == type(validator).default_message:
            validator = copy.copy(validator)
            validator.error = token
    return validator


def _length_token(kind: str, min=None, max=None, equal=None) -> str:
    if equal is not None:
        return f"field.{kind}_equal|{equal}"
    if min and max is not None:
        return f"field.{kind}|{min}|{max}"
    if max is not None:
        return f"field.{kind}_max|{max}"
    return f"field.{kind}_min|{min or 0}"


class QuerySchema(Schema):
    class Meta:
        unknown = ma.EXCLUDE


class MonthField(fields.Field):
    """A YYYY-MM month, loaded as perisai.months.Month."""

    default_error_messages = {"invalid": "field.invalid|MonthField"}

    def _serialize(self, value, attr, obj, **kwargs):
        return str(value) if value is not None else None

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return Month.parse(value) if isinstance(value, str) else Month.parse("")
        except ValueError as error:
            raise self.make_error("invalid") from error


class IsoString(fields.String):
    """A date or time dumped as its ISO 8601 text; documented as the plain string it was."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value.isoformat() if value is not None else None


class Inline(fields.Nested):
    """Some of the object's own attributes, dumped as an object of their own by `nested`."""

    def get_value(self, obj, attr, accessor=None, default=ma.missing):
        return obj


def Range(min=None, max=None):  # noqa: N802 - reads like marshmallow's validator
    if min is not None and max is not None:
        return validate.Range(min=min, max=max, error=f"field.range|{min}|{max}")
    if max is not None:
        return validate.Range(max=max, error=f"field.max|{max}")
    return validate.Range(min=min, error=f"field.min|{min}")


def Length(min=None, max=None, equal=None):  # noqa: N802
    """A length of text; on a list (see prepare_field) the message counts items."""
    return validate.Length(
        min=min, max=max, equal=equal, error=_length_token("length", min, max, equal)
    )


def OneOf(choices):  # noqa: N802
    return validate.OneOf(choices, error="field.one_of|" + ", ".join(map(str, choices)))


class PageArgs(QuerySchema):
    page = fields.Integer(load_default=1, validate=Range(min=1, max=1_000_000))
    page_size = fields.Integer(load_default=50, validate=Range(min=1, max=200))


def paginate(session, stmt, args: dict):
    """One page of a select() and the X-Pagination header of API.md."""
    page, size = args["page"], args["page_size"]
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    items = session.scalars(stmt.limit(size).offset((page - 1) * size)).all()
    header = json.dumps({"total": total, "page": page, "page_size": size})
    return items, {"X-Pagination": header}


def pdf_response(data: bytes, filename: str) -> Response:
    """A generated PDF, shown inline. no-store: cards, receipts and statements carry personal
    and financial data, and must not linger in shared or browser caches."""
    headers = {
        "Content-Disposition": f'inline; filename="{filename}"',
        "Cache-Control": "private, no-store",
    }
    return Response(data, mimetype="application/pdf", headers=headers)


DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"  # outside a request (CLI) when none is set


def base_url() -> str:
    """The public address for links that leave the screen (card QR codes): PERISAI_BASE_URL,
    or in development (unset) the address this request was served at."""
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured.rstrip("/")
    return (request.host_url if has_request_context() else DEVELOPMENT_BASE_URL).rstrip("/")
