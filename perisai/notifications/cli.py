"""`flask --app wsgi perisai send-reminders`: queue the reminders due now and send the outbox."""

from __future__ import annotations

import click

from perisai.cli import perisai_cli
from perisai.extensions import db
from perisai.notifications.operations import queue_due, send_due


@perisai_cli.command("send-reminders")
@click.option("--queue-only", is_flag=True, help="queue what is due, send nothing now")
def send_reminders_command(queue_only):
    """Queue the renewal reminders (and agents' digests) due now, then send every message whose
    time has come (quiet hours hold the rest until morning)."""
    queued = queue_due(db.session)
    click.echo("queued: " + ", ".join(f"{name} {n}" for name, n in queued.items()))
    if queue_only:
        return
    counts = send_due(db.session)
    click.echo("sent: " + ", ".join(f"{name} {n}" for name, n in counts.as_dict().items()))
