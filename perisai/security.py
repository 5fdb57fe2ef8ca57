"""Request-wide guards: session loading, CSRF, security headers, SQLite connection settings."""

from __future__ import annotations

import sqlite3

from flask import abort, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from perisai.auth.permissions import check_agent_active, check_csrf


def init_app(app):
    from perisai.auth.models import User
    from perisai.extensions import db, login_manager

    @login_manager.user_loader
    def load_user(session_id: str):
        # The id carries a fragment of the password hash: a password change ends old sessions.
        user_id, _, stamp = session_id.partition(":")
        user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
        if user is None or not user.is_active or _stamp(user) != stamp:
            return None
        return user

    @login_manager.unauthorized_handler
    def unauthorized():
        abort(401)

    User.get_id = lambda self: f"{self.id}:{_stamp(self)}"
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
        abort(415)


def _stamp(user) -> str:
    return user.password_hash[-10:]


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, connection_record):
    """pysqlite: let SQLAlchemy drive transactions (so SAVEPOINT works) and enforce FKs."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN")
