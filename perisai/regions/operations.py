"""Loading the Kemendagri region list into the database and looking regions up."""

from __future__ import annotations

import csv
import gzip
import io
import re
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from perisai.regions.models import LEVELS, Region

DATA_DIR = Path(__file__).with_name("data")

# level → (file name, column naming the parent)
FILES = {
    "province": ("provinces", None),
    "regency": ("regencies", "province_code"),
    "district": ("districts", "regency_code"),
    "village": ("villages", "district_code"),
}
SEGMENT_LENGTHS = (2, 2, 2, 4)
CODE_PATTERN = re.compile(r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?")
CHUNK = 5000
TABLE = Region.__table__


class RegionFileError(ValueError):
    """The source files are not a consistent region list; nothing was loaded."""


def is_valid_code(code: str) -> bool:
    return isinstance(code, str) and CODE_PATTERN.fullmatch(code) is not None


def level_of(code: str) -> str:
    return LEVELS[code.count(".")]


def parent_of(code: str) -> str | None:
    return code.rpartition(".")[0] or None


def ancestors_of(code: str) -> list[str]:
    """'33.25.01.2001' → ['33', '33.25', '33.25.01'] (outermost first)."""
    parts = code.split(".")
    return [".".join(parts[:depth]) for depth in range(1, len(parts))]


def normalise_code(raw: str) -> str:
    """A dotted code from either '33.25.01.2001' or the undotted '3325012001'."""
    raw = (raw or "").strip()
    if "." not in raw and raw.isdigit():
        parts, rest = [], raw
        for length in SEGMENT_LENGTHS:
            if not rest:
                break
            parts.append(rest[:length])
            rest = rest[length:]
        raw = ".".join(parts) if not rest else raw
    if not is_valid_code(raw):
        raise RegionFileError(f"malformed region code {raw!r}")
    return raw


def _open_text(source_dir: Path, stem: str) -> io.TextIOBase:
    for name, opener in ((f"{stem}.csv.gz", gzip.open), (f"{stem}.csv", open)):
        path = source_dir / name
        if path.exists():
            return opener(path, "rt", encoding="utf-8-sig", newline="")
    raise RegionFileError(f"{stem}.csv(.gz) not found in {source_dir}")


def read_region_files(source_dir: str | Path | None = None) -> Iterator[dict]:
    """Rows {code, parent_code, level, name} from provinces/regencies/districts/villages CSVs."""
    source_dir = Path(source_dir) if source_dir else DATA_DIR
    for level, (stem, parent_column) in FILES.items():
        with _open_text(source_dir, stem) as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                code = normalise_code(row.get("code", ""))
                name = " ".join((row.get("name") or "").split())
                parent = parent_of(code)
                if level_of(code) != level or not name or len(name) > 120:
                    raise RegionFileError(f"{stem}.csv line {line}: bad row {row!r}")
                if parent_column and normalise_code(row.get(parent_column, "")) != parent:
                    raise RegionFileError(f"{stem}.csv line {line}: parent does not match code")
                yield {"code": code, "parent_code": parent, "level": level, "name": name}


def load_regions(session: Session, source_dir: str | Path | None = None) -> dict:
    """Upsert a whole region list: add new codes, rename changed ones, mark missing ones as not
    current. Never deletes (participants reference codes). Validates everything before writing.
    """
    rows = list(read_region_files(source_dir))
    incoming = {row["code"]: row for row in rows}
    if len(incoming) != len(rows):
        raise RegionFileError("duplicate region codes in the source files")
    session.flush()
    existing = {
        code: (parent, level, name, is_current)
        for code, parent, level, name, is_current in session.execute(
            select(Region.code, Region.parent_code, Region.level, Region.name, Region.is_current)
        )
    }
    orphans = [
        row["code"]
        for row in rows
        if row["parent_code"]
        and row["parent_code"] not in incoming
        and row["parent_code"] not in existing
    ]
    if orphans:
        raise RegionFileError(f"codes without a parent, e.g. {orphans[0]}")

    inserts, updates = [], []
    for row in rows:
        old = existing.get(row["code"])
        if old is None:
            inserts.append({**row, "is_current": True})
        elif old != (row["parent_code"], row["level"], row["name"], True):
            updates.append({**_fields(row), "old_code": row["code"], "is_current": True})
    retired = [
        {"old_code": code, "is_current": False}
        for code, old in existing.items()
        if code not in incoming and old[3]
    ]

    for start in range(0, len(inserts), CHUNK):
        session.execute(insert(TABLE), inserts[start : start + CHUNK])
    # Keys other than old_code become the SET clause (parent_code, level, name, is_current).
    by_code = update(TABLE).where(TABLE.c.code == bindparam("old_code"))
    for start in range(0, len(updates), CHUNK):
        session.execute(by_code, updates[start : start + CHUNK])
    for start in range(0, len(retired), CHUNK):
        session.execute(by_code, retired[start : start + CHUNK])
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Region):
            session.expire(obj)  # the bulk statements bypassed the ORM

    counts = {stem: 0 for stem, _ in FILES.values()}
    for row in rows:
        counts[FILES[row["level"]][0]] += 1
    counts.update(inserted=len(inserts), updated=len(updates), retired=len(retired))
    return counts


def _fields(row: dict) -> dict:
    return {key: row[key] for key in ("parent_code", "level", "name")}


def get_region(session: Session, code: str) -> Region | None:
    if not is_valid_code(code):
        return None
    return session.get(Region, code)


def is_village(region: Region | None, *, current_only: bool = True) -> bool:
    """A region already loaded is a village of the (current) list (`village_exists` in SQL)."""
    return (
        region is not None and region.level == "village" and (region.is_current or not current_only)
    )


def village_exists(session: Session, code: str, *, current_only: bool = True) -> bool:
    """Is this a village code of the (current) list? New registrations need a current one."""
    if not is_valid_code(code) or level_of(code) != "village":
        return False
    stmt = select(Region.code).where(Region.code == code)
    if current_only:
        stmt = stmt.where(Region.is_current.is_(True))
    return session.scalar(stmt) is not None


def names_of(session: Session, codes) -> dict[str, str]:
    """The name of each region code given (as stored; codes not in the list are left out)."""
    codes = set(codes)
    if not codes:
        return {}
    return dict(
        session.execute(select(Region.code, Region.name).where(Region.code.in_(codes))).all()
    )


def children(session: Session, parent_code: str | None, *, current_only: bool = True) -> list:
    """Provinces (parent None) or the direct children of a region, ordered by code."""
    stmt = select(Region).order_by(Region.code)
    if parent_code is None:
        stmt = stmt.where(Region.parent_code.is_(None))
    else:
        stmt = stmt.where(Region.parent_code == parent_code)
    if current_only:
        stmt = stmt.where(Region.is_current.is_(True))
    return list(session.scalars(stmt))


def region_chain(session: Session, region: Region) -> list[Region]:
    """The region's ancestors, province first (for "Desa X, Kec. Y, Kab. Z")."""
    codes = ancestors_of(region.code)
    if not codes:
        return []
    found = {r.code: r for r in session.scalars(select(Region).where(Region.code.in_(codes)))}
    return [found[code] for code in codes if code in found]


def region_label(region: Region, ancestors: list[Region]) -> str:
    """'Desa Silurah, Kec. Wonotunggal, Kabupaten Batang, Jawa Tengah' (innermost first).

    Village codes 1xxx are kelurahan, 2xxx desa, 3xxx desa adat (whose names already say so);
    districts in the Papua provinces (91–96) are called distrik.
    """
    parts = []
    for item in [region, *reversed(ancestors)]:
        prefix = ""
        if item.level == "village":
            prefix = {"1": "Kel. ", "2": "Desa "}.get(item.code[9:10], "")
        elif item.level == "district":
            prefix = "Distrik " if "91" <= item.code[:2] <= "96" else "Kec. "
        parts.append(prefix + item.name)
    return ", ".join(parts)
