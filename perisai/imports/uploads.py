"""An upload's way in, shared by the API and the import pages: the file stored under the
instance folder, then its job run (or started in the background) and answered."""

from __future__ import annotations

import os

from flask import current_app

from perisai.extensions import db
from perisai.imports import operations, reader, runner
from perisai.imports.models import RUNNING, ImportJob


def store_dir() -> str:
    return current_app.config.get("IMPORT_STORE") or os.path.join(
        current_app.instance_path, "imports"
    )


def save_upload(file_storage) -> operations.Upload:
    name = file_storage.filename or "upload"
    suffix = ".xlsx" if name.lower().endswith((".xlsx", ".xlsm")) else ".csv"
    path, sha, size = reader.save_upload(file_storage.stream, store_dir(), suffix)
    return operations.Upload(filename=name, path=path, sha256=sha, size=size)


def start_and_answer(job: ImportJob, created: bool):
    """Run (or start) a queued job; 201 new and finished, 202 still running, 200 otherwise."""
    if job.state == "queued":
        runner.start(current_app, db.session, job)
        db.session.refresh(job)
    status = 202 if job.state in RUNNING and not job.error else (201 if created else 200)
    return job, status
