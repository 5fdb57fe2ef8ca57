"""The first card tokens (before issue 22): HMAC-signed, verified on the server only.

Cards printed before the Ed25519 tokens (perisai/cards/tokens.py) carry these in their QR code,
and they stay valid until the card is replaced: reprinting a card signs it anew with Ed25519.

Layout (21 bytes, base64url without padding = 28 characters):

    key id (1) | card serial (4, big-endian) | membership number (5, as an integer)
    | issue date (2, days since 2020-01-01) | HMAC-SHA256 of the first 12 bytes, truncated to 9

A 72-bit tag cannot be guessed online (verification is rate-limited per client), and the check
needs no database: an altered token is refused before any card is looked up. Keys:
CARD_SIGNING_KEYS (`{key_id: key}`, config) or PERISAI_CARD_SIGNING_KEY for key 1, else a key
derived from SECRET_KEY. `sign` is kept for tests and tools that make an old-style card.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import struct
from datetime import date, timedelta

from flask import current_app

from perisai.cards.claims import CardClaim

EPOCH = date(2020, 1, 1)
TAG_BYTES = 9
_PAYLOAD = struct.Struct(">BI5sH")
TOKEN_LENGTH = 28  # len(base64url(12 + 9 bytes))


def signing_keys() -> dict[int, bytes]:
    """Key id → key. CARD_SIGNING_KEYS (config, or PERISAI_CARD_SIGNING_KEY for key 1),
    else a key derived from SECRET_KEY, so cards survive a session-secret rotation only when
    the card key is configured separately."""
    configured = current_app.config.get("CARD_SIGNING_KEYS")
    if configured:
        return {int(k): v.encode() if isinstance(v, str) else v for k, v in configured.items()}
    if env_key := os.environ.get("PERISAI_CARD_SIGNING_KEY"):
        return {1: env_key.encode()}
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return {1: hmac.new(secret, b"perisai-card-token-v1", hashlib.sha256).digest()}


def _tag(key: bytes, payload: bytes) -> bytes:
    return hmac.new(key, payload, hashlib.sha256).digest()[:TAG_BYTES]


def sign(claim: CardClaim) -> str:
    keys = signing_keys()
    key_id = max(keys)
    payload = _PAYLOAD.pack(
        key_id,
        claim.serial,
        int(claim.membership_number).to_bytes(5, "big"),
        (claim.issued_on - EPOCH).days,
    )
    raw = payload + _tag(keys[key_id], payload)
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def verify(token: str) -> CardClaim | None:
    """The claim of a genuine token, or None for anything altered, truncated or forged."""
    if not isinstance(token, str) or len(token) != TOKEN_LENGTH or not token.isascii():
        return None
    try:
        raw = base64.urlsafe_b64decode(token.encode())
    except (binascii.Error, ValueError):
        return None
    # Re-encoding must give the same text: refuses non-canonical spellings of one token.
    if base64.urlsafe_b64encode(raw).decode() != token:
        return None
    payload, tag = raw[: _PAYLOAD.size], raw[_PAYLOAD.size :]
    key_id, serial, number, days = _PAYLOAD.unpack(payload)
    key = signing_keys().get(key_id)
    if key is None or not hmac.compare_digest(tag, _tag(key, payload)):
        return None
    return CardClaim(
        serial=serial,
        membership_number=f"{int.from_bytes(number, 'big'):011d}",
        issued_on=EPOCH + timedelta(days=days),
    )
