"""`flask --app wsgi perisai load-regions [--source DIR]`: load or refresh the region list."""

from __future__ import annotations

import time

import click

from perisai.audit.operations import record_cli
from perisai.extensions import db
from perisai.regions.operations import RegionFileError, load_regions


@click.command("load-regions")
@click.option(
    "--source",
    type=click.Path(exists=True, file_okay=False),
    help="folder with provinces/regencies/districts/villages .csv or .csv.gz "
    "(default: the vendored list)",
)
def load_regions_command(source):
    """Load (or update from a newer list) the Kemendagri regions; never deletes codes."""
    started = time.perf_counter()
    try:
        counts = load_regions(db.session, source)
    except RegionFileError as error:
        db.session.rollback()
        raise click.ClickException(
            f"Daftar wilayah ditolak / region list refused: {error}"
        ) from error
    record_cli(db.session, [("load", "region", None)])
    db.session.commit()
    seconds = time.perf_counter() - started
    click.echo(f"Wilayah dimuat / regions loaded in {seconds:.1f} s: {counts}")
