"""One storage for files: photos, import uploads and generated files (card batches, statements).

`storage()` is the current app's store, chosen by `STORAGE_URL` (`PERISAI_STORAGE_URL`):
`file://<folder>` (the embedded default, `instance/files`) or `s3://<bucket>/<prefix>` with
`S3_ENDPOINT_URL` for MinIO or another S3-compatible server. Every server and worker of one
deployment points at the same store, so a file written by one is read by any other:

    from perisai.storage import storage
    storage().put("generated/cards/<job_id>.pdf", pdf_bytes, content_type="application/pdf")
    storage().get("generated/cards/<job_id>.pdf")          # bytes
    with storage().open("imports/<sha>.csv") as stream:    # a large file, block by block
        ...
    storage().exists(key); storage().size(key); storage().delete(key); storage().list("photos/")

Keys are relative paths (`photos/<worker_id>/<kind>.jpg`, `imports/<sha>.<ext>`,
`generated/...`); `..`, absolute paths and odd characters are refused (`BadKey`). Errors are
`StorageError` (503: unreachable, bad credentials, no bucket) and `ObjectMissing` (404).
"""

from __future__ import annotations

import os

from flask import current_app

from perisai.storage.base import (
    BadKey,
    ObjectMissing,
    Storage,
    StorageError,
    check_key,
)
from perisai.storage.local import LocalStorage
from perisai.storage.s3 import S3Storage

__all__ = [
    "BadKey",
    "LocalStorage",
    "ObjectMissing",
    "S3Storage",
    "Storage",
    "StorageError",
    "check_key",
    "child_environment",
    "from_config",
    "from_url",
    "storage",
]

_EXTENSION = "perisai.storage"


def from_url(url: str, *, endpoint_url: str | None = None, base: str | None = None) -> Storage:
    """The store a `file://` or `s3://` URL names; a relative folder is taken from base."""
    if url.startswith("file://"):
        folder = url[len("file://") :]
        if not os.path.isabs(folder) and base:
            folder = os.path.join(base, folder)
        return LocalStorage(folder)
    if url.startswith("s3://"):
        bucket, _, prefix = url[len("s3://") :].partition("/")
        if not bucket:
            raise ValueError(f"STORAGE_URL {url!r}: s3://<bucket>/<prefix>")
        return S3Storage(bucket, prefix, endpoint_url=endpoint_url or None)
    raise ValueError(f"STORAGE_URL {url!r}: expected file://<folder> or s3://<bucket>/<prefix>")


def from_config(config, instance_path: str | None = None) -> Storage:
    """The store an app's configuration names (a relative file:// folder is the instance's)."""
    return from_url(
        config["STORAGE_URL"], endpoint_url=config.get("S3_ENDPOINT_URL"), base=instance_path
    )


def child_environment(config, instance_path: str | None = None) -> dict[str, str]:
    """PERISAI_* variables that point a child process (a runner, a worker) at the same store."""
    url = config["STORAGE_URL"]
    if url.startswith("file://"):
        url = from_url(url, base=instance_path).url  # absolute: the child's cwd may differ
    env = {"PERISAI_STORAGE_URL": url}
    if config.get("S3_ENDPOINT_URL"):
        env["PERISAI_S3_ENDPOINT_URL"] = config["S3_ENDPOINT_URL"]
    return env


def storage() -> Storage:
    """The current app's store (made once per app; the S3 client once per process)."""
    found = current_app.extensions.get(_EXTENSION)
    if found is None or found[0] != _settings(current_app.config):
        found = (
            _settings(current_app.config),
            from_config(current_app.config, current_app.instance_path),
        )
        current_app.extensions[_EXTENSION] = found
    return found[1]


def _settings(config) -> tuple:
    return (config["STORAGE_URL"], config.get("S3_ENDPOINT_URL"))
