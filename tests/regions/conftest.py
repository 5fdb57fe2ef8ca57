"""A small region list in the format of idn-area-data, written to a temporary folder."""

from __future__ import annotations

import csv
import gzip

import pytest

SMALL_LIST = {
    "provinces": [("33", "Jawa Tengah"), ("91", "Papua")],
    "regencies": [
        ("33.25", "33", "Kabupaten Batang"),
        ("33.75", "33", "Kota Pekalongan"),
        ("91.03", "91", "Kabupaten Jayapura"),
    ],
    "districts": [
        ("33.25.01", "33.25", "Wonotunggal"),
        ("33.25.02", "33.25", "Bandar"),
        ("33.75.01", "33.75", "Pekalongan Barat"),
        ("91.03.01", "91.03", "Sentani"),
    ],
    "villages": [
        ("33.25.01.2002", "33.25.01", "Sodong"),
        ("33.25.01.2001", "33.25.01", "Silurah"),
        ("33.25.02.2002", "33.25.02", "Wonomerto"),
        ("33.75.01.1002", "33.75.01", "Medono"),
        ("91.03.01.3007", "91.03.01", "Desa Adat Yoboi"),
    ],
}
HEADERS = {
    "provinces": ("code", "name"),
    "regencies": ("code", "province_code", "name"),
    "districts": ("code", "regency_code", "name"),
    "villages": ("code", "district_code", "name"),
}


def write_region_files(folder, lists=None, *, gzipped=("villages",), dotted=True):
    """Write the four CSVs (some gzipped, like the vendored data) and return the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for stem, rows in (lists or SMALL_LIST).items():
        if not dotted:
            rows = [
                tuple(v.replace(".", "") if i < len(r) - 1 else v for i, v in enumerate(r))
                for r in rows
            ]
        path = folder / (f"{stem}.csv.gz" if stem in gzipped else f"{stem}.csv")
        opener = gzip.open if stem in gzipped else open
        with opener(path, "wt", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADERS[stem])
            writer.writerows(rows)
    return folder


@pytest.fixture
def region_dir(tmp_path):
    return write_region_files(tmp_path / "regions")


@pytest.fixture
def small_regions(db, region_dir):
    from perisai.regions.operations import load_regions

    return load_regions(db.session, region_dir)
