"""Backup and restore of everything the service keeps: the database and the file storage.

A backup is one folder: `database.dump` (pg_dump custom format) or `database.sqlite3` (SQLite's
online backup API, consistent while the app runs), `objects/` with every object of the file
storage (`perisai.storage`, local folder or S3 alike) under its key and `objects.jsonl` listing
them (key, size, SHA-256), `photos.tar.gz` with the photos still in the old folder
(`PHOTO_STORE`, before `flask storage migrate`), and `manifest.json` with the Alembic revision,
row counts and object count, which restore checks afterwards.
"""

from __future__ import annotations

import hashlib
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
from perisai.storage import Storage, check_key

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


def backup(engine: Engine, store: Storage, target: str, photo_store: str | None = None) -> dict:
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
    objects = copy_objects_out(store, folder)
    with tarfile.open(folder / "photos.tar.gz", "w:gz") as archive:
        if photo_store and os.path.isdir(photo_store):
            archive.add(photo_store, arcname="photos")
    with engine.connect() as conn:
        revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
    manifest = {
        "created_at": clock.now().isoformat(),
        "dialect": engine.dialect.name,
        "revision": revision,
        "rows": row_counts(engine),
        "objects": objects,
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(engine: Engine, store: Storage, source: str, photo_store: str | None = None) -> dict:
    """Replace the database and the file storage with the backup's, then check the row counts
    and the objects."""
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
    if "objects" in manifest:  # a backup from before the file storage has none
        copy_objects_in(store, folder, manifest["objects"])
    if photo_store:
        _restore_old_photos(folder, photo_store)
    counts = row_counts(engine)
    if counts != manifest["rows"]:
        raise RuntimeError(f"restored rows {counts} differ from the backup's {manifest['rows']}")
    return manifest


def _restore_old_photos(folder: Path, photo_store: str) -> None:
    if os.path.isdir(photo_store):
        shutil.rmtree(photo_store)
    if not (folder / "photos.tar.gz").is_file():
        return
    with tarfile.open(folder / "photos.tar.gz") as archive:
        archive.extractall(Path(photo_store).parent / ".restore-tmp", filter="data")
    restored = Path(photo_store).parent / ".restore-tmp" / "photos"
    if restored.is_dir():
        shutil.move(str(restored), photo_store)
    shutil.rmtree(Path(photo_store).parent / ".restore-tmp", ignore_errors=True)


_BLOCK = 1024 * 1024


def copy_objects_out(store: Storage, folder: Path) -> dict:
    """Every object of the store into folder/objects/<key>, listed in objects.jsonl."""
    count = size = 0
    with open(folder / "objects.jsonl", "w", encoding="utf-8") as listing:
        for key in store.list():
            path = folder / "objects" / check_key(key)
            path.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            with store.open(key) as stream, open(path, "wb") as out:
                while block := stream.read(_BLOCK):
                    digest.update(block)
                    out.write(block)
            item = {"key": key, "size": path.stat().st_size, "sha256": digest.hexdigest()}
            listing.write(json.dumps(item) + "\n")
            count, size = count + 1, size + item["size"]
    return {"store": store.url, "count": count, "bytes": size, "listing": "objects.jsonl"}


def copy_objects_in(store: Storage, folder: Path, summary: dict) -> None:
    """The backup's objects into the store, which then holds those and no others."""
    wanted = {}
    with open(folder / summary["listing"], encoding="utf-8") as listing:
        for line in listing:
            item = json.loads(line)
            path = folder / "objects" / check_key(item["key"])
            digest = hashlib.sha256()
            with open(path, "rb") as handle:
                while block := handle.read(_BLOCK):
                    digest.update(block)
            if digest.hexdigest() != item["sha256"]:
                raise RuntimeError(f"backup object {item['key']} is damaged (SHA-256 differs)")
            with open(path, "rb") as handle:
                store.put(item["key"], handle)
            wanted[item["key"]] = item["size"]
    for key in store.list():
        if key not in wanted:
            store.delete(key)
    found = {key: store.size(key) for key in store.list()}
    if found != wanted or len(found) != summary["count"]:
        raise RuntimeError(f"restored {len(found)} objects, the backup has {summary['count']}")
