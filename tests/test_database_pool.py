"""PERISAI_DATABASE_POOL=pgbouncer: the engine options for PgBouncer in transaction mode."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import create_engine, text

from perisai import create_app
from perisai.config import normalise_database_url


def test_pgbouncer_turns_off_server_side_prepared_statements(monkeypatch):
    monkeypatch.setenv("PERISAI_DATABASE_URL", "postgresql://u@h:6432/d")
    monkeypatch.setenv("PERISAI_DATABASE_POOL", "pgbouncer")
    options = create_app({"TESTING": True}).config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["connect_args"] == {"prepare_threshold": None}
    assert options["pool_pre_ping"] is True  # the defaults are kept beside it


@pytest.mark.skipif(
    not os.environ.get("PERISAI_TEST_DATABASE_URL"), reason="needs PERISAI_TEST_DATABASE_URL"
)
@pytest.mark.parametrize("pool, prepared", [("direct", True), ("pgbouncer", False)])
def test_no_statement_is_prepared_on_the_server_behind_pgbouncer(monkeypatch, pool, prepared):
    """psycopg prepares a query on the server after 5 runs on one connection; behind
    transaction pooling the next transaction may run on a server connection that never saw it
    ("prepared statement does not exist"), so with `pgbouncer` none is made."""
    server = normalise_database_url(os.environ["PERISAI_TEST_DATABASE_URL"]).rsplit("/", 1)[0]
    monkeypatch.setenv("PERISAI_DATABASE_URL", server + "/postgres")  # reads only
    monkeypatch.setenv("PERISAI_DATABASE_POOL", pool)
    app = create_app({"TESTING": True})
    engine = create_engine(server + "/postgres", **app.config["SQLALCHEMY_ENGINE_OPTIONS"])
    with engine.connect() as conn:
        for _ in range(8):
            conn.execute(text("SELECT 1 WHERE 1 = :one"), {"one": 1})
        made = conn.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
    engine.dispose()
    assert (made > 0) is prepared


def test_direct_is_the_default_and_changes_nothing(monkeypatch):
    monkeypatch.delenv("PERISAI_DATABASE_POOL", raising=False)
    assert "connect_args" not in create_app({"TESTING": True}).config["SQLALCHEMY_ENGINE_OPTIONS"]
    monkeypatch.setenv("PERISAI_DATABASE_POOL", "direct")
    assert "connect_args" not in create_app({"TESTING": True}).config["SQLALCHEMY_ENGINE_OPTIONS"]


def test_an_unknown_pool_is_refused(monkeypatch):
    monkeypatch.setenv("PERISAI_DATABASE_POOL", "pgpool")
    with pytest.raises(RuntimeError, match="must be one of direct, pgbouncer"):
        create_app({"TESTING": True})
