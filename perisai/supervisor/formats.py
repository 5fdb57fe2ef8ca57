"""How the supervisor pages write figures, months and days: Babel, in the page's language.

Bahasa Indonesia writes 1.234.567, 17,5%, "2 jt", "Mei 2026"; English 1,234,567, 17.5%, "2M",
"May 2026". Every figure on a supervisor page goes through one of these.
"""

from __future__ import annotations

from datetime import date

from babel.dates import format_date
from babel.numbers import format_compact_decimal, format_decimal, format_percent

from perisai import money
from perisai.months import Month

DASH = "–"


def number(value, lang: str) -> str:
    if value is None:
        return DASH
    return format_decimal(value, locale=lang)


def signed(value, lang: str) -> str:
    """A change: "+3", "−2" (a true minus sign), "0"."""
    if value is None:
        return DASH
    if value > 0:
        return "+" + number(value, lang)
    if value < 0:
        return "−" + number(-value, lang)
    return number(0, lang)


def rupiah(value, lang: str) -> str:
    return DASH if value is None else money.rupiah(value, lang)


def signed_rupiah(value, lang: str) -> str:
    if value is None:
        return DASH
    sign = "+" if value > 0 else ("−" if value < 0 else "")
    return sign + "Rp " + number(abs(value), lang)


def decimal(value, lang: str, pattern: str) -> str:
    return DASH if value is None else format_decimal(value, pattern, locale=lang)


def percent(value, lang: str) -> str:
    return DASH if value is None else format_percent(value, "#,##0.0%", locale=lang)


def compact(value, lang: str) -> str:
    """Chart axis figures: "2,5 jt" / "2.5M", "500 rb" / "500K"; small numbers as they are."""
    if value is None:
        return DASH
    if abs(value) < 1000:
        return number(value, lang)
    return format_compact_decimal(value, locale=lang, fraction_digits=1)


def month_name(month, lang: str, width: str = "long") -> str:
    """Long: "Desember 2026" / "December 2026"; "short": "Des 2026"; "month": "Des"."""
    if month is None:
        return DASH
    if isinstance(month, str):
        month = Month.parse(month)
    pattern = {"long": "LLLL yyyy", "short": "LLL yyyy", "month": "LLL"}[width]
    return format_date(month.first_day(), pattern, locale=lang)


def day(value: date | None, lang: str) -> str:
    """A day: "3 Des 2026" / "Dec 3, 2026"."""
    return DASH if value is None else format_date(value, "medium", locale=lang)
