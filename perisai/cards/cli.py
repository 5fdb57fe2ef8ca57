"""`flask --app wsgi perisai card-keys …`: the Ed25519 keys that sign card tokens.

    card-keys list          every key: id, state, public key, whether this server derives it
    card-keys rotate        a new key signs from now on; the others retire (still published)
    card-keys retire KID    one key stops signing (never the last one that signs)

Run on any one server: the key is derived from the shared secret, so every server signs with it
as soon as the row is committed. Each change is audited with the command as its actor.
"""

from __future__ import annotations

import json

import click
from flask.cli import AppGroup

from perisai.audit.operations import record_cli
from perisai.cards import keys
from perisai.cli import perisai_cli
from perisai.extensions import db

card_keys_cli = AppGroup("card-keys", help="Ed25519 keys that sign card QR tokens.")


def _row(key) -> dict:
    derived = keys.raw_public(keys.derive(key.kid).public_key())
    return {
        "kid": key.kid,
        "state": "retired" if key.retired_at else "signing",
        "created_at": key.created_at.isoformat(),
        "retired_at": key.retired_at.isoformat() if key.retired_at else None,
        "public_key": keys.b64url(key.public_key),
        "this_server_can_sign": derived == key.public_key,
    }


@card_keys_cli.command("list")
def list_command():
    """Print every card key as JSON (retired keys still verify their cards)."""
    click.echo(json.dumps([_row(key) for key in keys.all_keys(db.session)], indent=2))


@card_keys_cli.command("rotate")
def rotate_command():
    """Make the next key sign new cards; retire the others for signing (still published)."""
    try:
        new, retired = keys.rotate(db.session)
    except keys.SigningKeyUnavailable as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    events = [("create", "card_key", new.kid), *(("retire", "card_key", k.kid) for k in retired)]
    record_cli(db.session, events)
    db.session.commit()
    was = ", ".join(str(key.kid) for key in retired) or "none"
    click.echo(f"card key {new.kid} signs new cards; retired: {was}")


@card_keys_cli.command("retire")
@click.argument("kid", type=int)
def retire_command(kid):
    """Stop one key signing new cards; it stays published for the cards it signed."""
    try:
        key = keys.retire(db.session, kid)
    except keys.SigningKeyUnavailable as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    if key is None:
        raise click.ClickException(f"no card key {kid}")
    record_cli(db.session, [("retire", "card_key", kid)])
    db.session.commit()
    click.echo(f"card key {kid} retired (still published)")


perisai_cli.add_command(card_keys_cli)
