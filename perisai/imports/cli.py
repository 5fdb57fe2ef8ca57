"""`flask --app wsgi perisai run-import JOB_ID`: the runner an upload starts, or a manual resume."""

from __future__ import annotations

import uuid

import click

from perisai.cli import perisai_cli
from perisai.extensions import db
from perisai.i18n import t
from perisai.imports import chunks, runner
from perisai.imports.models import RUNNING, ImportJob


@perisai_cli.command("run-import")
@click.argument("job_id")
@click.option("--force", is_flag=True, help="take over even if the last runner seems alive")
@click.option("--chunk-rows", type=int, default=None, help="rows per transaction (default 500)")
@click.option("--pause", type=float, default=0.0, help="seconds to wait after each chunk")
def run_import_command(job_id, force, chunk_rows, pause):
    """Run, or resume after an interruption, one import job."""
    try:
        key = uuid.UUID(job_id)
    except ValueError as error:
        raise click.ClickException("Bukan id impor / not an import id") from error
    job = db.session.get(ImportJob, key)
    if job is None:
        raise click.ClickException("Impor tidak ditemukan / import not found")
    if job.state not in RUNNING:
        click.echo(f"{job.id}: {job.state} (tidak ada yang dijalankan / nothing to run)")
        return
    try:
        job = runner.run_job(
            db.session,
            key,
            force=force,
            chunk_rows=chunk_rows or chunks.CHUNK_ROWS,
            pause=pause,
        )
    except runner.Busy as error:
        raise click.ClickException(
            t("imports.busy", "id") + " / " + t("imports.busy", "en")
        ) from error
    click.echo(
        f"{job.id}: {job.state} — {job.imported_rows} imported, {job.invalid_rows} invalid, "
        f"{job.paid_rows} paid (Rp {job.amount_paid})"
    )
