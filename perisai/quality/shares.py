"""Agent quality for the leaderboard (DOMAIN.md §9): of an agent's registrations of a month,
the share in a flag, in a confirmed flag and in a cleared one, for a page of agents at once."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from perisai.months import Month
from perisai.quality.models import FlaggedWorker, QualityFlag
from perisai.workers.models import Worker


@dataclass(frozen=True)
class QualityShare:
    registered: int = 0
    flagged: int = 0  # in a flag of any state
    confirmed: int = 0
    cleared: int = 0  # in a cleared flag and no confirmed one

    def rate(self, part: int) -> float | None:
        return round(part / self.registered, 4) if self.registered else None


def quality_shares(session: Session, agent_ids, month: Month) -> dict[int, QualityShare]:
    agent_ids = list(agent_ids)
    if not agent_ids:
        return {}
    in_month = (
        Worker.registered_by_id.in_(agent_ids),
        Worker.registered_on >= month.first_day(),
        Worker.registered_on <= month.last_day(),
    )
    registered = dict(
        session.execute(
            select(Worker.registered_by_id, func.count())
            .where(*in_month)
            .group_by(Worker.registered_by_id)
        ).all()
    )
    confirmed = FlaggedWorker.worker_id.in_(
        select(FlaggedWorker.worker_id)
        .join(QualityFlag, QualityFlag.id == FlaggedWorker.flag_id)
        .where(QualityFlag.state == "confirmed")
    )
    rows = session.execute(
        select(
            Worker.registered_by_id,
            func.count(distinct(Worker.id)),
            func.count(distinct(Worker.id)).filter(QualityFlag.state == "confirmed"),
            func.count(distinct(Worker.id)).filter(QualityFlag.state == "cleared", ~confirmed),
        )
        .join(FlaggedWorker, FlaggedWorker.worker_id == Worker.id)
        .join(QualityFlag, QualityFlag.id == FlaggedWorker.flag_id)
        .where(*in_month)
        .group_by(Worker.registered_by_id)
    )
    found = {agent_id: QualityShare(registered=count) for agent_id, count in registered.items()}
    for agent_id, flagged, confirmed_count, cleared in rows:
        found[agent_id] = QualityShare(
            registered.get(agent_id, 0), flagged, confirmed_count, cleared
        )
    return found
