"""Workforce estimates (informal workers per region, the denominator of coverage): uploaded as
CSV, all or nothing.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from perisai.errors import field_error
from perisai.reports.models import WorkforceEstimate


def upload_estimates(session: Session, text: str, *, source: str, by=None) -> int:
    """Replace workforce estimates from CSV lines `region_code,informal_workers` (header
    optional). All or nothing: a bad line raises 422 naming the line."""
    import csv
    import io

    parsed: dict[str, int] = {}
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not row or not "".join(row).strip():
            continue
        code, value = (cell.strip() for cell in [*row, ""][:2])
        if number == 1 and not value.isdigit():
            continue  # a header
        if len(row) < 2 or not value.isdigit() or len(code.split(".")) not in (2, 3):
            raise field_error("file", f"reports.estimate_line|{number}")
        parsed[code] = int(value)
    if not parsed:
        raise field_error("file", "reports.estimate_empty")
    for code, value in parsed.items():
        row = session.get(WorkforceEstimate, code)
        if row is None:
            session.add(
                WorkforceEstimate(
                    region_code=code, informal_workers=value, source=source, updated_by_id=by
                )
            )
        else:
            row.informal_workers, row.source, row.updated_by_id = value, source, by
    session.flush()
    return len(parsed)
