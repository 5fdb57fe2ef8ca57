"""The storage interface every backend implements, its key rules and its errors.

A key is a relative path of plain segments (`photos/<worker_id>/face.jpg`, `imports/<sha>.csv`,
`generated/cards/<job_id>.pdf`): no leading `/`, no `.` or `..` segment, no backslash, no
control character. Both backends refuse any other key the same way (`BadKey`), so a key that
works on a laptop works on S3 and no key can reach outside the store.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import BinaryIO

from perisai.errors import DomainError

MAX_KEY_LENGTH = 900  # S3 allows 1024 bytes; leaves room for a prefix
_SEGMENT = re.compile(r"^[A-Za-z0-9._=+@-]+$")
TEMP_PREFIX = ".tmp-"  # the local backend's half-written files, never listed


class StorageError(DomainError):
    """The store could not be reached or refused us (credentials, bucket): 503, retry later."""

    status_code = 503


class ObjectMissing(DomainError):
    """No object under that key."""

    status_code = 404

    def __init__(self, message: str = "storage.missing", errors: dict | None = None, **kwargs):
        super().__init__(message, errors, **kwargs)


class BadKey(DomainError):
    """A key outside the rules above (`..`, absolute, odd characters): refused before any I/O."""

    status_code = 400

    def __init__(self, message: str = "storage.bad_key", errors: dict | None = None, **kwargs):
        super().__init__(message, errors, **kwargs)


def check_key(key: str) -> str:
    """The key itself when it follows the rules, else BadKey."""
    if not isinstance(key, str) or not key or len(key) > MAX_KEY_LENGTH:
        raise BadKey()
    segments = key.split("/")
    for segment in segments:
        if segment in ("", ".", "..") or not _SEGMENT.match(segment):
            raise BadKey()
    if segments[-1].startswith(TEMP_PREFIX):
        raise BadKey()
    return key


def check_prefix(prefix: str) -> str:
    """A list prefix: empty (everything), or a key or a key's beginning (`photos/`)."""
    if prefix:
        check_key(prefix.rstrip("/") or "/")
    return prefix


class Storage(ABC):
    """One place for files. Every method takes a key (see the module docstring)."""

    url: str  # where it is, without credentials (backups' manifests name it)

    @abstractmethod
    def put(self, key: str, data: bytes | BinaryIO, *, content_type: str | None = None) -> int:
        """Store bytes or a binary file object (read to its end, streamed: a large upload is
        never held in memory) under key, replacing any object there; readers see the old or
        the new object, never half of one. Returns the size in bytes."""

    @abstractmethod
    def get(self, key: str) -> bytes:
        """The whole object (small files: photos); ObjectMissing if there is none."""

    @abstractmethod
    def open(self, key: str) -> AbstractContextManager[BinaryIO]:
        """`with storage().open(key) as f:` a binary, read-only stream (not seekable on S3):
        large files are read a block at a time. ObjectMissing if there is none."""

    @abstractmethod
    def exists(self, key: str) -> bool:
        """Whether an object is stored under key."""

    @abstractmethod
    def size(self, key: str) -> int:
        """The object's size in bytes; ObjectMissing if there is none."""

    @abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; nothing happens when there is none (safe to run twice)."""

    @abstractmethod
    def list(self, prefix: str = "") -> Iterator[str]:
        """Every key that starts with prefix (`"photos/"`, `"photos/12/"`), sorted."""

    @abstractmethod
    def check(self) -> None:
        """Raise StorageError unless the store answers (readiness checks, `flask storage check`)."""

    def delete_prefix(self, prefix: str) -> int:
        """Remove every object under a folder-like prefix (`photos/12/`: a participant's photos,
        never `photos/123/`'s); returns how many."""
        if not prefix.endswith("/"):
            raise BadKey()
        keys = list(self.list(check_prefix(prefix)))
        for key in keys:
            self.delete(key)
        return len(keys)
