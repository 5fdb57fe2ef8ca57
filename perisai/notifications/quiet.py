"""Quiet hours (DOMAIN.md §11): nothing is sent between 21:00 and 07:00 local time.

"Local" is the branch's zone (WIB, WITA or WIT; perisai.clock), never the server's: a message
to a participant in Jayapura waits for 07:00 WIT, two hours before Jakarta's. The hours are
the notification rule's (`quiet_start_minute`, `quiet_end_minute`), so they can change without
a release; a window that does not cross midnight (13:00–14:00) works too.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from perisai import clock


def _minute(moment: datetime) -> int:
    return moment.hour * 60 + moment.minute


def is_quiet(local: datetime, start_minute: int, end_minute: int) -> bool:
    minute = _minute(local)
    if start_minute == end_minute:
        return False  # no quiet hours at all
    if start_minute > end_minute:  # across midnight: 21:00–07:00
        return minute >= start_minute or minute < end_minute
    return start_minute <= minute < end_minute


def next_allowed(moment: datetime, zone_name: str | None, rule) -> datetime:
    """`moment` itself when it is outside the rule's quiet hours in the zone, else the end of
    those quiet hours (07:00 local), as UTC."""
    local = moment.astimezone(clock.zone(zone_name))
    start, end = rule.quiet_start_minute, rule.quiet_end_minute
    if not is_quiet(local, start, end):
        return moment
    end_time = time(end // 60, end % 60)
    day = local.date()
    if start > end and _minute(local) >= start:
        day += timedelta(days=1)  # in the evening: the quiet hours end tomorrow morning
    return datetime.combine(day, end_time, local.tzinfo).astimezone(UTC)
