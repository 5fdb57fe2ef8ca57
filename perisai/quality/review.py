"""What a supervisor sees of a flag: its participants side by side (NIK masked), with their
positions and photos, and the flags listed for a month."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.agents.models import Agent
from perisai.quality.models import FlaggedWorker, QualityFlag
from perisai.workers.models import Worker, WorkerPhoto, mask_nik


@dataclass
class FlagReview:
    """A flag and its participants, as FlagDetailSchema dumps it."""

    flag: QualityFlag
    members: list[dict]

    def __getattr__(self, name):
        return getattr(self.flag, name)


def flags_query(session: Session, scope, args: dict):
    stmt = select(QualityFlag).where(scope.branches(QualityFlag.branch_id))
    if args.get("month") is not None:
        stmt = stmt.where(QualityFlag.month == args["month"])
    if args.get("state"):
        stmt = stmt.where(QualityFlag.state == args["state"])
    if args.get("kind"):
        stmt = stmt.where(QualityFlag.kind == args["kind"])
    if args.get("agent_code"):
        agent = scope.agent_by_code(session, args["agent_code"])
        stmt = stmt.where(QualityFlag.agent_id == agent.id)
    return stmt.order_by(QualityFlag.month.desc(), QualityFlag.id.desc())


def members(session: Session, flag: QualityFlag) -> list[dict]:
    ids = [
        m.worker_id
        for m in session.scalars(select(FlaggedWorker).where(FlaggedWorker.flag_id == flag.id))
    ]
    workers = session.scalars(
        select(Worker).where(Worker.id.in_(ids)).order_by(Worker.registered_on, Worker.id)
    ).all()
    kinds: dict = {}
    for worker_id, kind in session.execute(
        select(WorkerPhoto.worker_id, WorkerPhoto.kind).where(WorkerPhoto.worker_id.in_(ids))
    ):
        kinds.setdefault(worker_id, []).append(kind)
    agent_ids = {w.registered_by_id for w in workers if w.registered_by_id is not None}
    codes = dict(
        session.execute(select(Agent.id, Agent.agent_code).where(Agent.id.in_(agent_ids))).all()
    )
    return [
        {
            "id": str(w.id),
            "membership_number": w.membership_number,
            "full_name": w.full_name,
            "nik_masked": mask_nik(w.nik),
            "registered_on": w.registered_on,
            "village_code": w.village_code,
            "agent_code": codes.get(w.registered_by_id),
            "lat": w.lat,
            "lon": w.lon,
            "accuracy_m": w.accuracy_m,
            "capture_seconds": w.capture_seconds,
            "first_paid_month": str(w.first_paid_month) if w.first_paid_month else None,
            "covered_until": str(w.covered_until) if w.covered_until else None,
            "photos": sorted(kinds.get(w.id, [])),
        }
        for w in workers
    ]
