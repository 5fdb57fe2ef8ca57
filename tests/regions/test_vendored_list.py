"""The vendored Kemendagri list, loaded once per backend: counts, the demo branch, a walk to a
village through the API, and an idempotent reload."""

from __future__ import annotations

import time

import pytest

from perisai.regions import operations
from perisai.regions.provinces import CURRENT_PROVINCE_CODES


@pytest.mark.slow
def test_the_whole_country_loads_and_reloads(db, client):
    started = time.perf_counter()
    counts = operations.load_regions(db.session)
    first_load = time.perf_counter() - started
    # Kepmendagri 300.2.2-2L38/2025 as carried by idn-area-data 4.0.1
    assert counts == {
        "provinces": 38,
        "regencies": 514,
        "districts": 7285,
        "villages": 83762,
        "inserted": 91599,
        "updated": 0,
        "retired": 0,
    }
    assert {r.code for r in operations.children(db.session, None)} == set(CURRENT_PROVINCE_CODES)
    assert operations.get_region(db.session, "33.25").name == "Kabupaten Batang"
    assert operations.get_region(db.session, "33.75").name == "Kota Pekalongan"
    assert operations.village_exists(db.session, "33.25.01.2001")  # Silurah, Wonotunggal
    assert len(operations.children(db.session, "33.25")) == 15  # Batang's kecamatan

    district = client.get("/api/v1/reference/regions?parent=33.25").get_json()[0]
    villages = client.get(f"/api/v1/reference/regions?parent={district['code']}").get_json()
    detail = client.get(f"/api/v1/reference/regions/{villages[0]['code']}").get_json()
    assert detail["label"].endswith("Kec. Wonotunggal, Kabupaten Batang, Jawa Tengah")

    again = operations.load_regions(db.session)
    assert (again["inserted"], again["updated"], again["retired"]) == (0, 0, 0)
    assert first_load < 30  # generous: a few seconds on either backend
