"""NIK rules of DOMAIN.md §2: 16 digits `PP KK CC DD MM YY NNNN`, no checksum.

Hard errors reject the registration; an unknown province prefix is only a warning, because
NIKs keep the code of first registration and province codes have been renumbered since.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class NikCheck:
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    birth_date: date | None = None
    gender: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors


def check_nik(
    nik: str,
    *,
    today: date,
    birth_date: date | None = None,
    gender: str | None = None,
    province_known=None,
) -> NikCheck:
    """Check a NIK on its own and against the submitted birth date and gender."""
    result = NikCheck()
    if not nik.isascii() or not nik.isdigit():
        result.errors.append("workers.nik_digits")
        return result
    if len(nik) != 16:
        result.errors.append("workers.nik_length")
        return result
    day_field, month, yy, serial = int(nik[6:8]), int(nik[8:10]), int(nik[10:12]), nik[12:]
    if serial == "0000":
        result.errors.append("workers.nik_serial")
    if not (1 <= day_field <= 31 or 41 <= day_field <= 71):
        result.errors.append("workers.nik_day")
        return result
    if not 1 <= month <= 12:
        result.errors.append("workers.nik_month")
        return result
    result.gender = "F" if day_field > 40 else "M"
    day = day_field - 40 if day_field > 40 else day_field
    year = _year(yy, birth_date, today)
    try:
        result.birth_date = date(year, month, day)
    except ValueError:
        result.errors.append("workers.nik_date")
        return result
    if result.birth_date > today:
        result.errors.append("workers.nik_future")
    if gender is not None and gender != result.gender:
        result.errors.append("workers.nik_gender")
    if birth_date is not None and birth_date != result.birth_date:
        result.errors.append("workers.nik_birth_date")
    if province_known is not None and not province_known(nik[:2]):
        result.warnings.append("workers.nik_province_unknown")
    return result


def _year(yy: int, birth_date: date | None, today: date) -> int:
    """The century: from the submitted birth date when it agrees, else the latest past one."""
    if birth_date is not None and birth_date.year % 100 == yy:
        return birth_date.year
    year = today.year - today.year % 100 + yy
    return year - 100 if year > today.year else year
