"""Membership cards: one 1,000-card A4 batch vs the same 1,000 cards one PDF each.

Both go through the HTTP API (POST /api/v1/cards/print, GET /api/v1/workers/<id>/card.pdf)
on a fresh SQLite database, so they include loading, issuing/recording and rendering.
Prints wall and CPU time (the machine may be shared) and peak memory (max RSS).
Target: the batch in <= 15 s, and at least 2x faster than one-by-one.

    .venv/bin/python benchmarks/cards_bench.py [--cards 1000]
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from pypdf import PdfReader

from perisai import create_app
from perisai.extensions import db
from tests import factories

NAMES = [
    "Ni Luh Putu Ayu Saraswati Dewi",
    "Budi Santoso",
    "Muhammad Ma'ruf bin H. Abdul Rahman",
    "Siti Nur'aini",
    "I Gusti Ngurah Agung Bagus Wiratama",
    "A. Rahman",
    "Yohanes Lefaan",
    "Dewi Lestari Kusumawardhani Prameswari",
    "Ketut Suardana",
    "Maria Goreti Nggebu",
]
VILLAGES = ["33.25.01.2001", "33.25.02.2002"]


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup(app, count: int) -> tuple[list[str], object]:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
        org = factories.make_org(db.session)
        ids = []
        for n in range(count):
            worker = factories.make_worker(
                db.session,
                org.agent if n % 2 else org.agent2,
                full_name=f"{NAMES[n % len(NAMES)]} {n}",
                village_code=VILLAGES[n % 2],
                has_jht=n % 3 == 0,
            )
            ids.append(str(worker.id))
        db.session.commit()
        username = org.admin_user.username
    client = app.test_client()
    login = client.post(
        "/api/v1/auth/login", json={"username": username, "password": factories.PASSWORD}
    )
    assert login.status_code == 200, login.get_json()
    return ids, (client, login.get_json()["csrf_token"])


def timed(action):
    wall, cpu = time.perf_counter(), time.process_time()
    result = action()
    return result, time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, default=1000)
    count = parser.parse_args().cards
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite3",
                "SECRET_KEY": "bench",
                "BASE_URL": "https://perisai.example.id",
            }
        )
        ids, (client, csrf) = setup(app, count)
        # Warm-up: fonts, stylesheet and artwork loaded once per process, as in a server.
        client.get(f"/api/v1/workers/{ids[0]}/card.pdf")
        rss_before = max_rss_mb()
        app.config["CARD_RENDER_PROCESSES"] = 1

        def batch():
            response = client.post(
                "/api/v1/cards/print", json={"worker_ids": ids}, headers={"X-CSRF-Token": csrf}
            )
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            return response.data

        pdf, batch_wall, batch_cpu = timed(batch)  # issues the 1,000 cards, one process
        rss_batch = max_rss_mb()
        pages = len(PdfReader(io.BytesIO(pdf)).pages)
        del app.config["CARD_RENDER_PROCESSES"]  # the default: one renderer per CPU
        pdf2, par_wall, par_cpu = timed(batch)  # the same cards again, rendered in parallel
        assert len(PdfReader(io.BytesIO(pdf2)).pages) == pages

        def one_by_one():
            total = 0
            for worker_id in ids:
                response = client.get(f"/api/v1/workers/{worker_id}/card.pdf")
                assert response.status_code == 200
                total += len(response.data)
            return total

        single_bytes, single_wall, single_cpu = timed(one_by_one)
        rss_end = max_rss_mb()

    print(
        f"cards: {count}  (CPUs: {os.cpu_count()}, load average at the end: "
        f"{os.getloadavg()[0]:.2f})"
    )
    print(
        f"batch, one A4 PDF, 1 process:  {batch_wall:6.2f} s wall  {batch_cpu:6.2f} s CPU  "
        f"{pages} pages  {len(pdf) / 1e6:.2f} MB  ({batch_wall / count * 1000:.1f} ms/card)"
    )
    renderers = min(os.cpu_count() or 1, 4)
    print(
        f"batch, {renderers} processes (default):{par_wall:6.2f} s wall  {par_cpu:6.2f} s CPU"
        f" in this process  {len(pdf2) / 1e6:.2f} MB"
    )
    print(
        f"one PDF per card:              {single_wall:6.2f} s wall  {single_cpu:6.2f} s CPU  "
        f"{single_bytes / 1e6:.2f} MB in total  ({single_wall / count * 1000:.1f} ms/card)"
    )
    print(
        f"batch speed-up, 1 process:     {single_wall / batch_wall:6.2f}x wall  "
        f"{single_cpu / batch_cpu:.2f}x CPU"
    )
    print(f"batch speed-up, default:       {single_wall / par_wall:6.2f}x wall")
    print(
        f"peak memory (max RSS of this process): {rss_before:.0f} MB before, "
        f"{rss_batch:.0f} MB after the batch, {rss_end:.0f} MB at the end"
    )
    best = min(batch_wall, par_wall)
    target = best <= 15 and single_wall >= 2 * best
    print(
        "target (batch <= 15 s and >= 2x faster than one-by-one):", "met" if target else "NOT met"
    )


if __name__ == "__main__":
    main()
