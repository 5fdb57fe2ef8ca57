"""The PWA's files on disk and their version: a hash of their contents.

No build step: index.html and sw.js are served with the version substituted, so every other
file is addressed as /app/v/<version>/… and can be cached for a year, while the service worker
precaches exactly the files of its own version.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

FRONTEND_DIR = Path(__file__).resolve().parent.parent.parent / "frontend"
# Served under /app/v/<version>/ and precached by the service worker.
VERSIONED_DIRS = ("js", "css")
# Served at the root of /app/ (no version in the address, revalidated on every use).
ROOT_FILES = ("index.html", "sw.js", "manifest.webmanifest")

CONTENT_TYPES = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
}


@dataclass(frozen=True)
class Bundle:
    root: Path
    version: str
    versioned: tuple[str, ...]  # relative paths under VERSIONED_DIRS
    icons: tuple[str, ...]


_cache: dict[Path, tuple[float, Bundle]] = {}


def bundle(root: Path = FRONTEND_DIR) -> Bundle:
    """The current bundle; recomputed only when a file changed (cheap stat of ~30 files)."""
    files = sorted(_files(root))
    stamp = max((os.stat(root / f).st_mtime_ns for f in files), default=0) + len(files)
    cached = _cache.get(root)
    if cached and cached[0] == stamp:
        return cached[1]
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\0" + (root / name).read_bytes())
    result = Bundle(
        root=root,
        version=digest.hexdigest()[:12],
        versioned=tuple(f for f in files if f.split("/")[0] in VERSIONED_DIRS),
        icons=tuple(f for f in files if f.startswith("icons/")),
    )
    _cache[root] = (stamp, result)
    return result


def _files(root: Path):
    for directory in (*VERSIONED_DIRS, "icons"):
        for path in (root / directory).rglob("*"):
            if path.is_file():
                yield path.relative_to(root).as_posix()
    for name in ROOT_FILES:
        if (root / name).is_file():
            yield name


def content_type(name: str) -> str:
    return CONTENT_TYPES.get(os.path.splitext(name)[1], "application/octet-stream")
