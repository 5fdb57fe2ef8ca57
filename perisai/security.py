"""Request-wide guards: session loading, CSRF, security headers, SQLite connection settings."""

from __future__ import annotations

import sqlite3

from flask import request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from perisai import transactions
from perisai.auth import operations as auth
from perisai.auth.permissions import check_agent_active, check_csrf
from perisai.errors import Unauthenticated, UnsupportedBody
from perisai.extensions import db, login_manager


def init_app(app):
    @login_manager.user_loader
    def load_user(session_id: str):
        # The cookie carries a server-side session's id (perisai.auth.models.UserSession): one
        # primary-key read, and a logout on any server ends it on all of them.
        fresh = not db.session().in_transaction()
        record = auth.live_session(db.session, session_id)
        if record is None:
            return None
        # Extending the expiry is committed at once, so only when it is the request's first work.
        if fresh and auth.touch_session(record, lifetime=app.permanent_session_lifetime):
            db.session.commit()
        return record.user

    @login_manager.unauthorized_handler
    def unauthorized():
        raise Unauthenticated()

    app.before_request(check_csrf)
    app.before_request(check_agent_active)
    app.before_request(refuse_form_bodies_on_the_api)

    @app.after_request
    def headers(response):
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; "
            "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        if request.is_secure:
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


# The API speaks JSON; uploads come as images (photos) or multipart (imports).
_API_BODY_TYPES = ("application/json", "multipart/form-data", "image/", "text/csv")


def refuse_form_bodies_on_the_api():
    """415 for a body the API cannot mean (a form post, plain text) instead of a vague 422."""
    if request.method in ("GET", "HEAD", "OPTIONS", "DELETE") or not request.path.startswith(
        "/api/"
    ):
        return
    content_type = (request.mimetype or "").lower()
    if request.content_length and not content_type.startswith(_API_BODY_TYPES):
        raise UnsupportedBody()


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, connection_record):
    """pysqlite: let SQLAlchemy drive transactions (so SAVEPOINT works) and enforce FKs; WAL,
    so readers and the one writer do not wait for each other; writers wait up to 30 s for the
    write lock (a URL's `?timeout=` other than Python's default 5 s is kept)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        if cursor.execute("PRAGMA busy_timeout").fetchone()[0] == 5000:
            cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """Transactions that may write take the write lock up front (perisai.transactions)."""
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql(transactions.begin_statement(conn))


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_refuse_upgrade(conn, cursor, statement, parameters, context, executemany):
    if conn.dialect.name == "sqlite":
        transactions.refuse_write_in_deferred(conn, statement, context)
