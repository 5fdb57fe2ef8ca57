"""Which income level and programs price which month of a participant (DOMAIN.md §10): the
recorded changes replayed in order, so arrears after an edit keep the old price; also the
participant body's `pricing`, so a phone prices as the server does."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.months import Month
from perisai.workers.models import Worker, WorkerChange, programs_of


def last_payable_month(worker: Worker) -> Month | None:
    """After a death, no contribution month after the month of death is payable."""
    return Month.of(worker.died_on) if worker.died_on is not None else None


def _timeline(session: Session, worker: Worker) -> list[tuple[Month, list | None, list | None]]:
    """The recorded changes of income level or programs, in order: (effective month,
    [old, new] level or None, [old, new] programs or None), with those staged in this session."""
    with session.no_autoflush:
        rows = session.execute(
            select(WorkerChange.changes, WorkerChange.effective_month)
            .where(
                WorkerChange.worker_id == worker.id,
                WorkerChange.kind == "update",
                WorkerChange.effective_month.is_not(None),
            )
            .order_by(WorkerChange.version)
        ).all()
    # Changes staged in this session and not written yet (a sync batch edits, then pays).
    rows += [
        (obj.changes, obj.effective_month)
        for obj in sorted(
            (o for o in session.new if isinstance(o, WorkerChange)), key=lambda o: o.version
        )
        if obj.worker_id == worker.id and obj.kind == "update" and obj.effective_month
    ]
    timeline = []
    for changes, month in rows:
        month = Month.parse(month) if isinstance(month, str) else month
        level = changes.get("income_level")
        programs = changes.get("programs")
        if level or programs:
            timeline.append((month, level, programs))
    return timeline


def _replay(worker: Worker, timeline: list, month: Month | None) -> tuple[int, bool]:
    """The level and programs in force for `month` (None: before every change)."""
    # The values before the first change of each field are its first change's old value.
    level = next((lv[0] for _, lv, _ in timeline if lv), worker.income_level)
    has_jht = next(("JHT" in p[0] for _, _, p in timeline if p), worker.has_jht)
    for start, lv, programs in timeline:
        if month is not None and start <= month:
            if lv:
                level = lv[1]
            if programs:
                has_jht = "JHT" in programs[1]
    return level, has_jht


def profiles_for_months(
    session: Session, worker: Worker, months: list[Month]
) -> list[tuple[int, bool]]:
    """(income_level, has_jht) that prices each month: the changes replayed in order, each
    from its effective month on; the participant's current values where nothing changed.
    A participant never edited (version 1) costs no query."""
    current = (worker.income_level, worker.has_jht)
    if worker.version == 1 or not months:
        return [current] * len(months)
    timeline = _timeline(session, worker)
    if not timeline:
        return [current] * len(months)
    return [_replay(worker, timeline, month) for month in months]


def pricing_segments(session: Session, worker: Worker) -> list[dict]:
    """The participant body's `pricing`: which income level and programs price which months,
    as [{"from_month": null | "YYYY-MM", "income_level", "programs"}] in order, so a phone
    prices arrears as the server does after an edit. Empty when nothing priced was changed."""
    if worker.version == 1:
        return []
    timeline = _timeline(session, worker)
    if not timeline:
        return []
    starts = [None, *sorted({start for start, _, _ in timeline})]
    segments = []
    for start in starts:
        level, has_jht = _replay(worker, timeline, start)
        segments.append(
            {
                "from_month": str(start) if start else None,
                "income_level": level,
                "programs": programs_of(has_jht),
            }
        )
    return segments
