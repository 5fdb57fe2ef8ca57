"""CSV and XLSX downloads, streamed: rows go out as the database yields them."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable

from flask import Response
from openpyxl import Workbook

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPOOL_IN_MEMORY = 4 * 1024 * 1024
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return "" if value is None else value


def _disposition(filename: str) -> dict:
    return {
        "Content-Disposition": f'attachment; filename="{filename}"',
        "Cache-Control": "no-store",
    }


def csv_response(filename: str, header: list[str], rows: Iterable[list]) -> Response:
    """Rows are written to a spooled file as the database yields them, then streamed out, so
    memory stays flat and the response does not hold the request's database session open."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY, mode="w+b")  # noqa: SIM115 - closed by _chunks
    text = io.TextIOWrapper(spool, encoding="utf-8-sig", newline="")
    writer = csv.writer(text)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    text.flush()
    text.detach()
    spool.seek(0)
    return Response(_chunks(spool), content_type=CSV_TYPE, headers=_disposition(filename))


def _chunks(spool):
    with spool:
        while chunk := spool.read(64 * 1024):
            yield chunk


def xlsx_response(filename: str, sheet: str, header: list[str], rows: Iterable[list]) -> Response:
    """openpyxl's write-only workbook keeps memory flat; the file is streamed in chunks."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(sheet)
    worksheet.append(header)
    for row in rows:
        worksheet.append([safe_cell(v) for v in row])
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)  # noqa: SIM115
    workbook.save(spool)
    spool.seek(0)
    return Response(_chunks(spool), content_type=XLSX_TYPE, headers=_disposition(filename))
