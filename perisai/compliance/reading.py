"""The labour office's list as rows: CSV (UTF-8 or Windows-1252, `,` `;` or tab) or XLSX,
streamed by perisai.compliance.files, with the columns of API.md
`employer_name,regency_code,reported_workers[,registration_number]` (their Indonesian names
too, and optional `nib` and `npwp`). Every problem of a row is reported at once, keyed by the
column name the file used, as the participant imports do."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from perisai.compliance.files import open_rows
from perisai.employers.identifiers import digits_of, is_registration_number, normalise_npwp
from perisai.employers.names import name_key
from perisai.errors import field_error
from perisai.regions.operations import RegionFileError, level_of, normalise_code

MAX_ROWS = 200_000
REQUIRED = ("employer_name", "regency_code", "reported_workers")
OPTIONAL = ("registration_number", "nib", "npwp")
ALIASES = {
    "employer_name": ("employer_name", "nama_perusahaan", "nama_pemberi_kerja", "nama_usaha"),
    "regency_code": ("regency_code", "kode_kabupaten", "kode_kab_kota", "kode_kabupaten_kota"),
    "reported_workers": ("reported_workers", "jumlah_pekerja", "jumlah_tenaga_kerja"),
    "registration_number": ("registration_number", "nomor_pendaftaran", "npp", "identifier"),
    "nib": ("nib",),
    "npwp": ("npwp",),
}
_COUNT = re.compile(r"^\d{1,3}([.,]\d{3})+$|^\d+$")  # 1500, 1.500 or 1,500


@dataclass
class Row:
    row_number: int
    employer_name: str
    name_key: str
    regency_code: str
    reported_workers: int
    identifiers: list[str] = field(default_factory=list)  # as they are matched, best first


@dataclass
class Problem:
    row: int
    errors: dict[str, list[str]]


def _header_key(cell) -> str:
    return re.sub(r"[\s\-]+", "_", str(cell or "").strip().casefold())


def columns_of(header: list) -> dict[str, tuple[int, str]]:
    """canonical column → (position, the name the file used); refuses a file missing one."""
    found: dict[str, tuple[int, str]] = {}
    for position, cell in enumerate(header):
        key = _header_key(cell)
        for column, names in ALIASES.items():
            if key in names and column not in found:
                found[column] = (position, str(cell).strip())
    missing = [column for column in REQUIRED if column not in found]
    if missing:
        shown = ", ".join(str(c).strip().replace("|", "/") for c in header if c is not None)
        shown = shown or "-"
        token = f"compliance.columns|{', '.join(missing)}|{shown}"
        raise field_error("file", token, location="files")
    return found


def _text(cells, position: int) -> str:
    if position >= len(cells) or cells[position] is None:
        return ""
    value = cells[position]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_row(number: int, cells, columns, regencies: set[str]) -> Row | Problem | None:
    """One row checked (None: a blank line); `regencies` the codes of the region list."""
    texts = {column: _text(cells, position) for column, (position, _) in columns.items()}
    if not any(texts.values()):
        return None
    errors: dict[str, list[str]] = {}

    def refuse(column: str, token: str) -> None:
        errors.setdefault(columns[column][1], []).append(token)

    name = " ".join(texts["employer_name"].split())
    if not name:
        refuse("employer_name", "compliance.name_required")
    elif len(name) > 160:
        refuse("employer_name", "compliance.name_long")
    regency = _regency(texts["regency_code"])
    if regency is None:
        refuse("regency_code", "compliance.regency_code")
    elif regency not in regencies:
        refuse("regency_code", "compliance.regency_unknown")
    count = texts["reported_workers"]
    if not _COUNT.match(count):
        refuse("reported_workers", "compliance.reported_workers")
    identifiers = []
    for column in OPTIONAL:
        if column in columns and texts[column]:
            value = _identifier(column, texts[column])
            if value is None:
                refuse(column, "compliance.identifier_shape")
            else:
                identifiers.append(value)
    if errors:
        return Problem(number, errors)
    reported = int(re.sub(r"[.,]", "", count))
    if reported > 10_000_000:
        return Problem(number, {columns["reported_workers"][1]: ["compliance.reported_workers"]})
    return Row(number, name, name_key(name), regency, reported, identifiers)


def _regency(text: str) -> str | None:
    try:
        code = normalise_code(text)
    except RegionFileError:
        return None
    return code if level_of(code) == "regency" else None


def _identifier(column: str, text: str) -> str | None:
    """Our registration number (11 digits, Damm), a NIB (13) or an NPWP (15/16, as 16)."""
    digits = digits_of(text)
    if not digits.isascii() or not digits.isdigit():
        return None
    if column in ("registration_number", "nib") and len(digits) == 13:
        return digits
    if column in ("registration_number", "npwp") and len(digits) in (15, 16):
        return normalise_npwp(digits)
    if column == "registration_number" and is_registration_number(digits):
        return digits
    return None


def read_list(path: str, filename: str, regencies: set[str]) -> Iterator[Row | Problem]:
    """Every row of the file, checked; the header's columns first (422 when one is missing)."""
    with open_rows(path, filename) as rows:
        columns = None
        for number, cells in rows:
            if columns is None:
                columns = columns_of(list(cells))
                continue
            if number - 1 > MAX_ROWS:
                raise field_error("file", f"compliance.too_long|{MAX_ROWS}", location="files")
            result = read_row(number, cells, columns, regencies)
            if result is not None:
                yield result
        if columns is None:
            raise field_error("file", "compliance.empty", location="files")
