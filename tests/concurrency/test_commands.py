"""SQLite: a CLI command, and a thread outside any request, that read and then write wait for
the write lock another connection holds (busy_timeout) instead of failing at once with
`database is locked`: their transactions take the lock when they begin."""

from __future__ import annotations

import threading

import pytest
from flask_migrate import upgrade
from sqlalchemy import select

from perisai import create_app
from perisai.agents.operations import find_branch
from perisai.auth.models import User
from perisai.auth.operations import create_user
from perisai.extensions import db as _db
from tests import factories
from tests.concurrency.helpers import write_lock_held
from tests.conftest import own_database_url


@pytest.fixture
def file_app(app, tmp_path):
    if app.config["BACKEND"] != "sqlite":
        pytest.skip("SQLite's one write lock; PostgreSQL locks rows")
    url = own_database_url("sqlite", tmp_path, "commands")
    file_app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "c"})
    with file_app.app_context():
        upgrade()
        factories.make_regions(_db.session)
        branch_code = factories.make_branch(_db.session).code
        _db.session.commit()
        _db.session.remove()
    yield file_app, url, branch_code
    with file_app.app_context():
        _db.engine.dispose()


def _usernames(file_app) -> list[str]:
    with file_app.app_context():
        names = list(_db.session.scalars(select(User.username)))
        _db.session.remove()
    return names


def test_a_command_that_reads_then_writes_waits_for_the_write_lock(file_app):
    app, url, branch_code = file_app
    command = ["perisai", "create-user", "kepala", "--role", "supervisor"]
    command += ["--branch-code", branch_code, "--password", factories.PASSWORD]
    with write_lock_held(url, 1.0):
        result = app.test_cli_runner().invoke(args=command)
    assert result.exit_code == 0, (result.output, result.exception)
    assert _usernames(app) == ["kepala"]


def test_a_thread_that_reads_then_writes_waits_for_the_write_lock(file_app):
    app, url, branch_code = file_app
    failures = []

    def work():
        with app.app_context():
            try:
                branch = find_branch(_db.session, branch_code)
                create_user(
                    _db.session,
                    username="kepala",
                    password="x" * 12,
                    role="supervisor",
                    branch=branch,
                )
                _db.session.commit()
            except Exception as error:  # noqa: BLE001 - handed to the test
                failures.append(error)
            finally:
                _db.session.remove()

    with write_lock_held(url, 1.0):
        thread = threading.Thread(target=work)
        thread.start()
        thread.join(timeout=60)
    assert failures == []
    assert _usernames(app) == ["kepala"]
