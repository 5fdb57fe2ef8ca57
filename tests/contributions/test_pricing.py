"""Exact rupiah of DOMAIN.md §3: the formula, the PP 50/2025 discount, funding, rounding."""

import itertools

import pytest

from perisai.contributions.quotes import quote_reference
from perisai.contributions.rules import RuleBook
from perisai.money import round_half_up
from perisai.months import Month

LOWEST, HIGHEST = 1_000_000, 20_700_000


def price(db, month, *, level=LOWEST, jht=False, sector="other", funding="self"):
    return RuleBook(db.session).price(
        Month.parse(month), income_level=level, has_jht=jht, sector=sector, funding=funding
    )


def test_lowest_level_before_the_discount(db):
    assert price(db, "2025-12").total == 16_800
    full = price(db, "2025-12", jht=True)
    assert (full.jkk, full.jkm, full.jht, full.total) == (10_000, 6_800, 20_000, 36_800)


def test_highest_level(db):
    top = price(db, "2025-12", level=HIGHEST, jht=True)
    assert (top.jkk, top.jkm, top.jht) == (207_000, 6_800, 414_000)


def test_other_sector_may_2026_is_halved(db):
    may = price(db, "2026-05")
    assert (may.jkk, may.jkm, may.total) == (5_000, 3_400, 8_400)
    assert may.discount_rule_id is not None


def test_other_sector_discount_window_is_april_to_december_2026(db):
    assert price(db, "2026-03").total == 16_800
    assert price(db, "2026-04").total == 8_400
    assert price(db, "2026-12").total == 8_400
    assert price(db, "2027-01").total == 16_800


def test_transport_february_2026_discounts_jkk_jkm_never_jht(db):
    feb = price(db, "2026-02", sector="transport", jht=True)
    assert (feb.jkk, feb.jkm, feb.jht, feb.total) == (5_000, 3_400, 20_000, 28_400)


def test_transport_window_ends_march_2027(db):
    assert price(db, "2027-03", sector="transport").total == 8_400
    april = price(db, "2027-04", sector="transport", jht=True)
    assert april.jkk + april.jkm == 16_800
    assert april.total == 36_800
    assert april.discount_rule_id is None
    assert price(db, "2025-12", sector="transport").total == 16_800


@pytest.mark.parametrize(
    "funding, total",
    [("apbd", 16_800), ("apbn", 16_800), ("apbdes", 8_400), ("csr", 8_400), ("self", 8_400)],
)
def test_no_discount_when_jkk_jkm_paid_from_apbn_or_apbd(db, funding, total):
    assert price(db, "2026-05", funding=funding).total == total


def test_twelve_months_from_december_2026_priced_month_by_month(db):
    quote = quote_reference(
        db.session,
        income_level=LOWEST,
        programs=["JKK", "JKM"],
        sector="other",
        funding="self",
        start_month=Month.parse("2026-12"),
        months=12,
    )
    totals = [(str(p.month), p.total) for p in quote.months]
    assert totals[0] == ("2026-12", 8_400)
    assert totals[1:] == [(f"2027-{m:02d}", 16_800) for m in range(1, 12)]
    assert quote.total == 8_400 + 11 * 16_800 == 193_200


def test_every_priced_month_names_its_rule_versions(db):
    may = price(db, "2026-05", level=5_000_000, jht=True)
    assert may.rate_version_id == 1
    assert (may.jkk, may.jkm, may.jht) == (25_000, 3_400, 100_000)


def test_round_half_up_in_whole_rupiah():
    assert round_half_up(1_050_050 * 100) == 10_501  # 10,500.5 → 10,501
    assert round_half_up(1_050_049 * 100) == 10_500
    assert round_half_up(6_801 * 5_000) == 3_401  # a discounted odd JKM: 3,400.5 → 3,401
    assert round_half_up(0) == 0


def test_a_level_outside_the_table_is_refused(db):
    from perisai.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as caught:
        quote_reference(
            db.session,
            income_level=1_050_000,
            programs=["JKK", "JKM"],
            sector="other",
            funding="self",
            start_month=Month.parse("2026-05"),
            months=1,
        )
    assert caught.value.errors == {
        "query": {"income_level": ["contributions.unknown_level|2026-05"]}
    }


def test_seeded_income_levels_are_labelled_an_assumption(db):
    rules = RuleBook(db.session)
    version = rules.version_for(Month.parse("2026-05"))
    levels = sorted(rules.levels(version))
    assert levels[0] == LOWEST and levels[-1] == HIGHEST and len(levels) == 198
    assert all(b - a == 100_000 for a, b in itertools.pairwise(levels))
    assert version.levels_are_assumption
