"""Rule versions as data: the seeded rules, adding versions by API and CLI, newest rule wins."""

import pytest

from perisai import clock
from perisai.contributions.rates import parse_levels_csv
from perisai.contributions.rules import RuleBook
from perisai.months import Month


def test_rates_reference_lists_versions_and_discounts(client):
    rules = client.get("/api/v1/reference/rates").get_json()
    [version] = rules["rate_versions"]
    assert (version["jkk_basis_points"], version["jkm_flat"], version["jht_basis_points"]) == (
        100,
        6_800,
        200,
    )
    assert version["effective_to"] is None and version["levels_are_assumption"] is True
    assert len(version["income_levels"]) == 198
    periods = {
        (d["sector"], d["effective_from"], d["effective_to"], d["basis_points_off"])
        for d in rules["discounts"]
    }
    assert periods == {
        ("transport", "2026-01", "2027-03", 5000),
        ("other", "2026-04", "2026-12", 5000),
    }
    assert all(sorted(d["excluded_funding"]) == ["apbd", "apbn"] for d in rules["discounts"])
    assert "half up" in rules["rounding"]


def test_income_levels_reference(client):
    response = client.get("/api/v1/reference/income-levels")
    levels = response.get_json()
    assert levels[0] == 1_000_000 and levels[-1] == 20_700_000
    assert response.headers["X-Rate-Version"] == "1"


def test_admin_adds_a_rate_version_from_a_future_month(as_admin, db):
    start = Month.of(clock.today()) + 2
    response = as_admin.post(
        "/api/v1/reference/rates",
        json={"effective_from": str(start), "jkm_flat": 7_200, "source": "Keputusan uji"},
    )
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["jkm_flat"] == 7_200 and created["jkk_basis_points"] == 100
    assert len(created["income_levels"]) == 198  # carried over
    quote = as_admin.get(
        f"/api/v1/reference/quote?income_level=1000000&funding=apbd&start_month={start - 1}"
        "&months=2"
    ).get_json()
    assert [m["total"] for m in quote["months"]] == [16_800, 17_200]
    assert quote["months"][1]["rate_version_id"] == created["id"]
    rules = as_admin.get("/api/v1/reference/rates").get_json()["rate_versions"]
    assert rules[0]["effective_to"] == str(start - 1)


def test_a_new_income_level_table_replaces_the_old_one(as_admin):
    start = Month.of(clock.today()) + 1
    response = as_admin.post(
        "/api/v1/reference/rates",
        json={
            "effective_from": str(start),
            "income_levels": [1_000_000, 1_500_000, 2_000_000],
            "source": "Lampiran II",
        },
    )
    assert response.status_code == 201
    assert as_admin.client.get(f"/api/v1/reference/income-levels?month={start}").get_json() == [
        1_000_000,
        1_500_000,
        2_000_000,
    ]
    refused = as_admin.get(f"/api/v1/reference/quote?income_level=1100000&start_month={start}")
    assert refused.status_code == 422


def test_past_months_keep_their_prices(as_admin):
    past = Month.of(clock.today()) - 1
    response = as_admin.post(
        "/api/v1/reference/rates",
        json={"effective_from": str(past), "jkm_flat": 1, "source": "x y z"},
    )
    assert response.status_code == 422
    assert "effective_from" in response.get_json()["errors"]["json"]


def test_the_newest_discount_rule_wins(as_admin, db):
    start = Month.of(clock.today()) + 1
    response = as_admin.post(
        "/api/v1/reference/discounts",
        json={
            "name": "Diskon uji",
            "sector": None,
            "effective_from": str(start),
            "effective_to": str(start),
            "basis_points_off": 2_500,
            "source": "uji coba",
            "excluded_funding": ["apbn"],
        },
    )
    assert response.status_code == 201, response.get_json()
    price = RuleBook(db.session).price(
        start, income_level=1_000_000, has_jht=True, sector="other", funding="apbd"
    )
    assert (price.jkk, price.jkm, price.jht) == (7_500, 5_100, 20_000)
    bad = as_admin.post(
        "/api/v1/reference/discounts",
        json={
            "name": "Terbalik",
            "effective_from": str(start + 1),
            "effective_to": str(start),
            "basis_points_off": 10,
            "source": "uji coba",
        },
    )
    assert bad.status_code == 422


def test_levels_csv_parsing():
    assert parse_levels_csv('income_level,note\n1.000.000,x\n"Rp 1,100,000"\n\n1200000\n') == [
        1_000_000,
        1_100_000,
        1_200_000,
    ]
    from perisai.errors import ValidationFailed

    with pytest.raises(ValidationFailed):
        parse_levels_csv("1000000\nabc\n")


def test_cli_lists_and_adds_versions(app, db, tmp_path):
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["perisai", "rates", "list"])
    assert listed.exit_code == 0 and "198 levels, 1000000–20700000" in listed.output
    csv_file = tmp_path / "levels.csv"
    csv_file.write_text("income_level\n1000000\n2000000\n", encoding="utf-8")
    start = Month.of(clock.today()) + 3
    added = runner.invoke(
        args=[
            "perisai",
            "rates",
            "add",
            "--from",
            str(start),
            "--levels-csv",
            str(csv_file),
            "--source",
            "Lampiran II PP 44/2015",
        ]
    )
    assert added.exit_code == 0, added.output
    rules = RuleBook(db.session)
    assert sorted(rules.levels(rules.version_for(start))) == [1_000_000, 2_000_000]
    discount = runner.invoke(
        args=[
            "perisai",
            "rates",
            "add-discount",
            "--name",
            "Uji",
            "--from",
            str(start),
            "--to",
            str(start + 2),
            "--bp-off",
            "5000",
            "--source",
            "uji",
        ]
    )
    assert discount.exit_code == 0, discount.output
    past = runner.invoke(
        args=["perisai", "rates", "add", "--from", "2020-01", "--jkm", "1", "--source", "uji"]
    )
    assert past.exit_code != 0
