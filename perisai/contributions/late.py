"""Payments recorded late (DOMAIN.md §3): which late-payment rule is in force on a recording
day, and whether a payment waits for a supervisor's approval."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.contributions.models import LatePaymentRule
from perisai.months import Month

DEFAULT_MAX_DAYS_LATE = 7  # when no late_payment_rules row is in force (migration 0015 seeds one)
LATE_RULES_KEY = "perisai.late_rules"


def late_rule_for(session: Session, recorded_on: date) -> LatePaymentRule | None:
    """The late-payment rule in force on a recording day (latest effective_from; ties: newest).

    The rules are a few insert-only rows, read once per session like the rate book (a sync
    batch of 500 payments costs one query); `add_late_rule` forgets them."""
    rules = session.info.get(LATE_RULES_KEY)
    if rules is None:
        with session.no_autoflush:  # a sync batch may hold staged rows it flushes itself
            rules = session.info[LATE_RULES_KEY] = session.scalars(
                select(LatePaymentRule).order_by(LatePaymentRule.effective_from, LatePaymentRule.id)
            ).all()
    chosen = None
    for rule in rules:  # by (effective_from, id): the last one in force wins
        if rule.effective_from <= recorded_on:
            chosen = rule
    return chosen


def max_days_late(rule: LatePaymentRule | None) -> int:
    """Days a payment may be recorded after its paid_on before it waits for approval."""
    return rule.max_days_late if rule is not None else DEFAULT_MAX_DAYS_LATE


def needs_approval(
    rule: LatePaymentRule | None, paid_on: date, recorded_on: date, covers: list[Month]
) -> bool:
    """Recorded more than the rule's days after paid_on, for a month over by the recording day."""
    max_days = max_days_late(rule)
    over = Month.of(recorded_on)  # every month before the recording day's month has ended
    return (recorded_on - paid_on).days > max_days and any(m < over for m in covers)
