"""The signals of DOMAIN.md §9, each a function from the registrations in question to findings.

A `Scope` says which registrations: one month, optionally only some agents (the agent-months a
batch just touched) and some phones. Every signal is set-based SQL or one pass in Python over
the month's rows, never a query per participant, so one month of the national dataset (a
million participants) is checked in seconds. Findings carry evidence without a NIK, phone or
name; perisai.quality.flags turns them into flags.
"""

from __future__ import annotations

import hashlib
import math
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session

from perisai.agents.models import Branch
from perisai.commissions.rules import rule_set_for
from perisai.months import Month
from perisai.quality.models import AgentArea, QualityRule
from perisai.workers.models import Worker, WorkerPhoto

# Indonesia's extent with a margin: a point outside it was not taken at a market in Batang.
LAT_RANGE, LON_RANGE = (-11.5, 6.5), (94.5, 141.5)
METRES_PER_DEGREE = 111_000  # near the equator; cos(11°) > 0.98 on longitude
PHOTOS = WorkerPhoto.__table__


@dataclass
class Scope:
    month: Month
    branch_ids: list[int]
    agent_ids: set[int] | None = None  # None: every agent of the branches
    phones: set[str] | None = None  # participants' phones to look at (None: the month's)
    beneficiary_phones: set[str] | None = None
    worker_ids: set | None = None  # photos to look at (None: the month's)
    today: date | None = None


@dataclass
class Finding:
    kind: str
    key: str
    agent_id: int
    branch_id: int
    month: Month
    worker_ids: set = field(default_factory=set)
    detail: dict = field(default_factory=dict)


def _in_month(scope: Scope):
    first, last = scope.month.first_day(), scope.month.last_day()
    conditions = [
        Worker.registered_on >= first,
        Worker.registered_on <= last,
        Worker.branch_id.in_(scope.branch_ids),
        Worker.registered_by_id.is_not(None),
        Worker.anonymised_at.is_(None),
    ]
    if scope.agent_ids is not None:
        conditions.append(Worker.registered_by_id.in_(scope.agent_ids))
    return conditions


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:20]


def masked_phone(phone: str) -> str:
    return phone[:6] + "*" * max(0, len(phone) - 9) + phone[-3:]


# --- one phone on several participants ---------------------------------------------------


def shared_phones(session: Session, scope: Scope, rule: QualityRule) -> list[Finding]:
    return _shared(
        session, scope, Worker.phone, rule.shared_phone_min, "shared_phone", scope.phones
    )


def shared_beneficiary_phones(session: Session, scope: Scope, rule: QualityRule) -> list[Finding]:
    return _shared(
        session,
        scope,
        Worker.beneficiary_phone,
        rule.shared_beneficiary_phone_min,
        "shared_beneficiary_phone",
        scope.beneficiary_phones,
    )


def _shared(session, scope: Scope, column, minimum: int, kind: str, phones) -> list[Finding]:
    """Phones of this month's registrations (or the given ones) on `minimum` or more of the
    branch's participants; one finding per phone and branch, for the agent with most of them."""
    if phones is None:
        phones = set(session.scalars(select(column).where(*_in_month(scope), column.is_not(None))))
    phones = sorted(p for p in phones if p)
    if not phones:
        return []
    crowded = set()
    for start in range(0, len(phones), 5000):
        part = phones[start : start + 5000]
        crowded.update(
            session.scalars(
                select(column)
                .where(column.in_(part), Worker.branch_id.in_(scope.branch_ids))
                .group_by(column)
                .having(func.count() >= minimum)
            )
        )
    if not crowded:
        return []
    groups: dict[tuple, list] = defaultdict(list)
    rows = session.execute(
        select(
            column, Worker.branch_id, Worker.id, Worker.registered_by_id, Worker.registered_on
        ).where(column.in_(sorted(crowded)), Worker.branch_id.in_(scope.branch_ids))
    )
    for phone, branch_id, worker_id, agent_id, registered_on in rows:
        groups[phone, branch_id].append((worker_id, agent_id, registered_on))
    findings = []
    for (phone, branch_id), members in groups.items():
        agents = defaultdict(int)
        for _, agent_id, _ in members:
            if agent_id is not None:
                agents[agent_id] += 1
        if not agents:
            continue
        agent_id = min(agents, key=lambda a: (-agents[a], a))
        latest = max(m[2] for m in members)
        findings.append(
            Finding(
                kind=kind,
                key=f"{kind}:{branch_id}:{digest(phone)}",
                agent_id=agent_id,
                branch_id=branch_id,
                month=Month.of(latest),
                worker_ids={m[0] for m in members},
                detail={
                    "count": len(members),
                    "threshold": minimum,
                    "phone_masked": masked_phone(phone),
                    "agents": len(agents),
                },
            )
        )
    return findings


# --- positions -----------------------------------------------------------------------------


def positions(session: Session, scope: Scope, rule: QualityRule) -> list[Finding]:
    """gps_missing (no usable position: none, or accuracy worse than the rule allows),
    gps_invalid (accuracy 0, a mocked position, or a point outside Indonesia) and gps_cluster
    (many registrations of one agent's month within a few metres), in one pass."""
    rows = session.execute(
        select(
            Worker.id,
            Worker.registered_by_id,
            Worker.branch_id,
            Worker.lat,
            Worker.lon,
            Worker.accuracy_m,
        ).where(*_in_month(scope))
    )
    missing: dict[tuple, set] = defaultdict(set)
    invalid: dict[tuple, set] = defaultdict(set)
    cells: dict[tuple, set] = defaultdict(set)
    size = rule.gps_cluster_metres / METRES_PER_DEGREE
    for worker_id, agent_id, branch_id, lat, lon, accuracy in rows:
        who = (agent_id, branch_id)
        if (
            lat is None
            or lon is None
            or (accuracy is not None and accuracy > rule.gps_max_accuracy_m)
        ):
            missing[who].add(worker_id)
        elif accuracy == 0 or not (
            LAT_RANGE[0] <= lat <= LAT_RANGE[1] and LON_RANGE[0] <= lon <= LON_RANGE[1]
        ):
            invalid[who].add(worker_id)
        else:
            cells[(*who, math.floor(lat / size), math.floor(lon / size))].add(worker_id)
    month = scope.month
    found = [
        Finding(
            "gps_missing",
            f"gps_missing:{a}:{month}",
            a,
            b,
            month,
            ids,
            {"count": len(ids), "threshold": rule.gps_missing_min},
        )
        for (a, b), ids in missing.items()
        if len(ids) >= rule.gps_missing_min
    ]
    found += [
        Finding("gps_invalid", f"gps_invalid:{a}:{month}", a, b, month, ids, {"count": len(ids)})
        for (a, b), ids in invalid.items()
    ]
    found += [
        Finding(
            "gps_cluster",
            f"gps_cluster:{a}:{month}:{y}:{x}",
            a,
            b,
            month,
            ids,
            {
                "count": len(ids),
                "threshold": rule.gps_cluster_min,
                "metres": rule.gps_cluster_metres,
                "lat": round((y + 0.5) * size, 5),
                "lon": round((x + 0.5) * size, 5),
            },
        )
        for (a, b, y, x), ids in cells.items()
        if len(ids) >= rule.gps_cluster_min
    ]
    return found


# --- where and how fast ----------------------------------------------------------------------


def outside_area(session: Session, scope: Scope, rule: QualityRule) -> list[Finding]:
    """Registrations in a village outside the agent's areas (none: its branch's regency)."""
    area = AgentArea.__table__
    in_area = exists().where(
        area.c.agent_id == Worker.registered_by_id,
        or_(
            Worker.village_code == area.c.region_code,
            Worker.village_code.like(area.c.region_code + "%"),
        ),
    )
    has_area = exists().where(area.c.agent_id == Worker.registered_by_id)
    in_regency = Worker.village_code.like(Branch.region_code + ".%")
    stmt = (
        select(Worker.id, Worker.registered_by_id, Worker.branch_id)
        .join(Branch, Branch.id == Worker.branch_id)
        .where(
            *_in_month(scope),
            or_(and_(has_area, ~in_area), and_(~has_area, ~in_regency)),
        )
    )
    return _per_agent_month(session, stmt, scope.month, "outside_area", {})


def fast_captures(session: Session, scope: Scope, rule: QualityRule) -> list[Finding]:
    stmt = select(Worker.id, Worker.registered_by_id, Worker.branch_id).where(
        *_in_month(scope),
        Worker.capture_seconds.is_not(None),
        Worker.capture_seconds < rule.fast_capture_seconds,
    )
    detail = {"threshold_seconds": rule.fast_capture_seconds}
    return _per_agent_month(session, stmt, scope.month, "fast_capture", detail)


def _per_agent_month(session, stmt, month: Month, kind: str, detail: dict) -> list[Finding]:
    groups: dict[tuple, set] = defaultdict(set)
    for worker_id, agent_id, branch_id in session.execute(stmt):
        groups[agent_id, branch_id].add(worker_id)
    return [
        Finding(kind, f"{kind}:{a}:{month}", a, b, month, ids, {"count": len(ids), **detail})
        for (a, b), ids in groups.items()
    ]


# --- the same photo twice -----------------------------------------------------------------


def photo_reuse(session: Session, scope: Scope, rule: QualityRule) -> list[Finding]:
    """Photos of this month's registrations (or the given participants') whose perceptual
    hash is within the rule's distance of another participant's photo of the same kind.

    Candidates share one of d+1 slices of the 64 bits (two hashes within distance d agree on
    at least one slice), so only near pairs are compared."""
    mine = select(PHOTOS.c.worker_id, PHOTOS.c.kind, PHOTOS.c.phash).where(
        PHOTOS.c.phash.is_not(None)
    )
    if scope.worker_ids is not None:
        mine = mine.where(PHOTOS.c.worker_id.in_(list(scope.worker_ids)))
    else:
        months = select(Worker.id).where(*_in_month(scope))
        mine = mine.where(PHOTOS.c.worker_id.in_(months))
    wanted = session.execute(mine).all()
    if not wanted:
        return []
    slices = _slices(rule.photo_max_distance)
    buckets: dict[tuple, list] = defaultdict(list)  # the photos in question, by slice value
    for worker_id, kind, phash in wanted:
        value = int(phash, 16)
        for index, (shift, mask) in enumerate(slices):
            buckets[kind, index, (value >> shift) & mask].append((worker_id, value))
    # every photo of the branches streamed past them once
    branch_workers = select(Worker.id).where(Worker.branch_id.in_(scope.branch_ids))
    every = session.execute(
        select(PHOTOS.c.worker_id, PHOTOS.c.kind, PHOTOS.c.phash)
        .where(PHOTOS.c.phash.is_not(None), PHOTOS.c.worker_id.in_(branch_workers))
        .execution_options(yield_per=20_000)
    )
    pairs: set[tuple] = set()
    limit = rule.photo_max_distance
    for other, kind, phash in every:
        value = int(phash, 16)
        for index, (shift, mask) in enumerate(slices):
            for worker_id, mine_value in buckets.get((kind, index, (value >> shift) & mask), ()):
                if other != worker_id and (value ^ mine_value).bit_count() <= limit:
                    a, b = sorted((str(worker_id), str(other)))
                    pairs.add((a, b, kind))
    if not pairs:
        return []
    ids = {uuid.UUID(w) for a, b, _ in pairs for w in (a, b)}
    owners = {
        str(w): (a, b, r)
        for w, a, b, r in session.execute(
            select(
                Worker.id, Worker.registered_by_id, Worker.branch_id, Worker.registered_on
            ).where(Worker.id.in_(ids))
        )
    }
    findings = []
    for a, b, kind in sorted(pairs):
        # the pair belongs to the agent who registered the later of the two
        later = max((owners[a], owners[b]), key=lambda owner: (owner[2], owner[0] or 0))
        agent_id, branch_id, registered_on = later
        findings.append(
            Finding(
                "photo_reuse",
                f"photo_reuse:{kind}:{a}:{b}",
                agent_id,
                branch_id,
                Month.of(registered_on),
                {uuid.UUID(a), uuid.UUID(b)},
                {"photo": kind, "threshold_bits": rule.photo_max_distance},
            )
        )
    return findings


def _slices(distance: int) -> list[tuple[int, int]]:
    count = min(64, distance + 1)
    width = 64 // count
    return [
        (i * width, (1 << (width if i < count - 1 else 64 - i * width)) - 1) for i in range(count)
    ]


# --- the month's shape -----------------------------------------------------------------------


def month_end_bursts(session: Session, scope: Scope, rule: QualityRule) -> list[Finding]:
    """Agents whose month ends just past the acquisition minimum because of a burst in its last
    days: the burst's registrations are the ones whose fee the minimum unlocked."""
    minimum = rule_set_for(session, scope.month).acquisition_minimum
    burst_from = scope.month.last_day().toordinal() - rule.burst_last_days + 1
    late_from = date.fromordinal(burst_from)
    totals = (
        select(
            Worker.registered_by_id,
            Worker.branch_id,
            func.count().label("total"),
            func.count().filter(Worker.registered_on >= late_from).label("late"),
        )
        .where(*_in_month(scope))
        .group_by(Worker.registered_by_id, Worker.branch_id)
    )
    flagged = [
        (agent_id, branch_id, total, late)
        for agent_id, branch_id, total, late in session.execute(totals)
        if minimum <= total <= minimum + rule.burst_margin
        and late >= rule.burst_min
        and total - late < minimum
    ]
    findings = []
    for agent_id, branch_id, total, late in flagged:
        ids = set(
            session.scalars(
                select(Worker.id).where(
                    *_in_month(scope),
                    Worker.registered_by_id == agent_id,
                    Worker.registered_on >= late_from,
                )
            )
        )
        findings.append(
            Finding(
                "month_end_burst",
                f"month_end_burst:{agent_id}:{scope.month}",
                agent_id,
                branch_id,
                scope.month,
                ids,
                {
                    "total": total,
                    "last_days": rule.burst_last_days,
                    "late": late,
                    "minimum": minimum,
                },
            )
        )
    return findings


def no_renewals(session: Session, scope: Scope, rule: QualityRule) -> list[Finding]:
    """The month's new payers of an agent who, once the next month is over, never paid beyond
    their first month (only judged when today is past the month after)."""
    if scope.today is None or Month.of(scope.today) <= scope.month + 1:
        return []
    month = str(scope.month)
    cohort = select(
        Worker.registered_by_id,
        Worker.branch_id,
        func.count().label("cohort"),
        func.count().filter(Worker.covered_until == month).label("stopped"),
    ).where(*_in_month(scope), Worker.first_paid_month == month)
    cohort = cohort.group_by(Worker.registered_by_id, Worker.branch_id)
    findings = []
    for agent_id, branch_id, size, stopped in session.execute(cohort):
        if size < rule.no_renewal_min or stopped * 10_000 < rule.no_renewal_share_bp * size:
            continue
        ids = set(
            session.scalars(
                select(Worker.id).where(
                    *_in_month(scope),
                    Worker.registered_by_id == agent_id,
                    Worker.first_paid_month == month,
                    Worker.covered_until == month,
                )
            )
        )
        findings.append(
            Finding(
                "no_renewal",
                f"no_renewal:{agent_id}:{scope.month}",
                agent_id,
                branch_id,
                scope.month,
                ids,
                {"cohort": size, "stopped": stopped, "threshold_bp": rule.no_renewal_share_bp},
            )
        )
    return findings


SIGNALS = (
    shared_phones,
    shared_beneficiary_phones,
    positions,
    outside_area,
    fast_captures,
    photo_reuse,
    month_end_bursts,
    no_renewals,
)
