"""Fixtures: one app per database backend, a rolled-back transaction per test, clients per role.

Every test runs on SQLite; when PERISAI_TEST_DATABASE_URL is set it runs on PostgreSQL too.
The schema is built by the real Alembic migrations, so every run also tests them.

The clock (perisai.clock): a test marked `@pytest.mark.today("2026-06-15")` runs at that date
(10:00 WIB, ticking on; a full ISO timestamp works too); any other test runs at
PERISAI_TEST_TODAY (YYYY-MM-DD) when that is set, else at the real date. The clock is put back
after every test. Child processes get the moved clock with `clock.child_environment()`.
"""

from __future__ import annotations

import contextvars
import os
import tempfile
from datetime import date

import pytest
from argon2 import PasswordHasher
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSession
from sqlalchemy import create_engine, text

from perisai import clock, create_app, ratelimits
from perisai.auth import operations as auth_operations
from perisai.config import normalise_database_url
from perisai.extensions import db as _db
from tests import factories
from tests.log_scan import LogScan

# Production-strength argon2 costs ~50 ms a hash; tests hash hundreds of passwords.
auth_operations._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)

TODAY_VARIABLE = "PERISAI_TEST_TODAY"


def pytest_configure(config):
    # No NIK, phone or name in any log line of the run (tests/log_scan.py).
    config.pluginmanager.register(LogScan(), "perisai-log-scan")
    if value := os.environ.get(TODAY_VARIABLE):
        try:
            date.fromisoformat(value)
        except ValueError:
            raise pytest.UsageError(f"{TODAY_VARIABLE}={value!r}: expected YYYY-MM-DD") from None


@pytest.fixture(autouse=True)
def _clock(request):
    """The test's date: its `today` marker, else PERISAI_TEST_TODAY, else the real one. First
    of the test's fixtures, so the rows they make are dated that day too."""
    marker = request.node.get_closest_marker("today")
    moment = marker.args[0] if marker is not None else os.environ.get(TODAY_VARIABLE)
    with clock.kept():
        if moment:
            clock.set_now(moment)
        yield


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """Every test starts with no request counted by the in-memory rate limits."""
    ratelimits.reset_memory_limits()


BACKENDS = ["sqlite"] + (["postgresql"] if os.environ.get("PERISAI_TEST_DATABASE_URL") else [])


def database_url(backend: str, tmpdir: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmpdir}/test.sqlite3"
    return normalise_database_url(os.environ["PERISAI_TEST_DATABASE_URL"])


def own_database_url(backend: str, tmpdir, suffix: str) -> str:
    """A fresh, empty database of the backend under test, beside the test database, for code
    that must commit for real (live servers, subprocesses, pg_dump, fuzzing)."""
    if backend == "sqlite":
        return f"sqlite:///{tmpdir}/{suffix}.sqlite3"
    server, _, name = normalise_database_url(os.environ["PERISAI_TEST_DATABASE_URL"]).rpartition(
        "/"
    )
    own = f"{name.split('?')[0]}_{suffix}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{own}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{own}"'))
    admin.dispose()
    return f"{server}/{own}"


def reset_database(app) -> None:
    """Empty the database completely, then migrate from nothing to head."""
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
        _db.engine.dispose()


class FreshContextClient(FlaskClient):
    """Each request gets its own app context (own `g`, own session), as on a real server,
    even though the test itself holds an app context open to use `db.session`."""

    def open(self, *args, **kwargs):
        def isolated():
            _cv_app.set(None)
            return super(FreshContextClient, self).open(*args, **kwargs)

        return contextvars.copy_context().run(isolated)


@pytest.fixture(scope="session", params=BACKENDS)
def app(request):
    with tempfile.TemporaryDirectory() as tmpdir:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "test-secret",
                "SQLALCHEMY_DATABASE_URI": database_url(request.param, tmpdir),
                "PHOTO_STORE": os.path.join(tmpdir, "photos"),
                "STORAGE_URL": "file://" + os.path.join(tmpdir, "files"),
                "BASE_URL": "http://perisai.test",
            }
        )
        app.config["BACKEND"] = request.param
        app.test_client_class = FreshContextClient
        reset_database(app)
        yield app
        with app.app_context():
            _db.engine.dispose()


class BoundSession(FlaskSession):
    """Flask-SQLAlchemy's session routes every query to the engine; this one stays on the
    test's connection, so everything a test does is rolled back."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@pytest.fixture
def db(app):
    """A session inside a transaction that is rolled back after the test.

    Code under test may commit: commits become savepoint releases inside the outer transaction.
    """
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        _db.session.remove()
        original = _db.session
        _db.session = _db._make_scoped_session(
            {
                "bind": connection,
                "join_transaction_mode": "create_savepoint",
                "class_": BoundSession,
            }
        )
        try:
            yield _db
        finally:
            _db.session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def org(db):
    """Two branches; branch A has two Wadah with an agent each, branch B one agent."""
    return factories.make_org(db.session)


class ApiClient:
    """A logged-in test client that adds the CSRF header to writes."""

    def __init__(self, client, csrf_token: str, user: dict):
        self.client, self.csrf_token, self.user = client, csrf_token, user

    def _call(self, method, url, **kwargs):
        headers = kwargs.pop("headers", {})
        if method != "get":
            headers.setdefault("X-CSRF-Token", self.csrf_token)
        return getattr(self.client, method)(url, headers=headers, **kwargs)

    def get(self, url, **kw):
        return self._call("get", url, **kw)

    def post(self, url, **kw):
        return self._call("post", url, **kw)

    def put(self, url, **kw):
        return self._call("put", url, **kw)

    def patch(self, url, **kw):
        return self._call("patch", url, **kw)

    def delete(self, url, **kw):
        return self._call("delete", url, **kw)


def login(app, username: str, password: str = factories.PASSWORD) -> ApiClient:
    client = app.test_client()
    response = client.post("/api/v1/auth/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    return ApiClient(client, body["csrf_token"], body["user"])


@pytest.fixture
def as_agent(app, org):
    return login(app, org.agent_user.username)


@pytest.fixture
def as_agent2(app, org):
    return login(app, org.agent2_user.username)


@pytest.fixture
def as_other_branch_agent(app, org):
    return login(app, org.other_agent_user.username)


@pytest.fixture
def as_supervisor(app, org):
    return login(app, org.supervisor_user.username)


@pytest.fixture
def as_other_supervisor(app, org):
    return login(app, org.other_supervisor_user.username)


@pytest.fixture
def as_admin(app, org):
    return login(app, org.admin_user.username)
