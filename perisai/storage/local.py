"""The local-folder backend (`file://<folder>`, the embedded default: `instance/files`).

Writes go to a temporary file beside the target and are renamed over it (atomic on POSIX), so a
reader sees the old or the new object, never half of one; keys are checked and then resolved
inside the folder, so nothing outside it is read, written or removed.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from perisai.storage.base import (
    TEMP_PREFIX,
    BadKey,
    ObjectMissing,
    Storage,
    StorageError,
    check_key,
    check_prefix,
)

_BLOCK = 1024 * 1024


class LocalStorage(Storage):
    def __init__(self, folder: str):
        self.root = Path(folder).resolve()
        self.url = "file://" + str(self.root)

    def path(self, key: str) -> Path:
        """The file that holds key (for readers that need a real file, as openpyxl does)."""
        return self._path(key)

    def _path(self, key: str) -> Path:
        path = (self.root / check_key(key)).resolve()
        if not path.is_relative_to(self.root) or path == self.root:  # a symlink out, say
            raise BadKey()
        return path

    def put(self, key: str, data: bytes | BinaryIO, *, content_type: str | None = None) -> int:
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.parent / f"{TEMP_PREFIX}{os.getpid()}-{os.urandom(6).hex()}"
            size = 0
            try:
                with open(partial, "wb") as out:
                    if isinstance(data, bytes | bytearray | memoryview):
                        size = out.write(data)
                    else:
                        while block := data.read(_BLOCK):
                            size += out.write(block)
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(partial, path)
            finally:
                with contextlib.suppress(FileNotFoundError):
                    partial.unlink()
        except OSError as error:
            raise StorageError(f"storage.unavailable|{type(error).__name__}") from error
        return size

    def get(self, key: str) -> bytes:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
            raise ObjectMissing() from error

    @contextlib.contextmanager
    def open(self, key: str) -> Iterator[BinaryIO]:
        try:
            handle = open(self._path(key), "rb")  # noqa: SIM115 - closed below
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as error:
            raise ObjectMissing() from error
        with handle:
            yield handle

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def size(self, key: str) -> int:
        path = self._path(key)
        if not path.is_file():
            raise ObjectMissing()
        return path.stat().st_size

    def delete(self, key: str) -> None:
        path = self._path(key)
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, NotADirectoryError):
            path.unlink()
        # drop the folders the object leaves empty (a participant's photos/<id>/)
        parent = path.parent
        while parent != self.root:
            try:
                parent.rmdir()
            except OSError:
                break
            parent = parent.parent

    def list(self, prefix: str = "") -> Iterator[str]:
        check_prefix(prefix)
        # walk only the folder the prefix names, not the whole store
        folder = self.root / prefix.rpartition("/")[0] if "/" in prefix else self.root
        if not folder.is_dir():
            return iter(())
        keys = []
        for directory, _dirs, files in os.walk(folder):
            for name in files:
                if name.startswith(TEMP_PREFIX):
                    continue
                key = Path(directory, name).relative_to(self.root).as_posix()
                if key.startswith(prefix):
                    keys.append(key)
        return iter(sorted(keys))

    def check(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            if not os.access(self.root, os.W_OK):
                raise StorageError("storage.unavailable|" + "not writable")
        except OSError as error:
            raise StorageError(f"storage.unavailable|{type(error).__name__}") from error
