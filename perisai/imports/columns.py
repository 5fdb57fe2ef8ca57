"""The column layout of a participant list, in Bahasa Indonesia and English, and cell parsing.

A file's header row may use either language (or mix them); columns are matched by name, not by
position, and unknown columns are ignored (reported on the job). Each data row becomes the body
of POST /api/v1/workers, so every rule after parsing is the registry's own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Column:
    key: str  # the English name, also the key of row errors
    name_id: str  # the Bahasa Indonesia name
    required: bool
    help_id: str
    help_en: str
    example: str


COLUMNS: tuple[Column, ...] = (
    Column(
        "nik", "nik", True, "16 digit, format Teks", "16 digits, Text format", "3325010507900001"
    ),
    Column(
        "full_name", "nama_lengkap", True, "Nama sesuai KTP", "Name as on the KTP", "Budi Santoso"
    ),
    Column(
        "birth_date",
        "tanggal_lahir",
        True,
        "YYYY-MM-DD atau DD/MM/YYYY; harus sesuai NIK",
        "YYYY-MM-DD or DD/MM/YYYY; must match the NIK",
        "1990-07-05",
    ),
    Column("gender", "jenis_kelamin", True, "L atau P", "M or F", "L"),
    Column("phone", "no_hp", True, "08… atau +628…", "08… or +628…", "081234567890"),
    Column(
        "occupation",
        "pekerjaan",
        True,
        "Kode dari GET /api/v1/reference/occupations",
        "Code from GET /api/v1/reference/occupations",
        "nelayan",
    ),
    Column(
        "income_level",
        "penghasilan",
        True,
        "Nominal penghasilan (rupiah), salah satu tingkat yang berlaku",
        "Declared income level (rupiah), one of the levels in force",
        "1000000",
    ),
    Column(
        "programs", "program", True, "JKK,JKM atau JKK,JKM,JHT", "JKK,JKM or JKK,JKM,JHT", "JKK,JKM"
    ),
    Column(
        "village_code",
        "kode_desa",
        True,
        "Kode Kemendagri PP.KK.CC.VVVV",
        "Kemendagri code PP.KK.CC.VVVV",
        "33.25.01.2001",
    ),
    Column(
        "address",
        "alamat",
        True,
        "Alamat domisili",
        "Address of domicile",
        "Jl. Pantai Utara No. 1",
    ),
    Column(
        "beneficiary_name",
        "nama_ahli_waris",
        True,
        "Nama ahli waris",
        "Beneficiary's name",
        "Siti Aminah",
    ),
    Column(
        "beneficiary_relationship",
        "hubungan_ahli_waris",
        True,
        "Mis. istri, suami, anak",
        "E.g. istri (wife), suami (husband), anak (child)",
        "istri",
    ),
    Column(
        "beneficiary_phone",
        "no_hp_ahli_waris",
        False,
        "Boleh kosong",
        "May be empty",
        "081299990000",
    ),
    Column(
        "consent_given",
        "persetujuan",
        True,
        "YA bila peserta menandatangani persetujuan (UU PDP)",
        "YES when the participant signed the consent (UU PDP)",
        "YA",
    ),
    Column(
        "consent_notice_version",
        "versi_pemberitahuan",
        False,
        "Versi pemberitahuan privasi yang ditandatangani (atau isian di formulir impor)",
        "Version of the privacy notice signed (or the value given on the import form)",
        "2026-01",
    ),
    Column(
        "funding",
        "sumber_dana",
        False,
        "self, apbn, apbd, apbdes atau csr (kosong: pilihan formulir)",
        "self, apbn, apbd, apbdes or csr (empty: the form's choice)",
        "apbd",
    ),
    Column(
        "agent_code",
        "kode_agen",
        False,
        "Agen pengelola (kosong: pilihan formulir)",
        "Managing agent (empty: the form's choice)",
        "",
    ),
)

BY_KEY = {c.key: c for c in COLUMNS}
REQUIRED = tuple(c.key for c in COLUMNS if c.required)
_ALIASES = {
    **{c.key: c.key for c in COLUMNS},
    **{c.name_id: c.key for c in COLUMNS},
    "nama": "full_name",
    "name": "full_name",
    "telepon": "phone",
    "no_telepon": "phone",
    "hp": "phone",
    "kelamin": "gender",
    "desa": "village_code",
    "kode_wilayah": "village_code",
    "nominal_penghasilan": "income_level",
    "ahli_waris": "beneficiary_name",
    "consent": "consent_given",
}
_HEADER_NOISE = re.compile(r"\(.*?\)|\*")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def header_names(lang: str) -> list[str]:
    return [c.name_id if lang == "id" else c.key for c in COLUMNS]


def normalise_header(cell) -> str:
    text = _HEADER_NOISE.sub("", str(cell or "")).strip().lower()
    return _NON_WORD.sub("_", text).strip("_")


@dataclass
class Layout:
    """Which file column holds which field."""

    positions: dict[str, int]
    unknown: list[str]
    missing: list[str]
    twice: list[str]


def match_header(cells: list) -> Layout:
    positions: dict[str, int] = {}
    unknown, twice = [], []
    for index, cell in enumerate(cells):
        name = normalise_header(cell)
        if not name or name in ("no", "nomor", "nr"):
            continue
        key = _ALIASES.get(name)
        if key is None:
            unknown.append(str(cell))
        elif key in positions:
            twice.append(str(cell))
        else:
            positions[key] = index
    missing = [key for key in REQUIRED if key not in positions]
    return Layout(positions=positions, unknown=unknown, missing=missing, twice=twice)


# --- cells → the POST /api/v1/workers body ---------------------------------------------------

_YES = {"ya", "y", "yes", "true", "1", "setuju", "x", "v", "✓", "benar"}
_MALE = {"l", "m", "laki_laki", "laki", "lk", "pria", "male"}
_FEMALE = {"p", "f", "perempuan", "pr", "wanita", "female"}
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_RUPIAH = re.compile(r"^(?:rp\.?\s*)?(\d{1,3}(?:[.,]\d{3})+|\d+)(?:,00|\.00)?$")
_VILLAGE_DIGITS = re.compile(r"^\d{10}$")


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


class CellError(Exception):
    def __init__(self, key: str, token: str):
        super().__init__(token)
        self.key, self.token = key, token


def _nik(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError("nik", "imports.nik_as_number")
    return text(value).replace(" ", "")


def _birth_date(value) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raw = text(value)
    if match := _DMY.match(raw):
        day, month, year = (int(g) for g in match.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError as error:
            raise CellError("birth_date", "imports.date_invalid") from error
    if re.match(r"^\d{4}-\d{2}-\d{2}$", raw):
        return raw
    raise CellError("birth_date", "imports.date_invalid")


def _gender(value) -> str:
    raw = normalise_header(value)
    if raw in _MALE:
        return "M"
    if raw in _FEMALE:
        return "F"
    raise CellError("gender", "imports.gender_invalid")


def _phone(value) -> str:
    raw = text(value)
    if isinstance(value, int | float) and raw.startswith("8"):
        raw = "0" + raw  # Excel dropped the leading zero of a number-formatted cell
    return raw


def _income(value) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    match = _RUPIAH.match(text(value).lower().replace(" ", ""))
    if not match:
        raise CellError("income_level", "imports.number_invalid")
    return int(re.sub(r"[.,]", "", match.group(1)))


def _programs(value) -> list[str]:
    return [p for p in re.split(r"[\s,;+/]+", text(value).upper()) if p]


def _village(value) -> str:
    raw = text(value)
    if _VILLAGE_DIGITS.match(raw):
        return f"{raw[:2]}.{raw[2:4]}.{raw[4:6]}.{raw[6:]}"
    return raw


def row_payload(cells: list, layout: Layout, defaults: dict) -> tuple[dict, dict]:
    """(body for WorkerCreateSchema, cell errors by column). `defaults` come from the form."""

    def cell(key):
        index = layout.positions.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    errors: dict[str, list[str]] = {}
    body: dict = {}
    parsers = {
        "nik": _nik,
        "birth_date": _birth_date,
        "gender": _gender,
        "phone": _phone,
        "income_level": _income,
        "programs": _programs,
        "village_code": _village,
    }
    for key, parse in parsers.items():
        try:
            body[key] = parse(cell(key))
        except CellError as error:
            errors.setdefault(error.key, []).append(error.token)
    body["full_name"] = text(cell("full_name"))
    body["occupation"] = text(cell("occupation")).lower()
    body["address"] = text(cell("address"))
    body["beneficiary"] = {
        "full_name": text(cell("beneficiary_name")),
        "relationship": text(cell("beneficiary_relationship")).lower(),
        "phone": _phone(cell("beneficiary_phone")) or None,
    }
    body["consent"] = {
        "given": text(cell("consent_given")).lower() in _YES,
        "notice_version": text(cell("consent_notice_version")) or defaults.get("notice_version"),
    }
    if body["consent"]["notice_version"] is None:
        del body["consent"]["notice_version"]
    body["funding"] = text(cell("funding")).lower() or defaults.get("funding") or "self"
    agent_code = text(cell("agent_code")).upper() or defaults.get("agent_code")
    if agent_code:
        body["agent_code"] = agent_code
    return body, errors


def is_blank(cells) -> bool:
    return all(text(c) == "" for c in cells)


def flatten_errors(errors) -> dict[str, list[str]]:
    """{"beneficiary": {"phone": [..]}} → {"beneficiary_phone": [..]}; "_schema" → "row"."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                name = str(key)
                if prefix == "programs" or name.isdigit():
                    walk(prefix, inner)
                elif prefix == "beneficiary" and name == "full_name":
                    walk("beneficiary_name", inner)
                else:
                    walk(f"{prefix}_{name}" if prefix else name, inner)
        elif isinstance(value, list | tuple):
            for item in value:
                walk(prefix, item)
        else:
            flat.setdefault("row" if prefix in ("", "_schema") else prefix, []).append(str(value))

    walk("", errors)
    return flat
