"""Administering the rule versions: new rate versions, income-level tables from CSV, discounts."""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from perisai.contributions.models import DiscountRule, IncomeLevel, RateVersion
from perisai.contributions.rules import RuleBook
from perisai.errors import field_error
from perisai.months import Month
from perisai.workers.models import FUNDING_SOURCES, SECTORS, Occupation

ROUNDING = (
    "Percentages in basis points, rounded half up to whole rupiah; a discount is applied to "
    "JKK and JKM separately and the payable amount rounded half up."
)


def parse_levels_csv(text: str) -> list[int]:
    """One level a row, first column; a header row and thousands separators are allowed."""
    levels = []
    for row in csv.reader(io.StringIO(text)):
        if not row or not row[0].strip():
            continue
        digits = re.sub(r"[\s.,]|^Rp", "", row[0].strip(), flags=re.IGNORECASE)
        if not digits.isdigit():
            if not levels:
                continue  # a header such as "income_level"
            raise field_error("income_levels", "contributions.levels_invalid")
        levels.append(int(digits))
    return levels


def add_rate_version(
    session: Session,
    *,
    effective_from: Month,
    today_month: Month,
    jkk_basis_points: int | None = None,
    jkm_flat: int | None = None,
    jht_basis_points: int | None = None,
    levels: list[int] | None = None,
    levels_are_assumption: bool = False,
    source: str,
    created_by=None,
) -> RateVersion:
    """A new version from `effective_from` on; anything not given is carried over.

    Past months keep their prices: a version may start this month at the earliest.
    """
    if effective_from < today_month:
        raise field_error("effective_from", "contributions.effective_from_past")
    current = RuleBook(session).version_for(effective_from)
    if levels is not None and (not levels or len(set(levels)) != len(levels) or min(levels) <= 0):
        raise field_error("income_levels", "contributions.levels_invalid")
    version = RateVersion(
        effective_from=effective_from,
        jkk_basis_points=_or(jkk_basis_points, current.jkk_basis_points),
        jkm_flat=_or(jkm_flat, current.jkm_flat),
        jht_basis_points=_or(jht_basis_points, current.jht_basis_points),
        source=source,
        levels_are_assumption=(
            current.levels_are_assumption if levels is None else levels_are_assumption
        ),
        created_by_id=getattr(created_by, "id", None),
    )
    session.add(version)
    session.flush()
    amounts = levels if levels is not None else sorted(RuleBook(session).levels(current))
    session.add_all(IncomeLevel(rate_version_id=version.id, amount=a) for a in sorted(amounts))
    session.flush()
    return version


def _or(value, fallback):
    return fallback if value is None else value


def add_discount_rule(
    session: Session,
    *,
    name: str,
    sector: str | None,
    effective_from: Month,
    effective_to: Month,
    basis_points_off: int,
    excluded_funding: list[str],
    source: str,
    today_month: Month,
    created_by=None,
) -> DiscountRule:
    """A discount on JKK+JKM for a window of contribution months (newest rule wins)."""
    if effective_from < today_month:
        raise field_error("effective_from", "contributions.effective_from_past")
    if effective_to < effective_from:
        raise field_error("effective_to", "contributions.period")
    if sector not in (None, *SECTORS):
        raise field_error("sector", "field.one_of|" + ", ".join(SECTORS))
    if not set(excluded_funding) <= set(FUNDING_SOURCES):
        raise field_error("excluded_funding", "field.one_of|" + ", ".join(FUNDING_SOURCES))
    rule = DiscountRule(
        name=name,
        sector=sector,
        effective_from=effective_from,
        effective_to=effective_to,
        basis_points_off=basis_points_off,
        excluded_funding=",".join(sorted(set(excluded_funding))),
        source=source,
        created_by_id=getattr(created_by, "id", None),
    )
    session.add(rule)
    session.flush()
    return rule


RULES_VERSION_HEADER = "X-Perisai-Rules-Version"


def rules_version(session: Session) -> str:
    """One short version of every rule the phone prices and registers with: rate versions, income
    levels, discounts and occupations. Rule rows are only ever added (an effective period, never
    an edit), so the newest id and the count of each table change whenever a rule does; an
    occupation switched off changes the active count. One query, cheap enough for every sync."""

    def count(model, *where):
        return select(func.count()).select_from(model).where(*where).scalar_subquery()

    row = session.execute(
        select(
            *(
                column
                for model in (RateVersion, IncomeLevel, DiscountRule)
                for column in (select(func.max(model.id)).scalar_subquery(), count(model))
            ),
            count(Occupation),
            count(Occupation, Occupation.is_active),
        )
    ).one()
    text = ":".join("-" if value is None else str(value) for value in row)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def version_header(session: Session) -> dict:
    """The header every reference answer and every sync answer carries: the phone refreshes its
    reference data when it sees a version other than the one it holds."""
    return {RULES_VERSION_HEADER: rules_version(session)}


@dataclass
class RatedVersion:
    """A rate version with what only the whole book tells: until when it is in force, whether a
    later version of the same month replaced it, and its income levels."""

    version: RateVersion
    effective_to: Month | None
    superseded: bool
    income_levels: list[int]


@dataclass
class RateTable:
    """Every rule version, enough for the PWA to price months offline exactly as the server."""

    version: str
    rate_versions: list[RatedVersion]
    discounts: list[DiscountRule]
    rounding: str = ROUNDING


def rate_table(session: Session) -> RateTable:
    rules = RuleBook(session)
    versions = list(rules.versions)
    out = []
    for i, version in enumerate(versions):
        following = [v for v in versions[i + 1 :] if v.effective_from > version.effective_from]
        superseded = any(v.effective_from == version.effective_from for v in versions[i + 1 :])
        effective_to = following[0].effective_from - 1 if following else None
        out.append(RatedVersion(version, effective_to, superseded, sorted(rules.levels(version))))
    return RateTable(rules_version(session), out, list(rules.discounts))
