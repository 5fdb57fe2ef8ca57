"""Pricing a contribution month from the versioned rules (DOMAIN.md §3).

Rounding (written down because the rules are data and a future table may not be round):
every percentage is applied in integer basis points and rounded HALF UP to the whole rupiah,
    jkk = round_half_up(level × jkk_bp / 10 000), jht likewise;
and a discount is applied to JKK and to JKM separately, the amount PAYABLE rounded half up:
    payable = round_half_up(full × (10 000 − bp_off) / 10 000).
With the seeded table (levels multiples of Rp 100,000, JKM Rp 6,800) every figure is whole anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from perisai import clock
from perisai.contributions.models import DiscountRule, IncomeLevel, RateVersion
from perisai.money import BASIS_POINTS, round_half_up
from perisai.months import Month

FULL = BASIS_POINTS
_LEVELS_CACHE: dict[tuple, frozenset[int]] = {}


@dataclass(frozen=True)
class MonthPrice:
    month: Month
    jkk: int
    jkm: int
    jht: int
    rate_version_id: int
    discount_rule_id: int | None

    @property
    def total(self) -> int:
        return self.jkk + self.jkm + self.jht

    def as_dict(self) -> dict:
        return {
            "month": str(self.month),
            "jkk": self.jkk,
            "jkm": self.jkm,
            "jht": self.jht,
            "total": self.total,
            "rate_version_id": self.rate_version_id,
            "discount_rule_id": self.discount_rule_id,
        }


class UnknownLevel(Exception):
    """The income level is not in the table of the rate version that applies to the month."""

    def __init__(self, month: Month):
        super().__init__(str(month))
        self.month = month


class NoRates(Exception):
    """No rate version applies to the month (before the first one)."""

    def __init__(self, month: Month):
        super().__init__(str(month))
        self.month = month


class RuleBook:
    """The rule versions read once for a request (rules are few rows and insert-only)."""

    @classmethod
    def of(cls, session: Session) -> RuleBook:
        """The session's rule book, read once per session: a sync batch of 500 operations
        then prices them all from one read (rule rows are insert-only)."""
        book = session.info.get("perisai.rulebook")
        if book is None:
            book = session.info["perisai.rulebook"] = cls(session)
        return book

    def __init__(self, session: Session):
        self.session = session
        self.versions = session.scalars(
            select(RateVersion).order_by(RateVersion.effective_from, RateVersion.id)
        ).all()
        self.discounts = session.scalars(select(DiscountRule).order_by(DiscountRule.id)).all()

    def version_for(self, month: Month) -> RateVersion:
        chosen = None
        for version in self.versions:  # sorted by (effective_from, id): the last match wins
            if version.effective_from <= month:
                chosen = version
        if chosen is None:
            raise NoRates(month)
        return chosen

    def discount_for(self, month: Month, sector: str, funding: str) -> DiscountRule | None:
        chosen = None
        for rule in self.discounts:  # by id: the newest matching rule wins
            if rule.sector in (None, sector) and rule.effective_from <= month <= rule.effective_to:
                chosen = rule
        if chosen is None or funding in chosen.excluded or chosen.basis_points_off == 0:
            return None
        return chosen

    def levels(self, version: RateVersion) -> frozenset[int]:
        # A version's table never changes once written, so it is cached per process; the key
        # holds created_at too, so an id reused after a rolled-back insert is not confused.
        key = (version.id, version.created_at)
        if key not in _LEVELS_CACHE:
            if len(_LEVELS_CACHE) > 256:
                _LEVELS_CACHE.clear()
            _LEVELS_CACHE[key] = frozenset(
                self.session.scalars(
                    select(IncomeLevel.amount).where(IncomeLevel.rate_version_id == version.id)
                )
            )
        return _LEVELS_CACHE[key]

    def price(
        self, month: Month, *, income_level: int, has_jht: bool, sector: str, funding: str
    ) -> MonthPrice:
        version = self.version_for(month)
        if income_level not in self.levels(version):
            raise UnknownLevel(month)
        jkk = round_half_up(income_level * version.jkk_basis_points)
        jkm = version.jkm_flat
        jht = round_half_up(income_level * version.jht_basis_points) if has_jht else 0
        discount = self.discount_for(month, sector, funding)
        if discount is not None:  # JKK and JKM only; JHT is never discounted
            keep = FULL - discount.basis_points_off
            jkk, jkm = round_half_up(jkk * keep), round_half_up(jkm * keep)
        return MonthPrice(
            month=month,
            jkk=jkk,
            jkm=jkm,
            jht=jht,
            rate_version_id=version.id,
            discount_rule_id=discount.id if discount else None,
        )

    def price_months(self, months: list[Month], **profile) -> list[MonthPrice]:
        return [self.price(month, **profile) for month in months]


@event.listens_for(Session, "before_flush")
def _forget_rulebook_on_new_rules(session, flush_context, instances) -> None:
    """A rule version written in this session must be seen by the session's next price."""
    if any(isinstance(obj, RateVersion | DiscountRule | IncomeLevel) for obj in session.new):
        session.info.pop("perisai.rulebook", None)


# --- income levels ---------------------------------------------------------------------------


def income_levels(session: Session, month: Month | None = None) -> tuple[RateVersion, list[int]]:
    """The rate version in force for `month` (default this month) and its income levels."""
    rules = RuleBook.of(session)
    version = rules.version_for(month or clock.this_month())
    return version, sorted(rules.levels(version))


def is_income_level(session: Session, level: int, month: Month | None = None) -> bool:
    try:
        rules = RuleBook.of(session)
        return level in rules.levels(rules.version_for(month or clock.this_month()))
    except NoRates:
        return False
