"""The one range every date and month that enters the service must lie in (issue 15).

Dates reach back to the oldest birth date; months (contribution, commission and report months,
rule periods) start long before BPJS Ketenagakerjaan did. Both end far enough from the ends of
the calendar and of `Month` that a report's `month - 24`, a quote's `month + 11` or any
`date + timedelta` stays a month or a date instead of overflowing into a 500. Every marshmallow
date and month field of `perisai.api.Schema` gets these bounds (so sync payloads and imports
too); a month read outside a schema (a path segment) is checked with `month_in_bounds`.
"""

from __future__ import annotations

from datetime import date

from marshmallow import validate

from perisai.errors import field_error
from perisai.months import Month

FIRST_DATE, LAST_DATE = date(1900, 1, 1), date(2100, 12, 31)
FIRST_MONTH, LAST_MONTH = Month(2000, 1), Month(2100, 12)
# How long ago a record taken offline (or on a paper receipt book) may be dated: a registration
# day or a payment day up to a year back.
MAX_BACKDATE_DAYS = 366


def date_range() -> validate.Range:
    return validate.Range(FIRST_DATE, LAST_DATE, error=f"field.range|{FIRST_DATE}|{LAST_DATE}")


def month_range() -> validate.Range:
    return validate.Range(FIRST_MONTH, LAST_MONTH, error=f"field.range|{FIRST_MONTH}|{LAST_MONTH}")


def month_in_bounds(month: Month, field: str, *, location: str = "query") -> Month:
    """The same bounds and the same 422 for a month read outside a schema."""
    if not FIRST_MONTH <= month <= LAST_MONTH:
        token = f"field.range|{FIRST_MONTH}|{LAST_MONTH}"
        raise field_error(field, token, location=location)
    return month
