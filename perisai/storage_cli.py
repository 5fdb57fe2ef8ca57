"""`flask --app wsgi storage …`: check the file storage, and move in the files kept before it.

Before the shared file storage (`perisai.storage`), photos lay in `PHOTO_STORE`
(`<worker_id>/<kind>.jpg`) and import uploads in the instance folder, named by an absolute path
in their job. Both are still read where they lie, but only on that machine: `storage migrate`
copies them into the storage (photos to `photos/<worker_id>/<kind>.jpg`, the files of unfinished
import jobs to `imports/<sha256>.<ext>`, the job then naming that key). It is safe to run twice;
`--remove` deletes each old file once its copy is stored.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.operations import record_cli
from perisai.errors import DomainError
from perisai.extensions import db
from perisai.i18n import t
from perisai.imports.files import is_legacy, upload_key
from perisai.imports.models import ImportJob
from perisai.storage import Storage, storage
from perisai.workers.models import PHOTO_KINDS
from perisai.workers.photos import photo_key

storage_cli = AppGroup("storage", help="File storage (photos, uploads, generated files).")


def migrate_photos(store: Storage, photo_store: str | None, *, remove: bool = False) -> int:
    """Copy the old folder's photos in (those not stored yet); returns how many were copied."""
    if not photo_store or not os.path.isdir(photo_store):
        return 0
    copied = 0
    for folder in sorted(Path(photo_store).iterdir()):
        try:
            worker_id = uuid.UUID(folder.name)
        except ValueError:
            continue  # not a participant's folder
        for kind in PHOTO_KINDS:
            old = folder / f"{kind}.jpg"
            if not old.is_file():
                continue
            key = photo_key(worker_id, kind)
            if not store.exists(key):
                with open(old, "rb") as handle:
                    store.put(key, handle, content_type="image/jpeg")
                copied += 1
            if remove and store.size(key) == old.stat().st_size:
                old.unlink()
        if remove and not any(folder.iterdir()):
            folder.rmdir()
    return copied


def migrate_imports(session: Session, store: Storage, *, remove: bool = False) -> list:
    """Copy in the files of unfinished jobs that name an old path; returns the jobs moved."""
    jobs = session.scalars(select(ImportJob).where(ImportJob.state != "done")).all()
    moved = []
    for job in jobs:
        if not is_legacy(job.file_path) or not os.path.isfile(job.file_path):
            continue
        old = job.file_path
        key = upload_key(job.file_sha256, os.path.splitext(old)[1] or ".csv")
        with open(old, "rb") as handle:
            store.put(key, handle)
        for other in jobs:  # every job that names this file now names its key
            if other.file_path == old:
                other.file_path = key
                moved.append(other.id)
        if remove:
            os.remove(old)
    return moved


@storage_cli.command("check")
def check_command():
    """Check that the file storage answers (and where it is)."""
    try:
        storage().check()
    except DomainError as error:
        raise click.ClickException(t(error.message)) from error
    click.echo(f"OK: {storage().url}")


@storage_cli.command("migrate")
@click.option("--remove", is_flag=True, help="delete each old file once its copy is stored")
def migrate_command(remove):
    """Copy photos (PHOTO_STORE) and unfinished imports' files from before into the storage."""
    store = storage()
    try:
        photos = migrate_photos(store, current_app.config.get("PHOTO_STORE"), remove=remove)
        jobs = migrate_imports(db.session, store, remove=remove)
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(t(error.message)) from error
    record_cli(db.session, [("update", "import", job_id) for job_id in jobs])
    db.session.commit()
    click.echo(f"Dipindahkan / moved to {store.url}: {photos} photos, {len(jobs)} import jobs")
