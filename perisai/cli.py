"""`flask --app wsgi perisai …`: demo data and account management.

A command that changes data records an audit event naming the command as its actor
(`perisai.audit.operations.record_cli`: `cli perisai create-user`), committed with the change."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import NoReturn, TypeVar

import click
from flask.cli import AppGroup

from perisai import demo
from perisai.agents.operations import find_agent, find_branch
from perisai.audit.operations import record_cli
from perisai.auth.operations import create_user
from perisai.backup import backup, restore
from perisai.errors import DomainError
from perisai.extensions import db
from perisai.i18n import t
from perisai.jobs.cli import jobs_cli
from perisai.months import Month
from perisai.regions.cli import load_regions_command
from perisai.storage import storage
from perisai.storage_cli import storage_cli

perisai_cli = AppGroup("perisai", help="Perisai Field administration.")

Row = TypeVar("Row")


def month_option(ctx, param, value):
    """Click callback: a `YYYY-MM` option as a Month (None when not given)."""
    try:
        return Month.parse(value) if value else None
    except ValueError as error:
        raise click.BadParameter("YYYY-MM") from error


def fail(error: DomainError, *, with_fields: bool = True) -> NoReturn:
    """Roll back and end the command with the error's message (and its fields as JSON)."""
    db.session.rollback()
    message = t(error.message)
    if with_fields:
        message = f"{message} {json.dumps(error.errors, ensure_ascii=False)}"
    raise click.ClickException(message) from error


def create_audited(entity: str, create: Callable[[], Row], *, with_fields: bool = True) -> Row:
    """Run a command's one create operation: on a DomainError roll back and fail; otherwise
    record the CLI audit event for the new row and commit with it."""
    try:
        row = create()
    except DomainError as error:
        fail(error, with_fields=with_fields)
    db.session.flush()
    record_cli(db.session, [("create", entity, row.id)])
    db.session.commit()
    return row


@perisai_cli.command("demo")
@click.option("--skip-if-not-empty", is_flag=True, help="exit quietly (0) when data exists")
def demo_command(skip_if_not_empty):
    """Fill an EMPTY database with the demo dataset (refuses otherwise)."""
    try:
        summary = demo.load_demo(db.session)
    except demo.NotEmpty:
        db.session.rollback()
        click.echo("Database sudah berisi data; demo tidak dimuat. / Database not empty.", err=True)
        sys.exit(0 if skip_if_not_empty else 1)
    record_cli(db.session, [("load", "demo", None)])
    db.session.commit()
    click.echo(f"Demo dimuat / demo loaded: {summary}")


@perisai_cli.command("create-user")
@click.argument("username")
@click.option("--role", type=click.Choice(["agent", "supervisor", "admin"]), required=True)
@click.option("--agent-code", help="for role agent")
@click.option("--branch-code", help="for role supervisor")
@click.password_option()
def create_user_command(username, role, agent_code, branch_code, password):
    """Create a login for a real person."""
    agent = find_agent(db.session, agent_code) if agent_code else None
    branch = find_branch(db.session, branch_code) if branch_code else None
    if (agent_code and agent is None) or (branch_code and branch is None):
        raise click.ClickException("Kode agen/cabang tidak ditemukan / unknown agent or branch")
    user = create_audited(
        "user",
        lambda: create_user(
            db.session, username=username, password=password, role=role, agent=agent, branch=branch
        ),
        with_fields=False,
    )
    click.echo(f"Dibuat / created: {user.username} ({user.role})")


@perisai_cli.command("backup")
@click.argument("target", type=click.Path(file_okay=False))
def backup_command(target):
    """Back up the database and the file storage into a new folder TARGET."""
    from flask import current_app

    manifest = backup(db.engine, storage(), target, current_app.config.get("PHOTO_STORE"))
    record_cli(db.session, [("export", "backup", None)])  # every participant's data, copied out
    db.session.commit()
    objects = manifest["objects"]["count"]
    click.echo(f"Cadangan dibuat / backup written: {target} {manifest['rows']} objects={objects}")


@perisai_cli.command("restore")
@click.argument("source", type=click.Path(exists=True, file_okay=False))
@click.option("--yes", is_flag=True, help="confirm: the current data is replaced")
def restore_command(source, yes):
    """Replace the database and the file storage with the backup in SOURCE."""
    from flask import current_app

    if not yes:
        raise click.ClickException("Tambahkan --yes: data sekarang akan diganti / add --yes")
    db.session.remove()
    manifest = restore(db.engine, storage(), source, current_app.config.get("PHOTO_STORE"))
    record_cli(db.session, [("restore", "backup", None)])  # in the restored log
    db.session.commit()
    click.echo(f"Dipulihkan / restored: {source} {manifest['rows']}")


def init_app(app):
    perisai_cli.add_command(load_regions_command)
    app.cli.add_command(perisai_cli)
    app.cli.add_command(storage_cli)
    app.cli.add_command(jobs_cli)
