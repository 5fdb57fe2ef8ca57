"""Which quality thresholds apply to a registration month (perisai.quality.models.QualityRule)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.errors import field_error
from perisai.months import Month
from perisai.quality.models import QualityRule


def rule_for(session: Session, month: Month) -> QualityRule:
    rule = session.scalar(
        select(QualityRule)
        .where(QualityRule.effective_from <= month)
        .order_by(QualityRule.effective_from.desc(), QualityRule.id.desc())
        .limit(1)
    )
    if rule is None:
        raise field_error("month", f"quality.no_rule|{month}", location="query")
    return rule
