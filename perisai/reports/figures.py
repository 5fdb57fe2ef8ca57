"""The figures the reports show, by name (perisai.reports.rollups defines how each is counted),
and the share of one figure in another.
"""

from __future__ import annotations

from perisai.reports.rollups import RETENTION_LAGS

TREND_MONTHS = 12
OVERVIEW_FIGURES = (
    "new_participants",
    "first_payments",
    "active_participants",
    "grace_participants",
    "ended_participants",
    "collected_amount",
)


FIGURES = (
    "new_participants",
    "first_payments",
    "active_participants",
    "grace_participants",
    "ended_participants",
    "collected_amount",
    "payments_count",
    "registered_total",
    *(f"{kind}_{n}" for n in RETENTION_LAGS for kind in ("acquired", "retained")),
)


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
