"""An upload's way in, shared by the API and the import pages: the file received into a
temporary file (hashed on the way), checked there, kept in the shared file storage by
`operations.submit_import`, then its job run (or started in the background) and answered."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app

from perisai.extensions import db
from perisai.imports import files, operations, reader, runner, tasks
from perisai.imports.models import RUNNING, ImportJob
from perisai.jobs.app import uses_workers


@contextmanager
def receive(file_storage) -> Iterator[operations.Upload]:
    """The upload as a temporary file for the block (`with receive(f) as upload:`), removed
    after it: the storage keeps the copy a runner reads, on whatever machine it runs."""
    name = file_storage.filename or "upload"
    suffix = ".xlsx" if name.lower().endswith((".xlsx", ".xlsm")) else ".csv"
    folder = tempfile.mkdtemp(prefix="perisai-upload-")
    try:
        path, sha, size = reader.save_upload(file_storage.stream, folder, suffix)
        yield operations.Upload(
            filename=name, path=path, sha256=sha, size=size, key=files.upload_key(sha, suffix)
        )
    finally:
        with contextlib.suppress(FileNotFoundError):
            for entry in os.listdir(folder):
                os.remove(os.path.join(folder, entry))
            os.rmdir(folder)


def start_and_answer(job: ImportJob, created: bool):
    """Run (or start) a queued job; 201 new and finished, 202 still running, 200 otherwise."""
    if job.state == "queued" and uses_workers() and not runner.runs_inline(current_app, job):
        tasks.queue_import(job)  # stays queued until a worker takes it (API.md)
    elif job.state == "queued":
        runner.start(current_app, db.session, job)
        db.session.refresh(job)
    status = 202 if job.state in RUNNING and not job.error else (201 if created else 200)
    return job, status
