"""Which incentive rule set applies to a month, adding a version, and the rounding rule.

Rounding (written down because the percentages are data): every fee is computed per ledger
entry in integer arithmetic and rounded HALF UP to the whole rupiah,
    collection entry = round_half_up(contribution of the covered month × rate_bp / 10 000),
    wadah fee        = round_half_up(agent's monthly total × wadah_bp / 10 000),
where a negative total (a month dominated by claw-backs) rounds half away from zero, so a
reversal is always the exact negative of what it reverses. Statements are sums of entries.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai.commissions.models import CommissionClose, CommissionRuleSet
from perisai.errors import Conflict, field_error
from perisai.money import BASIS_POINTS
from perisai.months import Month

FULL = BASIS_POINTS

RULE_FIELDS = (
    "acquisition_fee_with_jht",
    "acquisition_fee_basic",
    "acquisition_minimum",
    "full_rate_until",
    "full_rate_bp",
    "reduced_rate_until",
    "reduced_rate_bp",
    "wadah_bp",
    "warning_months",
    "suspend_months",
    "reactivation_months",
    "wadah_below_target_months",
)


def rule_set_for(session: Session, month: Month, *, location: str = "path") -> CommissionRuleSet:
    rule = session.scalar(
        select(CommissionRuleSet)
        .where(CommissionRuleSet.effective_from <= month)
        .order_by(CommissionRuleSet.effective_from.desc(), CommissionRuleSet.id.desc())
        .limit(1)
    )
    if rule is None:
        raise field_error("month", f"commissions.no_rules|{month}", location=location)
    return rule


def add_rule_set(session: Session, *, data: dict, created_by=None) -> CommissionRuleSet:
    """A new version from `effective_from` on. Months already closed anywhere keep theirs."""
    start = data["effective_from"]
    if data["full_rate_until"] > data["reduced_rate_until"]:
        raise field_error("full_rate_until", "commissions.rules_order")
    last_closed = session.scalar(select(func.max(CommissionClose.month)))
    if last_closed is not None and Month.parse(str(last_closed)) >= start:
        token = f"commissions.rules_closed|{last_closed}"
        raise Conflict(token, {"json": {"effective_from": [token]}})
    rule = CommissionRuleSet(
        effective_from=start,
        source=data["source"],
        created_by_id=getattr(created_by, "id", None),
        **{name: data[name] for name in RULE_FIELDS},
    )
    session.add(rule)
    session.flush()
    return rule
