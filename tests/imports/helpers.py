"""Generated participant lists (CSV and XLSX) and upload helpers for the import tests."""

from __future__ import annotations

import csv
import io
from datetime import date

from perisai.imports.columns import COLUMNS
from tests.factories import valid_nik

ID_NAMES = {c.key: c.name_id for c in COLUMNS}


def participant_row(n: int, **overrides) -> dict:
    """One valid row (English column keys) for the village and rates make_org provides."""
    female = overrides.pop("female", False)
    birth = overrides.pop("birth", date(1990, 7, 5))
    row = {
        "nik": valid_nik(n, female=female, birth=birth),
        "full_name": f"Peserta Impor {n}",
        "birth_date": birth.isoformat(),
        "gender": "P" if female else "L",
        "phone": f"0813{n:08d}",
        "occupation": "nelayan",
        "income_level": "1000000",
        "programs": "JKK,JKM",
        "village_code": "33.25.01.2001",
        "address": f"Jl. Pantai Utara No. {n}",
        "beneficiary_name": "Siti Aminah",
        "beneficiary_relationship": "istri",
        "beneficiary_phone": "081299990000",
        "consent_given": "YA",
        "consent_notice_version": "2026-01",
    }
    row.update(overrides)
    return row


def rows_of(count: int, start: int = 1, **overrides) -> list[dict]:
    return [participant_row(n, **overrides) for n in range(start, start + count)]


def _header(rows: list[dict], lang: str) -> list[str]:
    keys = list(rows[0].keys()) if rows else [c.key for c in COLUMNS]
    return [ID_NAMES[k] if lang == "id" else k for k in keys], keys


def csv_bytes(rows: list[dict], lang: str = "id", delimiter: str = ",") -> bytes:
    names, keys = _header(rows, lang)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(names)
    for row in rows:
        writer.writerow([row.get(k, "") for k in keys])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[dict], lang: str = "en", raw: dict | None = None) -> bytes:
    """`raw` maps (row index, key) to a Python value written as is (numbers, dates)."""
    from openpyxl import Workbook

    names, keys = _header(rows, lang)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(names)
    for index, row in enumerate(rows):
        values = []
        for key in keys:
            value = row.get(key, "")
            if raw and (index, key) in raw:
                value = raw[(index, key)]
            values.append(value)
        sheet.append(values)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def upload(client, content: bytes, filename: str = "peserta.csv", **form):
    data = {
        key: str(value).lower() if isinstance(value, bool) else str(value)
        for key, value in form.items()
    }
    data["file"] = (io.BytesIO(content), filename)
    return client.post("/api/v1/imports/workers", data=data, content_type="multipart/form-data")
