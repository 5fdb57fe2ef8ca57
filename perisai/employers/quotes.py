"""What an employer owes for a contribution month (DOMAIN.md §12), program by program, with the
employer's and the workers' shares, and the late fine on the day it is paid.

Rounding (written down because the rates are data): every share is computed per worker on that
worker's monthly wage, in integer basis points, and rounded HALF UP to the whole rupiah
(perisai.money.round_half_up):
    share = round_half_up(wage × bp / 10 000), JP on min(wage, the JP wage ceiling);
a program's shares are the sums of its workers' shares, the contribution the sum of the
programs required for the employer's size class. A month's contribution is due on `due_day` of
the next month; paid later, the fine is
    fine = round_half_up(contribution × late_fine_bp × months late / 10 000),
a month late for each month (or part of one) after the due day. No float anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from perisai.employers.models import Employer, EmployerProgramRule, EmployerRateVersion
from perisai.employers.rules import program_rule_for, rate_version_for
from perisai.money import round_half_up
from perisai.months import Month

ROUNDING = (
    "per worker and program: round_half_up(wage × basis points / 10000), JP on the wage capped "
    "at the ceiling; program figures are sums of the workers' shares; "
    "fine = round_half_up(contribution × late_fine_bp × months_late / 10000)"
)


@dataclass
class ProgramShare:
    program: str
    employer_bp: int
    worker_bp: int
    employer: int = 0
    worker: int = 0

    @property
    def total(self) -> int:
        return self.employer + self.worker


@dataclass
class EmployerQuote:
    employer: Employer
    month: Month
    paid_on: date
    rates: EmployerRateVersion
    program_rule: EmployerProgramRule
    workers: int = 0
    wage_total: int = 0
    programs: list[ProgramShare] = field(default_factory=list)
    months_late: int = 0
    fine: int = 0
    rounding: str = ROUNDING

    @property
    def programs_required(self) -> list[str]:
        return self.program_rule.programs

    @property
    def employer_total(self) -> int:
        return sum(share.employer for share in self.programs)

    @property
    def worker_total(self) -> int:
        return sum(share.worker for share in self.programs)

    @property
    def total(self) -> int:
        """The month's contribution, without the fine."""
        return self.employer_total + self.worker_total

    @property
    def amount_due(self) -> int:
        return self.total + self.fine

    @property
    def due_on(self) -> date:
        return due_on(self.month, self.rates.due_day)

    @property
    def late_fine_bp(self) -> int:
        return self.rates.late_fine_bp

    @property
    def jp_wage_ceiling(self) -> int:
        return self.rates.jp_wage_ceiling

    def share(self, program: str) -> ProgramShare | None:
        return next((s for s in self.programs if s.program == program), None)


def _shares(rates: EmployerRateVersion, risk_group: int, programs: list[str]) -> list[ProgramShare]:
    rates_of = {
        "JKK": (rates.jkk_bp(risk_group), 0),
        "JKM": (rates.jkm_bp, 0),
        "JHT": (rates.jht_employer_bp, rates.jht_worker_bp),
        "JP": (rates.jp_employer_bp, rates.jp_worker_bp),
    }
    return [ProgramShare(p, *rates_of[p]) for p in programs]


def price_wages(
    rates: EmployerRateVersion, risk_group: int, programs: list[str], wages: list[int]
) -> list[ProgramShare]:
    """The programs' shares for these monthly wages (one per worker)."""
    shares = _shares(rates, risk_group, programs)
    for wage in wages:
        for share in shares:
            base = min(wage, rates.jp_wage_ceiling) if share.program == "JP" else wage
            share.employer += round_half_up(base * share.employer_bp)
            share.worker += round_half_up(base * share.worker_bp)
    return shares


def due_on(month: Month, due_day: int) -> date:
    """`due_day` of the month after `month` (its last day in a shorter month)."""
    following = month + 1
    return following.first_day().replace(day=min(due_day, following.last_day().day))


def months_late(month: Month, due_day: int, paid_on: date) -> int:
    """0 when paid by the due day; then 1 for each month, or part of one, after it."""
    late = 0
    while paid_on > due_on(month + late, due_day):
        late += 1
    return late


def quote_for_employer(
    session: Session, employer: Employer, month: Month, paid_on: date, *, location="query"
) -> EmployerQuote:
    """The month's contribution for the employer's workers as registered now, and the fine
    if it were paid on `paid_on`."""
    rates = rate_version_for(session, month, location=location)
    rule = program_rule_for(session, month, employer.size, location=location)
    wages = [worker.wage for worker in employer.workers]
    quote = EmployerQuote(
        employer=employer,
        month=month,
        paid_on=paid_on,
        rates=rates,
        program_rule=rule,
        workers=len(wages),
        wage_total=sum(wages),
        programs=price_wages(rates, employer.risk_group, rule.programs, wages),
    )
    quote.months_late = months_late(month, rates.due_day, paid_on)
    quote.fine = round_half_up(quote.total * rates.late_fine_bp * quote.months_late)
    return quote
