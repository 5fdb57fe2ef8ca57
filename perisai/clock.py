"""The one clock (DOMAIN.md §7): "now", and "today" in a branch's time zone.

Nothing else in the product reads the system date or time: `date.today()` and `datetime.now()`
are banned by ruff everywhere but here. "Today", a contribution month and a commission month are
the branch's (WIB, WITA or WIT), never the server's, so two screens cannot disagree around
midnight and any rule can be checked on any day.

The clock can be moved (tests, demos on a chosen day): `travel(to)` shifts it by a fixed offset
and it keeps ticking from there, in every thread of the process. A process started with
`PERISAI_CLOCK=<ISO date or timestamp>` starts at that moment (refused in production, see
`config.check_production`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta, timezone

from perisai.months import Month

ZONES: dict[str, timezone] = {
    "WIB": timezone(timedelta(hours=7), "WIB"),  # western Indonesia (Sumatra, Java, W/C Kalimantan)
    "WITA": timezone(timedelta(hours=8), "WITA"),  # central (Bali, Nusa Tenggara, Sulawesi)
    "WIT": timezone(timedelta(hours=9), "WIT"),  # eastern (Maluku, Papua)
}
DEFAULT_ZONE = "WIB"
LATEST_ZONE = "WIT"  # the latest clock in Indonesia: a date after its today is in the future
ENVIRONMENT_VARIABLE = "PERISAI_CLOCK"

_offset = timedelta(0)


def _system_now() -> datetime:
    return datetime.now(UTC)


def now() -> datetime:
    """This instant, timezone-aware UTC."""
    return _system_now() + _offset


def zone(name: str | None = None) -> timezone:
    """The tzinfo of a zone name (`WIB`, `WITA`, `WIT`); None means the default, WIB."""
    try:
        return ZONES[name or DEFAULT_ZONE]
    except KeyError:
        raise ValueError(f"unknown time zone: {name!r}") from None


def local_now(zone_name: str | None = None) -> datetime:
    return now().astimezone(zone(zone_name))


def today(zone_name: str | None = None) -> date:
    """Today's date in the zone (a branch's `time_zone`; WIB when None)."""
    return local_now(zone_name).date()


def this_month(zone_name: str | None = None) -> Month:
    return Month.of(today(zone_name))


def latest_today() -> date:
    """Today where it is latest (WIT): a date after this is in the future everywhere."""
    return today(LATEST_ZONE)


def start_of_day(day: date, zone_name: str | None = None) -> datetime:
    """00:00 of `day` in the zone, as a UTC timestamp."""
    return datetime.combine(day, time(0), zone(zone_name)).astimezone(UTC)


def start_of_month(month: Month, zone_name: str | None = None) -> datetime:
    """00:00 on the first day of `month` in the zone, as a UTC timestamp."""
    return start_of_day(month.first_day(), zone_name)


def parse_moment(text: str, zone_name: str | None = None) -> datetime:
    """`2026-12-31` (10:00 that day in the zone) or an ISO timestamp (naive: in the zone)."""
    text = text.strip()
    if len(text) == 10:
        return datetime.combine(date.fromisoformat(text), time(10), zone(zone_name))
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone(zone_name))


def set_now(moment: datetime | date | str | None) -> None:
    """Move the clock so that it reads `moment` now and ticks on from there; None: real time."""
    global _offset  # the one moved clock of the process, by design
    if moment is None:
        _offset = timedelta(0)
        return
    if isinstance(moment, str):
        moment = parse_moment(moment)
    elif not isinstance(moment, datetime):
        moment = datetime.combine(moment, time(10), zone())
    if moment.tzinfo is None:
        raise ValueError("naive datetime given to the clock")
    _offset = moment - _system_now()


def is_moved() -> bool:
    return _offset != timedelta(0)


def child_environment(environ: dict[str, str] | None = None) -> dict[str, str]:
    """An environment for a child process (server, CLI) whose clock reads what this one does:
    `PERISAI_CLOCK` set to this instant when the clock is moved, removed when it is not."""
    env = dict(os.environ if environ is None else environ)
    env.pop(ENVIRONMENT_VARIABLE, None)
    if is_moved():
        env[ENVIRONMENT_VARIABLE] = now().isoformat()
    return env


@contextmanager
def kept() -> Iterator[None]:
    """However the block moves the clock, afterwards it is as before."""
    global _offset
    before = _offset
    try:
        yield
    finally:
        _offset = before


@contextmanager
def travel(moment: datetime | date | str) -> Iterator[None]:
    """Within the block the clock reads `moment` (and ticks on); afterwards it is as before."""
    with kept():
        set_now(moment)
        yield


if os.environ.get(ENVIRONMENT_VARIABLE):
    set_now(os.environ[ENVIRONMENT_VARIABLE])
