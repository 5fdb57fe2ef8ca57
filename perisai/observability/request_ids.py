"""The request id: one per request, on its response and on every log line it writes.

A request keeps the `X-Request-Id` it came with (nginx's, a phone's) when that is well formed:
letters, digits and `._:-`, at most 128 characters, and nothing that reads as a NIK or a phone
number (the id is logged as it is, unmasked). Otherwise it gets a fresh one. Outside a request
(a job, a CLI command) the id is the one bound with `bound()`: the Celery signals in `tasks.py`
bind the id of the request that queued the job.
"""

from __future__ import annotations

import contextvars
import re
import uuid
from contextlib import contextmanager

from flask import g, has_request_context, request

HEADER = "X-Request-Id"

_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
# A 16-digit run (a NIK), or an Indonesian mobile number (+62 8…, 62 8…, 08…).
PERSONAL = re.compile(r"(?<!\d)\d{16}(?!\d)|(?:\+62|(?<!\d)62|(?<!\d)0)[\s-]?8\d{7,11}(?!\d)")

_bound: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "perisai_request_id", default=None
)


def request_id() -> str | None:
    """The id of the current request (made on first use), else the one bound outside a
    request, else None."""
    if has_request_context():
        current = g.get("request_id")
        if current is None:
            current = g.request_id = accepted(request.headers.get(HEADER)) or new_id()
        return current
    return _bound.get()


def accepted(value: str | None) -> str | None:
    """`value` when it may serve as a request id, else None."""
    if value and _WELL_FORMED.fullmatch(value) and not PERSONAL.search(value):
        return value
    return None


def new_id() -> str:
    """32 hex digits that never read as a NIK or a phone number."""
    while PERSONAL.search(value := uuid.uuid4().hex):
        pass
    return value


@contextmanager
def bound(value: str | None):
    """Outside a request: log lines written inside carry `value` (a fresh id if None)."""
    token = _bound.set(accepted(value) or new_id())
    try:
        yield _bound.get()
    finally:
        _bound.reset(token)


def bind(value: str | None) -> contextvars.Token:
    """`bound` for a start and an end apart (Celery's prerun and postrun signals)."""
    return _bound.set(accepted(value) or new_id())


def unbind(token: contextvars.Token) -> None:
    _bound.reset(token)
