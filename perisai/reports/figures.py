"""The figures the reports show, by name (perisai.reports.rollups defines how each is counted),
and the share of one figure in another.
"""

from __future__ import annotations

from perisai.reports.rollups import AGENT_COUNTERS, BRANCH_COUNTERS

TREND_MONTHS = 12
# An agent's row and trend carry every counter of its rollup, in the rollup's order.
FIGURES = AGENT_COUNTERS
# The overview compares the month's figures; the registered total is shown apart.
OVERVIEW_FIGURES = tuple(name for name in BRANCH_COUNTERS if name != "registered_total")


def ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
