"""Migrations: empty → head on each backend (the app fixture does it), and no drift from models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from perisai.db import include_object_for
from perisai.extensions import db as _db


def test_models_and_migrations_agree(app, db):
    with _db.engine.connect() as connection:
        only_here = include_object_for(connection.dialect.name)  # e.g. PostgreSQL-only indexes
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": only_here}
        )
        diff = compare_metadata(context, _db.metadata)
    assert diff == []


def test_downgrade_to_base_and_back(tmp_path):
    from flask_migrate import downgrade, upgrade

    from perisai import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/m.sqlite3"})
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
        assert "users" in _db.inspect(_db.engine).get_table_names()
