"""The server's pricing against the shared vectors (tests/vectors/pricing.json): month prices
from the seeded rules plus the file's own, the months a payment covers, status, the month an
edit takes effect, whole quotes, and the participant body's `pricing` segments after an edit.
The browser test runs the same vectors against the PWA's frontend/js/pricing.js."""

from types import SimpleNamespace

import pytest

from perisai import clock
from perisai.contributions import rates
from perisai.contributions.quotes import next_start_month, quote_for_worker
from perisai.contributions.rules import NoRates, RuleBook, UnknownLevel
from perisai.months import Month, month_range
from perisai.workers.changes import effective_month
from perisai.workers.models import status_for
from tests.conftest import login
from tests.factories import make_worker
from tests.vectors import ids, load

VECTORS = load("pricing")
EARLIEST = Month.parse("2015-07")  # the seeded version: the vectors' rules may start any month


def _month(text):
    return Month.parse(text) if text else None


@pytest.fixture
def rules(db):
    """The seeded rules and the vector file's, in the file's order (newer ids win)."""
    for version in VECTORS["rules"]["rate_versions"]:
        rates.add_rate_version(
            db.session,
            effective_from=Month.parse(version["effective_from"]),
            today_month=EARLIEST,
            jkk_basis_points=version["jkk_basis_points"],
            jkm_flat=version["jkm_flat"],
            jht_basis_points=version["jht_basis_points"],
            levels=version["income_levels"],
            source="tests/vectors/pricing.json",
        )
    for rule in VECTORS["rules"]["discounts"]:
        rates.add_discount_rule(
            db.session,
            name=rule["name"],
            sector=rule["sector"],
            effective_from=Month.parse(rule["effective_from"]),
            effective_to=Month.parse(rule["effective_to"]),
            basis_points_off=rule["basis_points_off"],
            excluded_funding=rule["excluded_funding"],
            source="tests/vectors/pricing.json",
            today_month=EARLIEST,
        )
    return RuleBook(db.session)


@pytest.mark.parametrize("case", VECTORS["months"], ids=ids(VECTORS["months"]))
def test_month_price_vector(rules, case):
    month = Month.parse(case["month"])
    profile = {
        "income_level": case["income_level"],
        "has_jht": case["jht"],
        "sector": case["sector"],
        "funding": case["funding"],
    }
    expect = case["expect"]
    if "error" in expect:
        error = {"no_rates": NoRates, "unknown_level": UnknownLevel}[expect["error"]]
        with pytest.raises(error):
            rules.price(month, **profile)
        return
    price = rules.price(month, **profile)
    assert (price.jkk, price.jkm, price.jht, price.total) == (
        expect["jkk"],
        expect["jkm"],
        expect["jht"],
        expect["total"],
    )


@pytest.mark.parametrize("case", VECTORS["next_months"], ids=ids(VECTORS["next_months"]))
def test_next_months_vector(case):
    start = next_start_month(_month(case["covered_until"]), Month.parse(case["paid_month"]))
    assert [str(m) for m in month_range(start, case["count"])] == case["expect"]


@pytest.mark.parametrize("case", VECTORS["status"], ids=ids(VECTORS["status"]))
def test_status_vector(case):
    assert status_for(_month(case["covered_until"]), Month.parse(case["month"])) == case["expect"]


@pytest.mark.parametrize("case", VECTORS["effective_month"], ids=ids(VECTORS["effective_month"]))
def test_effective_month_vector(case):
    worker = SimpleNamespace(covered_until=_month(case["covered_until"]))
    today = Month.parse(case["month"]).first_day()
    assert str(effective_month(worker, today)) == case["expect"]


@pytest.mark.parametrize("case", VECTORS["quotes"], ids=ids(VECTORS["quotes"]))
def test_quote_vector(db, org, rules, case):
    covered = _month(case["covered_until"])
    worker = make_worker(
        db.session,
        org.agent,
        covered_until=covered,
        first_paid_month=covered,
        income_level=case["income_level"],
        has_jht="JHT" in case["programs"],
        sector=case["sector"],
        funding=case["funding"],
    )
    paid_on = Month.parse(case["paid_month"]).first_day()
    quote = quote_for_worker(db.session, worker, case["count"], paid_on, rules=rules)
    assert [[str(p.month), p.total] for p in quote.months] == case["expect"]["months"]
    assert quote.total == case["expect"]["total"]


@pytest.mark.parametrize("case", VECTORS["edits"], ids=ids(VECTORS["edits"]))
def test_edit_vector(app, db, org, rules, case):
    worker = make_worker(
        db.session,
        org.agent,
        covered_until=_month(case["covered_until"]),
        first_paid_month=_month(case["first_paid_month"]),
        income_level=case["income_level"],
        has_jht="JHT" in case["programs"],
        sector=case["sector"],
        funding=case["funding"],
    )
    db.session.commit()
    url = f"/api/v1/workers/{worker.id}"
    with clock.travel(case["today"]):
        as_agent = login(app, org.agent_user.username)  # a session of that day
        edited = as_agent.patch(url, json={"version": 1, **case["edit"]})
        assert edited.status_code == 200, edited.get_json()
        body = as_agent.get(url).get_json()
        quote = as_agent.get(f"{url}/quote?months={case['count']}").get_json()
    expect = case["expect"]
    assert body["pricing"] == expect["pricing"]
    assert [[m["month"], m["total"]] for m in quote["months"]] == expect["months"]
    assert quote["total"] == expect["total"]
