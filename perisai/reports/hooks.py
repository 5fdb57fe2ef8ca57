"""The reports' session hooks: importing perisai.reports.freshness registers its flush and commit
listeners, which mark the rollups a change touches stale (create_app imports this module)."""

from __future__ import annotations

from perisai.reports import freshness  # noqa: F401 - registers the stale-marking listeners


def init_app(app) -> None:
    """Nothing per app: the listeners are on SQLAlchemy's Session class, set on import."""
