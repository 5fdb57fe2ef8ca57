"""What a participant would pay (DOMAIN.md §3): the next months, arrears first, each month
priced on the income level and programs in force for it; and the reference price list.

A first payment starts in the month it is paid; a later one extends from the last covered
month; in grace (status_for() == "grace") the arrears are paid first; after "ended" a payment
starts afresh in the month paid and the gap is never charged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from perisai.contributions.coverage import covered_until_on
from perisai.contributions.profiles import last_payable_month, profiles_for_months
from perisai.contributions.rules import MonthPrice, NoRates, RuleBook, UnknownLevel
from perisai.errors import field_error
from perisai.months import Month, month_range
from perisai.workers.models import Worker, status_for


@dataclass
class Quote:
    months: list[MonthPrice]
    arrears: int = 0
    status: str | None = None
    covered_until: Month | None = None
    extra: dict = field(default_factory=dict)
    # (income_level, has_jht) of the first month: what the payment records as its profile
    profile: tuple[int, bool] | None = None

    @property
    def total(self) -> int:
        return sum(price.total for price in self.months)

    @property
    def start_month(self) -> Month:
        return self.months[0].month

    def as_dict(self) -> dict:
        body = {
            "total": self.total,
            "months": [price.as_dict() for price in self.months],
            "start_month": str(self.start_month),
            "arrears_months": self.arrears,
        }
        if self.status is not None:
            body["status"] = self.status
            body["covered_until"] = str(self.covered_until) if self.covered_until else None
        return {**body, **self.extra}


def next_start_month(covered_until: Month | None, paid_in: Month) -> Month:
    """The first month a payment made in `paid_in` covers (arrears first, never the gap)."""
    if covered_until is None or status_for(covered_until, paid_in) == "ended":
        return paid_in
    return covered_until + 1


def price_or_error(rules: RuleBook, months: list[Month], *, location: str, **profile):
    try:
        return rules.price_months(months, **profile)
    except UnknownLevel as error:
        raise field_error(
            "income_level", f"contributions.unknown_level|{error.month}", location=location
        ) from error
    except NoRates as error:
        raise field_error(
            "months", f"contributions.no_rates|{error.month}", location=location
        ) from error


def quote_for_worker(
    session: Session,
    worker: Worker,
    months: int,
    as_of: date,
    *,
    funding: str | None = None,
    rules: RuleBook | None = None,
    location: str = "query",
) -> Quote:
    """The next `months` months this participant would pay for on `as_of`, arrears first.

    Each month is priced on the income level and programs in force for it (an edit takes
    effect from the next unpaid month; arrears keep the old price); no month after the month
    of the participant's death is payable."""
    paid_in = Month.of(as_of)
    start = next_start_month(worker.covered_until, paid_in)
    covered = month_range(start, months)
    if (last := last_payable_month(worker)) is not None and covered[-1] > last:
        token = f"contributions.after_death|{worker.died_on.isoformat()}|{last}"
        raise field_error("months", token, location=location)
    rules = rules or RuleBook.of(session)
    profiles = profiles_for_months(session, worker, covered)
    prices = []
    for (income_level, has_jht), run in _runs(profiles, covered):
        prices += price_or_error(
            rules,
            run,
            location=location,
            income_level=income_level,
            has_jht=has_jht,
            sector=worker.sector,
            funding=funding or worker.funding,
        )
    return Quote(
        months=prices,
        arrears=sum(1 for m in covered if m < paid_in),
        status=status_for(worker.covered_until, paid_in, worker.died_on),
        covered_until=worker.covered_until,
        profile=profiles[0],
    )


def _runs(profiles: list, months: list[Month]) -> list[tuple]:
    """Consecutive months with the same profile, as (profile, months)."""
    runs: list[tuple] = []
    for profile, month in zip(profiles, months, strict=True):
        if runs and runs[-1][0] == profile:
            runs[-1][1].append(month)
        else:
            runs.append((profile, [month]))
    return runs


def quote_as_of(session: Session, worker: Worker, months: int, as_of: date) -> Quote:
    """GET …/quote?as_of=: the months a payment with paid_on `as_of` would pay for now, with
    the status and coverage as they stood on `as_of` (registered before the first payment)."""
    quote = quote_for_worker(session, worker, months, as_of)
    quote.covered_until = covered_until_on(session, worker, as_of)
    quote.status = status_for(quote.covered_until, Month.of(as_of), worker.died_on)
    return quote


def quote_reference(
    session: Session,
    *,
    income_level: int,
    programs: list[str],
    sector: str,
    funding: str,
    start_month: Month,
    months: int,
) -> Quote:
    """A price list without a participant (GET /reference/quote)."""
    if sorted(programs) not in (["JKK", "JKM"], ["JHT", "JKK", "JKM"]):
        raise field_error("programs", "contributions.programs", location="query")
    prices = price_or_error(
        RuleBook.of(session),
        month_range(start_month, months),
        location="query",
        income_level=income_level,
        has_jht="JHT" in programs,
        sector=sector,
        funding=funding,
    )
    return Quote(months=prices)
