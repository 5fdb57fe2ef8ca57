"""Which PU rule version applies to a contribution month, and adding one (administrators).

The version for month M is the one with the latest `effective_from` <= M, ties to the newest id,
so a later version ends the previous one and a same-month version corrects it; months already
paid keep the versions their payments name. Seeded by migration 0028 with their sources.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from perisai.audit.operations import Actor, record_many
from perisai.employers.models import (
    PROGRAMS,
    SIZES,
    EmployerCommissionRule,
    EmployerProgramRule,
    EmployerRateVersion,
)
from perisai.errors import field_error
from perisai.months import Month

RATE_FIELDS = (
    "jkk_risk1_bp",
    "jkk_risk2_bp",
    "jkk_risk3_bp",
    "jkk_risk4_bp",
    "jkk_risk5_bp",
    "jkm_bp",
    "jht_employer_bp",
    "jht_worker_bp",
    "jp_employer_bp",
    "jp_worker_bp",
    "jp_wage_ceiling",
    "late_fine_bp",
    "due_day",
)


def _latest(session: Session, model, month: Month, *where):
    return session.scalar(
        select(model)
        .where(model.effective_from <= month, *where)
        .order_by(model.effective_from.desc(), model.id.desc())
        .limit(1)
    )


def rate_version_for(session: Session, month: Month, *, location="query") -> EmployerRateVersion:
    version = _latest(session, EmployerRateVersion, month)
    if version is None:
        raise field_error("month", f"employers.no_rates|{month}", location=location)
    return version


def program_rule_for(
    session: Session, month: Month, size: str, *, location="query"
) -> EmployerProgramRule:
    rule = _latest(session, EmployerProgramRule, month, EmployerProgramRule.size == size)
    if rule is None:
        raise field_error("month", f"employers.no_rates|{month}", location=location)
    return rule


def commission_rule_for(session: Session, month: Month) -> EmployerCommissionRule | None:
    """None before the first rule set: no commission at all."""
    return _latest(session, EmployerCommissionRule, month)


def add_rate_version(session: Session, *, data: dict, created_by=None) -> EmployerRateVersion:
    version = EmployerRateVersion(
        effective_from=data["effective_from"],
        source=data["source"],
        created_by_id=getattr(created_by, "id", None),
        **{name: data[name] for name in RATE_FIELDS},
    )
    session.add(version)
    session.flush()
    record_many(session, Actor.current(), [("create", "employer_rule", f"rates-{version.id}")])
    return version


def add_program_rule(session: Session, *, data: dict, created_by=None) -> EmployerProgramRule:
    chosen = [p for p in PROGRAMS if p in data["programs"]]
    if len(chosen) != len(set(data["programs"])) or not {"JKK", "JKM"} <= set(chosen):
        raise field_error("programs", "employers.programs_invalid")
    rule = EmployerProgramRule(
        effective_from=data["effective_from"],
        size=data["size"],
        program_list=",".join(chosen),
        source=data["source"],
        created_by_id=getattr(created_by, "id", None),
    )
    session.add(rule)
    session.flush()
    record_many(session, Actor.current(), [("create", "employer_rule", f"programs-{rule.id}")])
    return rule


def add_commission_rule(session: Session, *, data: dict, created_by=None) -> EmployerCommissionRule:
    rule = EmployerCommissionRule(
        effective_from=data["effective_from"],
        first_payment_fee=data["first_payment_fee"],
        collection_bp=data["collection_bp"],
        source=data["source"],
        created_by_id=getattr(created_by, "id", None),
    )
    session.add(rule)
    session.flush()
    record_many(session, Actor.current(), [("create", "employer_rule", f"commission-{rule.id}")])
    return rule


@dataclass
class RulesInForce:
    month: Month
    rates: EmployerRateVersion
    programs: list[EmployerProgramRule]
    commission: EmployerCommissionRule | None


def rules_in_force(session: Session, month: Month) -> RulesInForce:
    """Every PU rule version that applies to `month` (the reference answer and the pages)."""
    return RulesInForce(
        month=month,
        rates=rate_version_for(session, month),
        programs=[program_rule_for(session, month, size) for size in SIZES],
        commission=commission_rule_for(session, month),
    )
