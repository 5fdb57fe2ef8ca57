"""`flask --app wsgi perisai rates …`: list and add rule versions without a code release."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from perisai import clock
from perisai.cli import create_audited, month_option, perisai_cli
from perisai.contributions.approvals import add_late_rule
from perisai.contributions.rates import (
    add_discount_rule,
    add_rate_version,
    parse_levels_csv,
    rate_table,
)
from perisai.contributions.schemas import RatesSchema
from perisai.extensions import db

rates_cli = AppGroup("rates", help="Contribution rate rules (versioned by contribution month).")


def _apply(operation, audited_as: str, **kwargs):
    return create_audited(
        audited_as, lambda: operation(db.session, today_month=clock.this_month(), **kwargs)
    )


@rates_cli.command("list")
def list_command():
    """Print every rate version and discount rule as JSON."""
    rules = RatesSchema().dump(rate_table(db.session))
    for version in rules["rate_versions"]:
        levels = version.pop("income_levels")
        version["income_levels"] = f"{len(levels)} levels, {levels[0]}–{levels[-1]}"
    click.echo(json.dumps(rules, indent=2, ensure_ascii=False))


@rates_cli.command("add")
@click.option("--from", "effective_from", required=True, callback=month_option, help="YYYY-MM")
@click.option("--jkk-bp", type=int, help="JKK in basis points of the level (100 = 1 %)")
@click.option("--jkm", type=int, help="JKM flat rupiah per month")
@click.option("--jht-bp", type=int, help="JHT in basis points of the level (200 = 2 %)")
@click.option("--levels-csv", type=click.File("r", encoding="utf-8"), help="income levels")
@click.option("--levels-are-assumption", is_flag=True, help="the table is not confirmed [U]")
@click.option("--source", required=True, help="the regulation or decision")
def add_command(effective_from, jkk_bp, jkm, jht_bp, levels_csv, levels_are_assumption, source):
    """Add a rate version from a contribution month on (unset values carry over)."""
    levels = parse_levels_csv(levels_csv.read()) if levels_csv else None
    version = _apply(
        add_rate_version,
        "rate_version",
        effective_from=effective_from,
        jkk_basis_points=jkk_bp,
        jkm_flat=jkm,
        jht_basis_points=jht_bp,
        levels=levels,
        levels_are_assumption=levels_are_assumption,
        source=source,
    )
    click.echo(f"Versi tarif / rate version {version.id} berlaku mulai {version.effective_from}")


@rates_cli.command("add-discount")
@click.option("--name", required=True)
@click.option("--sector", type=click.Choice(["transport", "other"]), help="default: every sector")
@click.option("--from", "effective_from", required=True, callback=month_option, help="YYYY-MM")
@click.option("--to", "effective_to", required=True, callback=month_option, help="YYYY-MM")
@click.option("--bp-off", type=click.IntRange(0, 10_000), required=True, help="5000 = 50 %")
@click.option("--exclude-funding", default="apbn,apbd", show_default=True)
@click.option("--source", required=True)
def add_discount_command(
    name, sector, effective_from, effective_to, bp_off, exclude_funding, source
):
    """Add a discount on JKK+JKM for a window of contribution months (newest rule wins)."""
    rule = _apply(
        add_discount_rule,
        "discount_rule",
        name=name,
        sector=sector,
        effective_from=effective_from,
        effective_to=effective_to,
        basis_points_off=bp_off,
        excluded_funding=[f.strip() for f in exclude_funding.split(",") if f.strip()],
        source=source,
    )
    click.echo(f"Diskon / discount {rule.id}: {rule.effective_from}–{rule.effective_to}")


@rates_cli.command("late-days")
@click.option("--from", "effective_from", required=True, type=click.DateTime(["%Y-%m-%d"]))
@click.option("--days", type=click.IntRange(0, 366), required=True, help="default rule: 7")
@click.option("--source", required=True, help="the regulation or decision")
def late_days_command(effective_from, days, source):
    """Days after paid_on a payment for months already over may be recorded without approval."""
    rule = create_audited(
        "late_rule",
        lambda: add_late_rule(
            db.session,
            effective_from=effective_from.date(),
            today=clock.today(),
            max_days_late=days,
            source=source,
        ),
        with_fields=False,
    )
    click.echo(f"Aturan keterlambatan / late-payment rule {rule.id}: {days} hari/days")


perisai_cli.add_command(rates_cli)
