"""The Ed25519 keys that sign card tokens: which one signs, which are published, rotation.

A key is a `CardKey` row holding its id (`kid`, the token's first byte) and public key. The
private key is never stored anywhere: every server derives it again from the deployment's
secret and the key id (HKDF-SHA256), so any number of app servers sign alike with nothing on
their disks and nothing in the database that could sign. The secret is `CARD_KEY_SECRET`
(config, or PERISAI_CARD_KEY_SECRET), else SECRET_KEY.

- The newest key not retired signs. The first card ever printed makes key 1.
- Rotation (`flask perisai card-keys rotate`) makes the next key and retires the others for
  signing; retired keys stay published, so the cards they signed keep verifying. Reprinting a
  card signs it with the new key.
- Should the secret change, the stored public key no longer matches the derived one: signing
  stops with a message saying to rotate (a key that does not match would print cards nobody
  can verify), while every card already printed still verifies with the published key.

Public keys never change once written, so each process keeps them (per app) and verifies
without the database; an unknown key id is looked up again at most every few seconds.
"""

from __future__ import annotations

import base64
import os
import threading
import time
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from perisai import clock
from perisai.cards.models import CardKey

ALG = "Ed25519"
MAX_KID = 255
RELOAD_SECONDS = 5.0  # an unknown key id looks in the database again at most this often
_SALT = b"perisai-card-ed25519-v1"
_lock = threading.Lock()


class SigningKeyUnavailable(RuntimeError):
    """No key this server can sign with: the secret changed since the key was made."""


@dataclass(frozen=True)
class Signer:
    kid: int
    private_key: Ed25519PrivateKey

    def sign(self, payload: bytes) -> bytes:
        return self.private_key.sign(payload)


def _secret() -> bytes:
    config = current_app.config
    secret = (
        config.get("CARD_KEY_SECRET")
        or os.environ.get("PERISAI_CARD_KEY_SECRET")
        or config["SECRET_KEY"]
    )
    return secret.encode() if isinstance(secret, str) else bytes(secret)


def derive(kid: int, secret: bytes | None = None) -> Ed25519PrivateKey:
    """The private key of `kid` under the secret (the deployment's by default)."""
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=_SALT, info=b"kid %d" % kid)
    return Ed25519PrivateKey.from_private_bytes(hkdf.derive(secret or _secret()))


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


# --- signing -----------------------------------------------------------------------------


def _new_key(session: Session, kid: int) -> CardKey:
    if kid > MAX_KID:
        raise SigningKeyUnavailable(f"all {MAX_KID} card key ids are used")
    key = CardKey(kid=kid, public_key=raw_public(derive(kid).public_key()), created_at=clock.now())
    session.add(key)
    session.flush()
    _remember(key.kid, key.public_key)
    return key


def _first_key(session: Session) -> CardKey:
    """Key 1, made by whichever server prints the first card; another server making it at the
    same moment makes the same key (same secret, same id), so its row is simply read."""
    try:
        with session.begin_nested():
            return _new_key(session, 1)
    except IntegrityError:
        return session.get(CardKey, 1, populate_existing=True)


def signer(session: Session) -> Signer:
    """The key that signs new cards (making key 1 when there is none yet). Flushes."""
    key = session.scalar(
        select(CardKey).where(CardKey.retired_at.is_(None)).order_by(CardKey.kid.desc()).limit(1)
    )
    if key is None:
        if session.scalar(select(func.count()).select_from(CardKey)):
            raise SigningKeyUnavailable("every card key is retired: run `perisai card-keys rotate`")
        key = _first_key(session)
    private = derive(key.kid)
    if raw_public(private.public_key()) != key.public_key:
        raise SigningKeyUnavailable(
            f"card key {key.kid} was made with another secret (CARD_KEY_SECRET or SECRET_KEY "
            "changed): run `flask perisai card-keys rotate` to sign with a new key"
        )
    _remember(key.kid, key.public_key)
    return Signer(key.kid, private)


def rotate(session: Session) -> tuple[CardKey, list[CardKey]]:
    """Make the next key, which signs from now on, and retire every other key for signing
    (they stay published). Returns the new key and the keys it retired. Flushes."""
    keys = list(session.scalars(select(CardKey).order_by(CardKey.kid)))
    new = _new_key(session, (keys[-1].kid if keys else 0) + 1)
    retired = [key for key in keys if key.retired_at is None]
    for key in retired:
        key.retired_at = clock.now()
    session.flush()
    return new, retired


def retire(session: Session, kid: int) -> CardKey | None:
    """Stop `kid` signing new cards; it stays published. None when there is no such key.
    Refuses to retire the last key that signs (rotate instead)."""
    key = session.get(CardKey, kid)
    if key is None or key.retired_at is not None:
        return key
    signing = session.scalar(
        select(func.count()).select_from(CardKey).where(CardKey.retired_at.is_(None))
    )
    if signing <= 1:
        raise SigningKeyUnavailable(f"card key {kid} is the only one signing: rotate instead")
    key.retired_at = clock.now()
    session.flush()
    return key


def all_keys(session: Session) -> list[CardKey]:
    return list(session.scalars(select(CardKey).order_by(CardKey.kid)))


def published(session: Session) -> list[CardKey]:
    """Every key, retired or not, oldest first; makes key 1 when there is none yet, so an app
    caching them before the first card is printed can still verify it."""
    keys = all_keys(session)
    if not keys:
        signer(session)
        keys = all_keys(session)
    return keys


# --- verification: public keys kept per process ------------------------------------------------


def _cache() -> dict:
    return current_app.extensions.setdefault(
        "perisai_card_keys", {"keys": {}, "loaded_at": float("-inf")}
    )


def _remember(kid: int, public_key: bytes) -> None:
    with _lock:
        _cache()["keys"][kid] = Ed25519PublicKey.from_public_bytes(bytes(public_key))


def public_key(kid: int, session_factory) -> Ed25519PublicKey | None:
    """The published key `kid`, from this process's memory; an unknown id is looked up in the
    database (`session_factory()`), at most every RELOAD_SECONDS, so forged key ids cost the
    database almost nothing."""
    cache = _cache()
    found = cache["keys"].get(kid)
    if found is not None or not 1 <= kid <= MAX_KID:
        return found
    now = time.monotonic()
    if now - cache["loaded_at"] < RELOAD_SECONDS:
        return None
    cache["loaded_at"] = now
    for key in all_keys(session_factory()):
        _remember(key.kid, key.public_key)
    return cache["keys"].get(kid)


def forget() -> None:
    """Drop this process's public keys (tests that change the secret)."""
    current_app.extensions.pop("perisai_card_keys", None)
