"""SQLite, the embedded default, has one writer at a time: writers queue for the write lock.

A deferred transaction (plain `BEGIN`) that has read and then writes must upgrade its read
snapshot to the write lock. While another connection holds that lock, or has committed since the
snapshot was taken, SQLite refuses at once with `database is locked`: busy_timeout does not
apply to an upgrade. A transaction that takes the write lock when it begins (`BEGIN IMMEDIATE`)
waits for it instead (busy_timeout), so writers queue rather than fail. Hence, on SQLite:

- in a CLI command (`flask --app wsgi …`: the background import runner, month close,
  migrations, demo), in a thread other than the main one, and inside `immediate()`, every
  transaction begins IMMEDIATE (the in-process import runner runs inside its POST request).
  Only the main thread of a script, a shell or a test, outside a command, begins deferred as
  SQLite does by default: a session it leaves open after reading must not hold the write lock
  (and so stop the service's writers); such code that writes uses `immediate()`;
- a request that may write (POST, PUT, PATCH, DELETE) begins IMMEDIATE from its first statement,
  so its reads and its writes see one state and it never upgrades;
- a GET, HEAD or OPTIONS reads in a deferred transaction: with WAL, readers never wait for
  writers nor writers for readers. Should such a request write after all (a rollup refresh, a
  rate counter, a session record), the write is refused before SQLite sees it and the request
  runs again from the start, this time IMMEDIATE: a read snapshot is never upgraded;
- what is written after the view (the audit row) is written in its own IMMEDIATE transaction
  (`immediate()`);
- a lock still not granted after busy_timeout makes the whole request run again, a few times
  with a growing pause, before it is answered 503 with Retry-After (a busy database is not a
  lost one, and never a 500).

PostgreSQL is left alone: its transactions lock rows, not the database.
"""

from __future__ import annotations

import logging
import random
import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

import click
from flask import has_request_context, request
from sqlalchemy.exc import OperationalError

from perisai.extensions import db

log = logging.getLogger(__name__)

READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
REQUEST_ATTEMPTS = 4  # the first run and three more after a lock timed out
_DEFERRED = "perisai_deferred"  # connection.info key: the open transaction began deferred
_WRITE_STATEMENT = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.I)
_SQLITE_BUSY, _SQLITE_LOCKED = 5, 6


class NeedsWriteLock(Exception):
    """A request that began deferred (a read) is about to write: it runs again, IMMEDIATE."""


class _RunAgain(Exception):
    """The write lock was not granted within busy_timeout: the request runs again."""


@dataclass
class _Attempt:
    deferred: bool
    may_run_again: bool
    needs_write_lock: bool = False


_attempt: ContextVar[_Attempt | None] = ContextVar("perisai_request_attempt", default=None)
_forced_immediate: ContextVar[bool] = ContextVar("perisai_forced_immediate", default=False)


# --- the engine events (registered in perisai.security) --------------------------------------


def begin_statement(conn) -> str:
    """`BEGIN IMMEDIATE`, or `BEGIN` for a read (see above); noted on the connection."""
    attempt = _attempt.get()
    if _forced_immediate.get():
        deferred = False
    elif attempt is not None:
        deferred = attempt.deferred
    elif has_request_context():  # after the view: a streamed body, a teardown
        deferred = request.method in READ_METHODS
    else:
        in_command = click.get_current_context(silent=True) is not None
        deferred = not in_command and threading.current_thread() is threading.main_thread()
    conn.info[_DEFERRED] = deferred and attempt is not None
    return "BEGIN" if deferred else "BEGIN IMMEDIATE"


def refuse_write_in_deferred(conn, statement: str, context) -> None:
    """Before a statement runs: a write in a deferred transaction starts the request over."""
    if not conn.info.get(_DEFERRED):
        return
    writes = context is not None and (context.isinsert or context.isupdate or context.isdelete)
    if writes or _WRITE_STATEMENT.match(statement):
        attempt = _attempt.get()
        if attempt is not None:
            attempt.needs_write_lock = True  # even if some code swallows the exception
        raise NeedsWriteLock(statement.split(None, 1)[0])


# --- requests ----------------------------------------------------------------------------------


@contextmanager
def immediate():
    """Transactions begun inside take the write lock at once (e.g. a read request's audit row).
    End the request's transaction first (commit or rollback): one begun already stays as is."""
    token = _forced_immediate.set(True)
    try:
        yield
    finally:
        _forced_immediate.reset(token)


def will_run_again() -> bool:
    """True when this run of the request is void and the request runs again (record nothing)."""
    attempt = _attempt.get()
    return attempt is not None and attempt.needs_write_lock


def is_lock_timeout(error: BaseException) -> bool:
    """SQLite's `database is locked` (SQLITE_BUSY/SQLITE_LOCKED and their extended codes)."""
    original = getattr(error, "orig", error)
    if not isinstance(original, sqlite3.OperationalError):
        return False
    code = getattr(original, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_BUSY, _SQLITE_LOCKED)
    return "locked" in str(original)


def pause(attempt: int) -> None:
    """A growing pause with jitter, so that retrying writers do not arrive together again."""
    time.sleep(0.05 * 2**attempt * (1 + random.random()))  # noqa: S311 - jitter, not secrets


def init_app(app) -> None:
    """On SQLite, run each request under the rules above; on PostgreSQL change nothing."""
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        return
    full_dispatch_request = app.full_dispatch_request
    handle_user_exception = app.handle_user_exception

    def handle_user_exception_or_run_again(error):
        attempt = _attempt.get()
        may_run_again = attempt is not None and attempt.may_run_again
        if may_run_again and isinstance(error, OperationalError) and is_lock_timeout(error):
            raise _RunAgain from error
        return handle_user_exception(error)

    def start_over() -> None:
        db.session.rollback()
        for upload in request.files.values():  # a view that read an upload reads it again
            upload.stream.seek(0)

    def dispatch_with_write_lock_rules():
        deferred = request.method in READ_METHODS
        for number in range(REQUEST_ATTEMPTS):
            last = number == REQUEST_ATTEMPTS - 1
            # The last run is IMMEDIATE and answers a lock timeout itself (503).
            attempt = _Attempt(deferred=deferred and not last, may_run_again=not last)
            token = _attempt.set(attempt)
            try:
                response = full_dispatch_request()
            except NeedsWriteLock as write:
                log.debug("%s %s writes (%s): run again", request.method, request.path, write)
                start_over()
                deferred = False
                continue
            except (_RunAgain, OperationalError) as error:
                cause = error.__cause__ if isinstance(error, _RunAgain) else error
                if not is_lock_timeout(cause):
                    raise
                if last:  # raised after the view (an after-request hook): 503, not 500
                    return app.finalize_request(handle_user_exception(cause), True)
                log.warning("database locked (%s %s): run again", request.method, request.path)
                start_over()
                pause(number)
                continue
            finally:
                _attempt.reset(token)
            if attempt.needs_write_lock:  # some code caught NeedsWriteLock: this run is void
                start_over()
                deferred = False
                continue
            return response
        return full_dispatch_request()  # pragma: no cover - the last run always returns

    app.handle_user_exception = handle_user_exception_or_run_again
    app.full_dispatch_request = dispatch_with_write_lock_rules
