"""Flags from findings (perisai.quality.signals), and the supervisor's review of them.

Computing the signals again updates an open flag (its participants and evidence) instead of
adding another. A reviewed flag never changes: participants found under the same key later
raise a new flag (the next `generation`) holding only them. A review is audited; confirming a
flag marks its agent for dismissal and its participants for verification (DOMAIN.md §9, §4):
both are read from the confirmed flags (`agent_marked_for_dismissal`, `verifications`).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from perisai import clock
from perisai.audit.operations import Actor, record_many
from perisai.errors import Conflict, NotFound
from perisai.quality.models import FlaggedWorker, QualityFlag, QualityRule
from perisai.quality.signals import Finding

FW = FlaggedWorker.__table__


def apply_findings(session: Session, findings: Iterable[Finding], rule: QualityRule) -> int:
    """Raise or update one flag per finding; returns the flags raised or changed."""
    # in key order: two transactions updating the same flags lock them in the same order
    findings = sorted(findings, key=lambda f: f.key)
    if not findings:
        return 0
    keys = sorted({f.key for f in findings})
    existing: dict[str, list[QualityFlag]] = {}
    for start in range(0, len(keys), 2000):
        for flag in session.scalars(
            select(QualityFlag).where(QualityFlag.key.in_(keys[start : start + 2000]))
        ):
            existing.setdefault(flag.key, []).append(flag)
    members = _members(session, [f.id for flags in existing.values() for f in flags])
    changed = 0
    now = clock.now()
    for finding in findings:
        flags = sorted(existing.get(finding.key, []), key=lambda f: f.generation)
        latest = flags[-1] if flags else None
        if latest is not None and latest.state == "open":
            if members.get(latest.id) != finding.worker_ids or latest.detail != finding.detail:
                _set_members(session, latest.id, finding.worker_ids - members.get(latest.id, set()))
                latest.detail, latest.updated_at, latest.rule_id = finding.detail, now, rule.id
                changed += 1
            continue
        seen = set().union(*(members.get(f.id, set()) for f in flags)) if flags else set()
        new = finding.worker_ids - seen
        if not new:
            continue  # everyone in it was reviewed before
        flag = QualityFlag(
            kind=finding.kind,
            key=finding.key,
            generation=(latest.generation + 1) if latest else 1,
            agent_id=finding.agent_id,
            branch_id=finding.branch_id,
            month=finding.month,
            state="open",
            detail=finding.detail,
            rule_id=rule.id,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():  # a registration committed alongside raised it too
                session.add(flag)
                session.flush()
        except IntegrityError:
            continue  # that transaction's flag stands; the next check adds these to it
        _set_members(session, flag.id, new)
        changed += 1
    return changed


def _members(session: Session, flag_ids: list[int]) -> dict[int, set]:
    found: dict[int, set] = {}
    for start in range(0, len(flag_ids), 2000):
        rows = session.execute(
            select(FW.c.flag_id, FW.c.worker_id).where(
                FW.c.flag_id.in_(flag_ids[start : start + 2000])
            )
        )
        for flag_id, worker_id in rows:
            found.setdefault(flag_id, set()).add(worker_id)
    return found


def _set_members(session: Session, flag_id: int, added: set) -> None:
    rows = [{"flag_id": flag_id, "worker_id": worker_id} for worker_id in sorted(added, key=str)]
    for start in range(0, len(rows), 5000):
        session.execute(insert(FlaggedWorker), rows[start : start + 5000])


def flag_or_404(session: Session, scope, flag_id: int) -> QualityFlag:
    flag = session.get(QualityFlag, flag_id)
    if flag is None or not scope.allows_branch(flag.branch_id):
        raise NotFound()
    return flag


def review_flag(session: Session, *, flag: QualityFlag, decision: str, note: str, user):
    """Clear (a false alarm: the held fees are released at the next close) or confirm (the
    fees are clawed back at the next close) an open flag, with the reviewer's note."""
    if flag.state != "open":
        raise Conflict(f"quality.already_reviewed|{flag.state}")
    flag.state = "cleared" if decision == "clear" else "confirmed"
    flag.review_note = note
    flag.reviewed_by_id = getattr(user, "id", None)
    flag.reviewed_at = clock.now()
    session.flush()
    record_many(session, Actor.current(), [(decision, "quality_flag", flag.id)])
    return flag


def agent_marked_for_dismissal(session: Session, agent_id: int) -> bool:
    return (
        session.scalar(
            select(QualityFlag.id)
            .where(QualityFlag.agent_id == agent_id, QualityFlag.state == "confirmed")
            .limit(1)
        )
        is not None
    )


def verifications(scope):
    """Participants of confirmed flags in the caller's branches: to be verified in person."""
    return (
        select(FW.c.worker_id, QualityFlag.id, QualityFlag.kind, QualityFlag.reviewed_at)
        .join(QualityFlag, QualityFlag.id == FW.c.flag_id)
        .where(QualityFlag.state == "confirmed", scope.branches(QualityFlag.branch_id))
        .order_by(QualityFlag.reviewed_at.desc())
    )
