"""perisai/workers/nik.py against the shared NIK vectors (tests/vectors/nik.json); the browser
test runs the same vectors against the PWA's frontend/js/nik.js."""

from datetime import date

import pytest

from perisai.regions.provinces import province_code_known
from perisai.workers.nik import check_nik
from tests.vectors import ids, load

VECTORS = load("nik")
TODAY = date.fromisoformat(VECTORS["today"])


def _date(text):
    return date.fromisoformat(text) if text else None


@pytest.mark.parametrize("case", VECTORS["cases"], ids=ids(VECTORS["cases"]))
def test_nik_vector(case):
    result = check_nik(
        case["nik"],
        today=TODAY,
        birth_date=_date(case.get("birth_date")),
        gender=case.get("gender"),
        province_known=province_code_known,
    )
    expect = case["expect"]
    assert sorted(result.errors) == sorted(expect["errors"])
    assert result.warnings == expect["warnings"]
    assert result.birth_date == _date(expect["birth_date"])
    assert result.gender == expect["gender"]
