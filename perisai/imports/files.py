"""Where an import's uploaded list lives: the shared file storage, so that any server or worker
can run the job (key `imports/<sha256>.<csv|xlsx>`, kept in the job's `file_path`).

A job created before the shared storage names an absolute path on the server that received it;
such a file is still read and removed there (`flask --app wsgi storage migrate` copies it in).
A CSV is streamed from the store as the runner reads it; an XLSX, which openpyxl must seek in,
is copied to a temporary file for the run (a local store's file is read where it lies).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager

from perisai.imports import reader
from perisai.storage import LocalStorage, storage

_BLOCK = 1024 * 1024


def upload_key(sha256: str, suffix: str) -> str:
    return f"imports/{sha256}{suffix}"


def is_legacy(file_path: str) -> bool:
    return os.path.isabs(file_path)


def keep(key: str, local_path: str) -> None:
    """Copy a received upload into the storage (streamed: never held in memory)."""
    with open(local_path, "rb") as handle:
        storage().put(key, handle, content_type="application/octet-stream")


@contextmanager
def local_file(file_path: str) -> Iterator[str]:
    """A path on this machine holding the job's file, for as long as the block runs."""
    store = storage()
    if is_legacy(file_path):
        yield file_path
    elif isinstance(store, LocalStorage):
        yield str(store.path(file_path))
    else:
        suffix = os.path.splitext(file_path)[1]
        with tempfile.NamedTemporaryFile(prefix="perisai-import-", suffix=suffix) as copy:
            with store.open(file_path) as stream:
                shutil.copyfileobj(stream, copy, _BLOCK)
            copy.flush()
            yield copy.name


@contextmanager
def open_rows(file_path: str, file_format: str, dialect: dict | None) -> Iterator:
    """The job's (row_number, cells), wherever its file lives."""
    if file_format == "csv" and dialect and not is_legacy(file_path):
        with storage().open(file_path) as stream, reader.stream_csv_rows(stream, dialect) as rows:
            yield rows
        return
    with local_file(file_path) as path, reader.open_rows(path, file_format, dialect) as rows:
        yield rows


def remove(file_path: str) -> None:
    """Drop the file (it holds personal data); nothing happens when it is already gone."""
    if is_legacy(file_path):
        with contextlib.suppress(FileNotFoundError):
            os.remove(file_path)
    else:
        storage().delete(file_path)
