"""First-load transfer of the PWA: HTML + JS + CSS, gzip-compressed (target ≤ 100 KB).

Counts every file the login screen loads (the shell and every ES module it imports), as served
by the app itself, each gzip-compressed at level 6 as a typical reverse proxy would.
Run: .venv/bin/python benchmarks/pwa_size.py
"""

from __future__ import annotations

import gzip
import tempfile

from perisai import create_app
from perisai.pwa.assets import bundle


def main() -> None:
    with tempfile.TemporaryDirectory() as tmpdir:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmpdir}/size.sqlite3"})
        client = app.test_client()
        current = bundle()
        urls = ["/app/", "/app/manifest.webmanifest"]
        urls += [f"/app/v/{current.version}/{name}" for name in current.versioned]
        raw = packed = 0
        rows = []
        for url in urls:
            body = client.get(url).get_data()
            size = len(gzip.compress(body, compresslevel=6))
            raw, packed = raw + len(body), packed + size
            rows.append((url.split("/", 4)[-1] if "/v/" in url else url, len(body), size))
        for name, plain, gz in sorted(rows, key=lambda r: -r[2]):
            print(f"  {name:40s} {plain:7d} B  gzip {gz:6d} B")
        print(
            f"files: {len(urls)}  raw: {raw / 1024:.1f} KB  "
            f"gzip: {packed / 1024:.1f} KB (target ≤ 100 KB)"
        )


if __name__ == "__main__":
    main()
