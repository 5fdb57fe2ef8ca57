"""The province code lists that NIK checks use."""

from __future__ import annotations

import csv
import gzip

import pytest

from perisai.regions.operations import DATA_DIR
from perisai.regions.provinces import (
    CURRENT_PROVINCE_CODES,
    HISTORIC_PROVINCE_CODES,
    province_code_known,
)


def test_current_codes_are_the_vendored_provinces():
    with gzip.open(DATA_DIR / "provinces.csv.gz", "rt", encoding="utf-8") as handle:
        vendored = {row["code"]: row["name"] for row in csv.DictReader(handle)}
    assert vendored == CURRENT_PROVINCE_CODES
    assert len(CURRENT_PROVINCE_CODES) == 38


def test_historic_codes_cover_papua_before_the_2022_split():
    assert HISTORIC_PROVINCE_CODES["94"].startswith("Papua (")
    assert HISTORIC_PROVINCE_CODES["91"].startswith("Papua Barat")
    assert not {"92", "93", "95", "96"} & set(HISTORIC_PROVINCE_CODES)


@pytest.mark.parametrize("code", ["11", "33", "65", "91", "94", "96", "97"])
def test_known_codes(code):
    assert province_code_known(code)


@pytest.mark.parametrize("code", ["00", "10", "20", "37", "54", "98", "99", "3", "333", ""])
def test_unknown_codes(code):
    assert not province_code_known(code)
