"""Which notification rule is in force on a day, and adding a new version (never an edit)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.errors import Conflict
from perisai.notifications.models import NotificationRule


def rule_for(session: Session, day: date) -> NotificationRule:
    """The rule in force on `day` (a branch day): the newest effective_from <= day."""
    rule = session.scalar(
        select(NotificationRule)
        .where(NotificationRule.effective_from <= day)
        .order_by(NotificationRule.effective_from.desc(), NotificationRule.id.desc())
        .limit(1)
    )
    if rule is None:  # the migration seeds one from 2000-01-01; without it the data is broken
        raise Conflict("notifications.no_rule")
    return rule


def add_rule(
    session: Session,
    *,
    effective_from: date,
    min_days_between: int,
    due_days: int,
    quiet_start_minute: int,
    quiet_end_minute: int,
    source: str,
    created_by=None,
) -> NotificationRule:
    """A new version of the rules from a day onwards; reminders queued before keep theirs."""
    rule = NotificationRule(
        effective_from=effective_from,
        min_days_between=min_days_between,
        due_days=due_days,
        quiet_start_minute=quiet_start_minute,
        quiet_end_minute=quiet_end_minute,
        source=source,
        created_by_id=getattr(created_by, "id", None),
    )
    session.add(rule)
    session.flush()
    return rule
