"""The PU contribution of a month (DOMAIN.md §12), every figure computed by hand: JKK by risk
group, JKM, JHT and JP with their employer and worker shares, the programs each size class
must join, the JP wage ceiling of the month, the rounding rule and the late fine."""

from __future__ import annotations

from datetime import date

import pytest

from perisai.employers.quotes import due_on, months_late, price_wages
from perisai.employers.rules import program_rule_for, rate_version_for
from perisai.months import Month
from tests.employers.helpers import add_worker, register

WAGE = 5_000_000  # one worker; every share below is of this wage (below the JP ceiling)
# JKK of Rp 5,000,000 at 0.24 / 0.54 / 0.89 / 1.27 / 1.74 %
JKK = {1: 12_000, 2: 27_000, 3: 44_500, 4: 63_500, 5: 87_000}
JKM = 15_000  # 0.30 %
JHT = (185_000, 100_000)  # 3.7 % employer, 2 % worker
JP = (100_000, 50_000)  # 2 % employer, 1 % worker
# (size, risk group) → (employer share, worker share, total), added up by hand
EXPECTED = {
    ("micro", 1): (27_000, 0, 27_000),
    ("micro", 2): (42_000, 0, 42_000),
    ("micro", 3): (59_500, 0, 59_500),
    ("micro", 4): (78_500, 0, 78_500),
    ("micro", 5): (102_000, 0, 102_000),
    ("small", 1): (212_000, 100_000, 312_000),
    ("small", 2): (227_000, 100_000, 327_000),
    ("small", 3): (244_500, 100_000, 344_500),
    ("small", 4): (263_500, 100_000, 363_500),
    ("small", 5): (287_000, 100_000, 387_000),
    ("medium", 1): (312_000, 150_000, 462_000),
    ("medium", 2): (327_000, 150_000, 477_000),
    ("medium", 3): (344_500, 150_000, 494_500),
    ("medium", 4): (363_500, 150_000, 513_500),
    ("medium", 5): (387_000, 150_000, 537_000),
    ("large", 1): (312_000, 150_000, 462_000),
    ("large", 2): (327_000, 150_000, 477_000),
    ("large", 3): (344_500, 150_000, 494_500),
    ("large", 4): (363_500, 150_000, 513_500),
    ("large", 5): (387_000, 150_000, 537_000),
}
REQUIRED = {
    "micro": ["JKK", "JKM"],
    "small": ["JKK", "JKM", "JHT"],
    "medium": ["JKK", "JKM", "JHT", "JP"],
    "large": ["JKK", "JKM", "JHT", "JP"],
}


@pytest.mark.today("2026-06-15")
@pytest.mark.parametrize(("size", "risk_group"), sorted(EXPECTED))
def test_the_quote_of_each_size_class_and_risk_group(as_agent, org, size, risk_group):
    employer = register(as_agent, size=size, risk_group=risk_group)
    add_worker(as_agent, employer["id"], wage=WAGE)
    quote = as_agent.get(f"/api/v1/employers/{employer['id']}/quote?month=2026-05").get_json()
    assert quote["programs_required"] == REQUIRED[size]
    expected = {
        "JKK": (JKK[risk_group], 0),
        "JKM": (JKM, 0),
        "JHT": JHT,
        "JP": JP,
    }
    assert {p["program"]: (p["employer"], p["worker"]) for p in quote["programs"]} == {
        program: expected[program] for program in REQUIRED[size]
    }
    for program in quote["programs"]:
        assert program["total"] == program["employer"] + program["worker"]
    assert (quote["employer_total"], quote["worker_total"], quote["total"]) == EXPECTED[
        size, risk_group
    ]
    # paid on 2026-06-15, the due day of May's contributions: no fine
    assert (quote["due_on"], quote["months_late"], quote["fine"]) == ("2026-06-15", 0, 0)
    assert quote["amount_due"] == quote["total"]
    assert (quote["workers"], quote["wage_total"]) == (1, WAGE)


@pytest.mark.today("2026-06-15")
def test_jkk_of_each_risk_group_is_its_rate_of_the_wage(db, org):
    rates = rate_version_for(db.session, Month(2026, 6))
    for risk_group, amount in JKK.items():
        [jkk] = price_wages(rates, risk_group, ["JKK"], [WAGE])
        assert (jkk.employer, jkk.worker) == (amount, 0)


@pytest.mark.today("2026-06-15")
def test_jp_is_computed_on_the_wage_capped_at_the_ceiling_of_the_month(db, org):
    """Rp 12,000,000 earns JP on the ceiling: Rp 10,547,400 from March 2025 (2 % = 210,948,
    1 % = 105,474), Rp 10,042,300 from March 2024 (200,846 and 100,423); JKK, JKM and JHT stay
    on the whole wage."""
    cases = [
        (Month(2026, 5), 10_547_400, (210_948, 105_474)),
        (Month(2025, 3), 10_547_400, (210_948, 105_474)),
        (Month(2025, 2), 10_042_300, (200_846, 100_423)),
        (Month(2024, 3), 10_042_300, (200_846, 100_423)),
    ]
    for month, ceiling, jp in cases:
        rates = rate_version_for(db.session, month)
        assert rates.jp_wage_ceiling == ceiling
        jkk, jht, jp_share = price_wages(rates, 1, ["JKK", "JHT", "JP"], [12_000_000])
        assert (jp_share.employer, jp_share.worker) == jp
        assert (jkk.employer, jht.employer, jht.worker) == (28_800, 444_000, 240_000)
    at_ceiling, below = (
        price_wages(rates, 1, ["JP"], [10_042_300]),
        price_wages(rates, 1, ["JP"], [10_042_299]),
    )
    assert (at_ceiling[0].employer, below[0].employer) == (200_846, 200_846)  # 200,845.98 → up


@pytest.mark.today("2026-06-15")
def test_a_month_before_the_first_rates_is_refused(as_agent, org):
    employer = register(as_agent)
    response = as_agent.get(f"/api/v1/employers/{employer['id']}/quote?month=2024-02")
    assert response.status_code == 422
    assert response.get_json()["errors"]["query"]["month"]


@pytest.mark.today("2026-06-15")
def test_shares_are_rounded_half_up_per_worker_then_added(db, org):
    """Rp 1,234,567 at risk group 3: JKK 10,987.65 → 10,988; JKM 3,703.70 → 3,704;
    JHT 45,678.98 → 45,679 and 24,691.34 → 24,691; JP 24,691.34 → 24,691, 12,345.67 → 12,346.
    Two workers of Rp 2,500: JKM 7.5 → 8 each, 16 (on the sum it would be 15)."""
    rates = rate_version_for(db.session, Month(2026, 6))
    jkk, jkm, jht, jp = price_wages(rates, 3, ["JKK", "JKM", "JHT", "JP"], [1_234_567])
    assert (jkk.employer, jkm.employer) == (10_988, 3_704)
    assert (jht.employer, jht.worker, jp.employer, jp.worker) == (45_679, 24_691, 24_691, 12_346)
    [jkm_two] = price_wages(rates, 1, ["JKM"], [2_500, 2_500])
    assert jkm_two.employer == 16


def test_the_late_fine_counts_each_month_or_part_of_one_after_the_due_day():
    march = Month(2026, 3)
    assert due_on(march, 15) == date(2026, 4, 15)
    assert due_on(Month(2026, 1), 31) == date(2026, 2, 28)  # the shorter month's last day
    assert months_late(march, 15, date(2026, 4, 15)) == 0
    assert months_late(march, 15, date(2026, 4, 16)) == 1
    assert months_late(march, 15, date(2026, 5, 15)) == 1
    assert months_late(march, 15, date(2026, 5, 16)) == 2
    assert months_late(march, 15, date(2027, 4, 16)) == 13


@pytest.mark.today("2026-06-15")
def test_a_late_month_quotes_its_fine(as_agent, org):
    """March 2026, small, risk 2, Rp 5,000,000: 327,000 a month; on 2026-05-16 it is 2 months
    late, 2 % each: fine round_half_up(327,000 × 4 %) = 13,080, 340,080 due."""
    employer = register(as_agent, size="small", risk_group=2, registered_on="2026-03-01")
    add_worker(as_agent, employer["id"], wage=WAGE)
    url = f"/api/v1/employers/{employer['id']}/quote?month=2026-03&paid_on=2026-05-16"
    quote = as_agent.get(url).get_json()
    assert (quote["total"], quote["months_late"], quote["late_fine_bp"]) == (327_000, 2, 200)
    assert (quote["fine"], quote["amount_due"]) == (13_080, 340_080)


@pytest.mark.today("2026-06-15")
def test_the_programs_a_size_must_join_are_versioned_data(as_admin, db, org):
    assert program_rule_for(db.session, Month(2026, 6), "micro").programs == ["JKK", "JKM"]
    response = as_admin.post(
        "/api/v1/employer-rules/programs",
        json={
            "effective_from": "2026-08",
            "size": "micro",
            "programs": ["JKK", "JKM", "JHT"],
            "source": "test: micro joins JHT from August",
        },
    )
    assert response.status_code == 201, response.get_json()
    assert program_rule_for(db.session, Month(2026, 7), "micro").programs == ["JKK", "JKM"]
    assert program_rule_for(db.session, Month(2026, 8), "micro").programs == ["JKK", "JKM", "JHT"]
    bad = {"effective_from": "2026-08", "size": "micro", "programs": ["JKK", "JP"], "source": "x y"}
    assert as_admin.post("/api/v1/employer-rules/programs", json=bad).status_code == 422


@pytest.mark.today("2026-06-15")
def test_a_new_rate_version_changes_the_ceiling_from_its_month(as_admin, as_agent, org):
    employer = register(as_agent, size="medium", risk_group=1)
    add_worker(as_agent, employer["id"], wage=12_000_000)
    body = {
        "effective_from": "2026-07",
        **{
            f"jkk_risk{g}_bp": bp for g, bp in zip(range(1, 6), (24, 54, 89, 127, 174), strict=True)
        },
        "jkm_bp": 30,
        "jht_employer_bp": 370,
        "jht_worker_bp": 200,
        "jp_employer_bp": 200,
        "jp_worker_bp": 100,
        "jp_wage_ceiling": 11_000_000,
        "late_fine_bp": 200,
        "source": "test: a higher JP ceiling from July 2026",
    }
    assert as_admin.post("/api/v1/employer-rules/rates", json=body).status_code == 201
    assert as_agent.post("/api/v1/employer-rules/rates", json=body).status_code == 403
    url = f"/api/v1/employers/{employer['id']}/quote?month="
    jp_june = as_agent.get(url + "2026-06&paid_on=2026-06-15").get_json()["programs"][3]
    jp_july = as_agent.get(url + "2026-07&paid_on=2026-06-15").get_json()["programs"][3]
    assert (jp_june["employer"], jp_june["worker"]) == (210_948, 105_474)
    assert (jp_july["employer"], jp_july["worker"]) == (220_000, 110_000)
    rules = as_agent.get("/api/v1/reference/employer-rules?month=2026-07").get_json()
    assert rules["rates"]["jp_wage_ceiling"] == 11_000_000
    assert [r["size"] for r in rules["programs"]] == ["micro", "small", "medium", "large"]
    assert (rules["commission"]["first_payment_fee"], rules["commission"]["collection_bp"]) == (
        0,
        0,
    )
