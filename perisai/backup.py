"""Backup and restore of everything the service keeps: the database and the photo store.

A backup is one folder: `database.dump` (pg_dump custom format) or `database.sqlite3` (SQLite's
online backup API, consistent while the app runs), `photos.tar.gz`, and `manifest.json` with the
Alembic revision and row counts, which restore checks afterwards.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine

from perisai import clock

COUNTED_TABLES = ("workers", "payments", "payment_months", "users", "audit_events")


def _libpq_url(engine: Engine) -> str:
    """The URL for pg_dump/pg_restore, without the password (argv is visible in `ps`)."""
    return engine.url.set(drivername="postgresql", password=None).render_as_string()


def _libpq_env(engine: Engine) -> dict:
    password = engine.url.password
    return {**os.environ, **({"PGPASSWORD": str(password)} if password else {})}


def row_counts(engine: Engine) -> dict[str, int]:
    present = set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        return {
            t: conn.scalar(text(f"SELECT count(*) FROM {t}"))  # noqa: S608 - fixed names
            for t in COUNTED_TABLES
            if t in present
        }


def backup(engine: Engine, photo_store: str, target: str) -> dict:
    folder = Path(target)
    folder.mkdir(parents=True, exist_ok=False)
    if engine.dialect.name == "postgresql":
        subprocess.run(
            [
                "pg_dump",
                "--format=custom",
                "--no-owner",
                "--file",
                str(folder / "database.dump"),
                _libpq_url(engine),
            ],
            check=True,
            env=_libpq_env(engine),
        )
    else:
        source = sqlite3.connect(engine.url.database)
        with sqlite3.connect(folder / "database.sqlite3") as copy:
            source.backup(copy)
        source.close()
    with tarfile.open(folder / "photos.tar.gz", "w:gz") as archive:
        if os.path.isdir(photo_store):
            archive.add(photo_store, arcname="photos")
    with engine.connect() as conn:
        revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
    manifest = {
        "created_at": clock.now().isoformat(),
        "dialect": engine.dialect.name,
        "revision": revision,
        "rows": row_counts(engine),
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(engine: Engine, photo_store: str, source: str) -> dict:
    """Replace the database and photo store with the backup's, then check the row counts."""
    folder = Path(source)
    manifest = json.loads((folder / "manifest.json").read_text())
    if manifest["dialect"] != engine.dialect.name:
        raise ValueError(f"backup is {manifest['dialect']}, database is {engine.dialect.name}")
    engine.dispose()
    if engine.dialect.name == "postgresql":
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--exit-on-error",
                "--single-transaction",
                "--dbname",
                _libpq_url(engine),
                str(folder / "database.dump"),
            ],
            check=True,
            env=_libpq_env(engine),
        )
    else:
        with (
            sqlite3.connect(folder / "database.sqlite3") as backup_db,
            sqlite3.connect(engine.url.database) as live,
        ):
            backup_db.backup(live)
    if os.path.isdir(photo_store):
        shutil.rmtree(photo_store)
    with tarfile.open(folder / "photos.tar.gz") as archive:
        archive.extractall(Path(photo_store).parent / ".restore-tmp", filter="data")
    restored = Path(photo_store).parent / ".restore-tmp" / "photos"
    if restored.is_dir():
        shutil.move(str(restored), photo_store)
    shutil.rmtree(Path(photo_store).parent / ".restore-tmp", ignore_errors=True)
    counts = row_counts(engine)
    if counts != manifest["rows"]:
        raise RuntimeError(f"restored rows {counts} differ from the backup's {manifest['rows']}")
    return manifest
