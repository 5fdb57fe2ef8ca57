"""The forms of the Wadah and agent administration pages, read with the API's schema machinery
(perisai.api.Schema: translatable tokens, bounded integers and dates, plain text only). An empty
box is a missing value, so a required one says "Wajib diisi." on its own field.

`read_form` reads a post; `post_form` is the rest of every form's post (the administration
pages' and the reassignment's): a refused form, or a change the operation refuses, comes back
with its messages on the fields and nothing stored; a change made is committed."""

from __future__ import annotations

from collections.abc import Callable

from flask import request
from marshmallow import ValidationError, fields, validate

from perisai.agents.models import AGENT_STATUS_REASONS
from perisai.api import Length, OneOf, Range, Schema
from perisai.errors import DomainError
from perisai.extensions import db

INT32_MAX = 2**31 - 1


def _pattern(regex: str, token: str):
    return validate.Regexp(regex, error=token)


class WadahForm(Schema):
    name = fields.String(required=True, validate=Length(min=3, max=160))
    pks_number = fields.String(required=True, validate=Length(min=1, max=60))
    pks_start = fields.Date(required=True)
    pks_end = fields.Date(required=True)
    bank_name = fields.String(required=True, validate=Length(min=2, max=60))
    bank_account = fields.String(
        required=True,
        validate=[Length(max=40), _pattern(r"^[0-9][0-9 .\-]{3,38}[0-9]$", "sva.bad_account")],
    )
    monthly_target = fields.Integer(required=True, validate=Range(min=0, max=100_000))


class AdminWadahForm(WadahForm):
    """An admin says which branch the new Wadah belongs to."""

    branch = fields.Integer(required=True, validate=Range(min=1, max=INT32_MAX))


class AgentEditForm(Schema):
    full_name = fields.String(required=True, validate=Length(min=2, max=160))
    phone = fields.String(required=True, validate=Length(max=20))
    wadah = fields.Integer(required=True, validate=Range(min=1, max=INT32_MAX))


class AgentForm(AgentEditForm):
    agent_code = fields.String(
        required=True,
        validate=[Length(min=3, max=20), _pattern(r"^[A-Z0-9][A-Z0-9\-]+$", "sva.bad_code")],
    )
    nik = fields.String(required=True, validate=Length(max=16))
    joined_on = fields.Date(required=True)
    username = fields.String(
        required=True,
        validate=[Length(min=3, max=60), _pattern(r"^[A-Za-z0-9._\-]+$", "sva.bad_username")],
    )
    password = fields.String(required=True, validate=Length(max=200))


class DismissForm(Schema):
    reason = fields.String(required=True, validate=OneOf(AGENT_STATUS_REASONS))
    note = fields.String(load_default="", validate=Length(max=300))


KEEP_AS_TYPED = {"password"}  # every other box is trimmed
UPPER = {"agent_code"}


def read_form(schema_class) -> tuple[dict | None, dict, dict]:
    """(loaded values or None, field → message tokens, the values as sent, to fill the form
    again). Only the schema's own fields are read: the CSRF token and buttons are not data."""
    schema = schema_class()
    sent = {}
    for name in schema.fields:
        value = request.form.get(name, "")
        value = value if name in KEEP_AS_TYPED else value.strip()
        sent[name] = value.upper() if name in UPPER else value
    given = {name: value for name, value in sent.items() if value != ""}
    try:
        return schema.load(given), {}, sent
    except ValidationError as error:
        return None, error.messages, sent


def field_errors(error: DomainError) -> dict:
    """The refusal's messages by field, whatever the location the operation named."""
    found = {f: ms for location in (error.errors or {}).values() for f, ms in location.items()}
    return found or {"form": [error.message]}


def post_form(form, sent: dict, errors: dict, change: Callable, done: Callable, *, keep=True):
    """A form's post once read: `errors` (the form's, or the page's own checks) → `form(422,
    errors, sent)`; else `change()` runs, and a DomainError is rolled back and shown the same
    way with the operation's status and messages. A change made is committed (`keep=False`, a
    confirmation step: rolled back, nothing moves yet) and `done(result)` answers."""
    if errors:
        return form(422, errors, sent)
    try:
        result = change()
    except DomainError as refused:
        db.session.rollback()
        return form(refused.status_code, field_errors(refused), sent)
    if keep:
        db.session.commit()
    else:
        db.session.rollback()
    return done(result)
