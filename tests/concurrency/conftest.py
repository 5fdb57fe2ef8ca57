"""Fixtures: a real gunicorn server per backend (tests.concurrency.helpers)."""

import pytest

from perisai import clock
from tests.concurrency.helpers import DAY, gunicorn_server


@pytest.fixture(scope="package")
def live(app, tmp_path_factory):
    """One server for the package, on the backend under test."""
    backend = app.config["BACKEND"]
    with (
        clock.travel(DAY),
        gunicorn_server(backend, tmp_path_factory.mktemp("live"), "live") as live,
    ):
        yield live


@pytest.fixture(scope="package")
def short_wait(app, tmp_path_factory):
    """A server on SQLite whose writers wait 0.5 s for the write lock (not 30 s), so a test can
    hold the lock longer than that and see what a request does then."""
    if app.config["BACKEND"] != "sqlite":
        pytest.skip("SQLite's one write lock; PostgreSQL locks rows")
    with (
        clock.travel(DAY),
        gunicorn_server(
            "sqlite", tmp_path_factory.mktemp("short"), "short", query="?timeout=0.5"
        ) as live,
    ):
        yield live
