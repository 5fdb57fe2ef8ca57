"""Cells to the registration body: both header languages, Excel habits, clear cell errors."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from perisai.imports import columns


def _layout(names):
    return columns.match_header(names)


def test_headers_match_in_either_language_any_order_with_noise():
    layout = _layout(["No", "NIK*", "Nama Lengkap", "birth_date", "Jenis Kelamin (L/P)", "extra"])
    assert layout.positions == {"nik": 1, "full_name": 2, "birth_date": 3, "gender": 4}
    assert layout.unknown == ["extra"]
    assert "village_code" in layout.missing and "nik" not in layout.missing
    assert _layout(["nik", "NIK"]).twice == ["NIK"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1990-07-05", "1990-07-05"),
        ("05/07/1990", "1990-07-05"),
        ("5-7-1990", "1990-07-05"),
        (date(1990, 7, 5), "1990-07-05"),
        (datetime(1990, 7, 5, 0, 0), "1990-07-05"),
    ],
)
def test_birth_dates(cell, expected):
    layout = _layout(["tanggal_lahir"])
    body, errors = columns.row_payload([cell], layout, {})
    assert body["birth_date"] == expected and "birth_date" not in errors


@pytest.mark.parametrize("cell", ["1990/07/05", "31/02/1990", "kemarin", None])
def test_bad_birth_dates(cell):
    _, errors = columns.row_payload([cell], _layout(["tanggal_lahir"]), {})
    assert errors["birth_date"] == ["imports.date_invalid"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("L", "M"), ("Laki-laki", "M"), ("P", "F"), ("perempuan", "F"), ("F", "F"), ("m", "M")],
)
def test_gender(cell, expected):
    body, _ = columns.row_payload([cell], _layout(["jenis_kelamin"]), {})
    assert body["gender"] == expected


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("1000000", 1_000_000),
        ("Rp 1.000.000", 1_000_000),
        ("1,500,000", 1_500_000),
        (2_000_000, 2_000_000),
        (2_000_000.0, 2_000_000),
    ],
)
def test_income(cell, expected):
    body, errors = columns.row_payload([cell], _layout(["penghasilan"]), {})
    assert body["income_level"] == expected and "income_level" not in errors


def test_income_and_nik_errors():
    layout = _layout(["penghasilan", "nik"])
    _, errors = columns.row_payload(["satu juta", 3325010507900001], layout, {})
    assert errors["income_level"] == ["imports.number_invalid"]
    assert errors["nik"] == ["imports.nik_as_number"]


def test_defaults_from_the_form_and_consent_words():
    layout = _layout(["persetujuan", "kode_agen", "sumber_dana", "program", "kode_desa"])
    body, _ = columns.row_payload(
        ["ya", "", "", "jkk; jkm + jht", "3325012001"],
        layout,
        {"agent_code": "PRS-1", "funding": "apbd", "notice_version": "2026-01"},
    )
    assert body["consent"] == {"given": True, "notice_version": "2026-01"}
    assert body["agent_code"] == "PRS-1" and body["funding"] == "apbd"
    assert body["programs"] == ["JKK", "JKM", "JHT"]
    assert body["village_code"] == "33.25.01.2001"
    body, _ = columns.row_payload(["tidak", "prs-9", "csr", "", ""], layout, {})
    assert body["consent"]["given"] is False and body["agent_code"] == "PRS-9"
    assert "notice_version" not in body["consent"]


def test_nested_errors_are_reported_by_column():
    flat = columns.flatten_errors(
        {
            "beneficiary": {"full_name": ["a"], "phone": ["b"]},
            "consent": {"given": ["c"]},
            "programs": {"0": ["d"]},
            "_schema": ["e"],
        }
    )
    assert flat == {
        "beneficiary_name": ["a"],
        "beneficiary_phone": ["b"],
        "consent_given": ["c"],
        "programs": ["d"],
        "row": ["e"],
    }
