"""`flask --app wsgi perisai standing|commission-rules|close-commissions`."""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from perisai.audit.operations import record_cli
from perisai.auth.permissions import Scope
from perisai.cli import create_audited, fail, month_option, perisai_cli
from perisai.commissions import close
from perisai.commissions.models import CommissionRuleSet
from perisai.commissions.rules import add_rule_set
from perisai.commissions.schemas import CloseResultSchema, RuleSetCreateSchema, RuleSetSchema
from perisai.commissions.standing import check_standing
from perisai.errors import DomainError
from perisai.extensions import db


def _months(ctx, param, values):
    return [month_option(ctx, param, value) for value in values]


@perisai_cli.command("standing")
@click.option("--month", required=True, callback=month_option, help="YYYY-MM")
def standing_command(month):
    """Warn/suspend agents and flag Wadah below target for a month (safe to run twice)."""
    try:
        result = check_standing(db.session, month=month)
    except DomainError as error:
        fail(error)
    record_cli(
        db.session,
        [
            ("standing", "month", month),
            *(("suspend", "agent", code) for code in result.suspended),
            *(("warn", "agent", code) for code in result.warned),
        ],
    )
    db.session.commit()
    click.echo(
        f"{month}: peringatan/warned {len(result.warned)}, ditangguhkan/suspended "
        f"{len(result.suspended)}, wadah di bawah target/below target "
        f"{len(result.wadahs_below_target)}"
    )
    for code in result.suspended:
        click.echo(f"  suspended {code}")
    for code in result.warned:
        click.echo(f"  warned {code}")
    for name in result.wadahs_below_target:
        click.echo(f"  below target: {name}")


@perisai_cli.command("close-commissions")
@click.option("--month", required=True, callback=month_option, help="YYYY-MM")
@click.option("--branch", default="all", help="branch code, or all")
@click.option(
    "--including",
    multiple=True,
    callback=_months,
    help="YYYY-MM: an earlier month still open that this close closes too (repeat for each)",
)
def close_command(month, branch, including):
    """Close an ended commission month for a branch or all branches (idempotent); earlier
    months still open are closed too only when named with --including."""
    try:
        ids = close.branch_ids_for_close(db.session, Scope("admin", None, None), branch)
        result = close.close_month(db.session, month=month, branch_ids=ids, including=including)
    except DomainError as error:
        fail(error)
    db.session.commit()
    click.echo(json.dumps(CloseResultSchema().dump(result), ensure_ascii=False))


rules_cli = AppGroup("commission-rules", help="Incentive rule sets (versioned by month).")


@rules_cli.command("list")
def list_rules_command():
    """Print every incentive rule set as JSON."""
    from sqlalchemy import select

    rows = db.session.scalars(
        select(CommissionRuleSet).order_by(CommissionRuleSet.effective_from, CommissionRuleSet.id)
    )
    click.echo(json.dumps(RuleSetSchema(many=True).dump(rows), indent=2, ensure_ascii=False))


@rules_cli.command("add")
@click.option("--from", "effective_from", required=True, callback=month_option, help="YYYY-MM")
@click.option("--acquisition-fee-with-jht", type=int, default=15_000, show_default=True)
@click.option("--acquisition-fee-basic", type=int, default=10_000, show_default=True)
@click.option("--acquisition-minimum", type=int, default=25, show_default=True)
@click.option("--full-rate-until", type=int, default=24, show_default=True)
@click.option("--full-rate-bp", type=int, default=1_500, show_default=True)
@click.option("--reduced-rate-until", type=int, default=60, show_default=True)
@click.option("--reduced-rate-bp", type=int, default=500, show_default=True)
@click.option("--wadah-bp", type=int, default=1_000, show_default=True)
@click.option("--warning-months", type=int, default=2, show_default=True)
@click.option("--suspend-months", type=int, default=3, show_default=True)
@click.option("--reactivation-months", type=int, default=6, show_default=True)
@click.option("--wadah-below-target-months", type=int, default=3, show_default=True)
@click.option("--source", required=True, help="the board decision or regulation")
def add_rules_command(**options):
    """Add an incentive rule set in force from a month still open."""
    data = {**options, "effective_from": str(options["effective_from"])}
    errors = RuleSetCreateSchema().validate(data)
    if errors:
        raise click.ClickException(json.dumps(errors, ensure_ascii=False))
    rule = create_audited(
        "rule_set", lambda: add_rule_set(db.session, data=RuleSetCreateSchema().load(data))
    )
    click.echo(json.dumps(RuleSetSchema().dump(rule), ensure_ascii=False))


perisai_cli.add_command(rules_cli)
