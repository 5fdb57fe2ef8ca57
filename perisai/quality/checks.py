"""When the signals run: on the registrations (and photos) a transaction wrote, just before it
commits — whether they came through the API, the outbox or an import — and for whole months
by the scheduled job (`refresh_month`), which also judges what needs time to show (a cohort
that never renewed, near-identical photos, a burst once the month is over)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.months import Month
from perisai.quality import signals
from perisai.quality.flags import apply_findings
from perisai.quality.rules import rule_for
from perisai.quality.signals import Scope
from perisai.workers.models import Worker

# What checking a batch runs at once; the rest needs the whole month (refresh_month).
ON_APPLY = (
    signals.shared_phones,
    signals.shared_beneficiary_phones,
    signals.positions,
    signals.outside_area,
    signals.fast_captures,
    signals.photo_reuse,
)


def check_registrations(session: Session, worker_ids, photo_worker_ids=()) -> int:
    """Run the batch signals on the agent-months, phones and photos these participants touch."""
    ids = sorted(set(worker_ids) | set(photo_worker_ids), key=str)
    if not ids:
        return 0
    touched: dict[Month, dict] = defaultdict(
        lambda: {"agents": set(), "branches": set(), "phones": set(), "beneficiary": set()}
    )
    for start in range(0, len(ids), 5000):
        rows = session.execute(
            select(
                Worker.registered_on,
                Worker.registered_by_id,
                Worker.branch_id,
                Worker.phone,
                Worker.beneficiary_phone,
            ).where(Worker.id.in_(ids[start : start + 5000]))
        )
        for registered_on, agent_id, branch_id, phone, beneficiary_phone in rows:
            if agent_id is None:
                continue
            month = touched[Month.of(registered_on)]
            month["agents"].add(agent_id)
            month["branches"].add(branch_id)
            month["phones"].add(phone)
            if beneficiary_phone:
                month["beneficiary"].add(beneficiary_phone)
    changed = 0
    photos = set(photo_worker_ids)
    for month, found in sorted(touched.items()):
        scope = Scope(
            month=month,
            branch_ids=sorted(found["branches"]),
            agent_ids=found["agents"],
            phones=found["phones"],
            beneficiary_phones=found["beneficiary"],
            worker_ids=photos,
        )
        rule = rule_for(session, month)
        for signal in ON_APPLY:
            if signal is signals.photo_reuse and not photos:
                continue
            changed += apply_findings(session, signal(session, scope, rule), rule)
    return changed


def refresh_month(session: Session, month: Month, branch_ids: list[int], today: date) -> int:
    """Every signal over one registration month of the branches; returns flags changed."""
    scope = Scope(month=month, branch_ids=branch_ids, today=today)
    rule = rule_for(session, month)
    return sum(
        apply_findings(session, signal(session, scope, rule), rule) for signal in signals.SIGNALS
    )
