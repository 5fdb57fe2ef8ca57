"""Card tokens: what the QR code carries after `<base URL>/v/`, verifiable offline.

A new card's token is base64url without padding of `payload ‖ signature`, the signature being
the 64-byte Ed25519 signature of the payload by the key the payload's first byte names; the
public keys are published at GET /api/v1/cards/keys, so an app holding only them can check a
card without the network. The payload (15 bytes + the name, big-endian):

    kid (1) | card serial (4) | membership number (5, as an integer)
    | issue date (2, days since 2020-01-01)
    | protection month when signed (2, year × 12 + month − 1, plus 1; 0 = never paid)
    | name length n (1) | the masked name, shortened (n bytes of UTF-8)

The masked name is shortened to what masking keeps (cards/operations.mask_name): the first
word, a space, then the first character of every other word — "Ni LPASD" for "Ni Luh Putu Ayu
Saraswati Dewi", shown as "Ni L*** P*** A*** S*** D***"; a one-word name is its first two
characters and no space ("Su" → "Su***"). At most 12 characters of the first word and 7
initials are kept. The name and the protection month are what the card showed when it was
signed, for a check offline ("the status it last knew"); online the server shows the live
status and checks only serial, number and issue date against the card.

Size: a typical name makes 87–90 bytes, 116–120 characters; with "<base URL>/v/" the QR code
is version 8 or 9 at error correction M (perisai/cards/qr.py sizes it). Tokens of 28
characters are the first, HMAC-signed kind (perisai/cards/hmac_tokens.py), still accepted
until their cards are replaced.
"""

from __future__ import annotations

import base64
import binascii
import struct
from datetime import date, timedelta

from cryptography.exceptions import InvalidSignature

from perisai.cards import hmac_tokens, keys
from perisai.cards.claims import CardClaim
from perisai.extensions import db
from perisai.months import Month

EPOCH = date(2020, 1, 1)
SIGNATURE_BYTES = 64
_HEAD = struct.Struct(">BI5sHHB")  # kid, serial, number, issue day, month + 1, name length
FIRST_WORD_CHARS = 12
INITIALS = 7
NAME_BYTES = 32
MAX_LENGTH = -(-(_HEAD.size + NAME_BYTES + SIGNATURE_BYTES) * 4 // 3)

__all__ = ["CardClaim", "masked_name", "name_core", "sign", "verify"]


def name_core(full_name: str) -> str:
    """What the token keeps of a name: first word, space, initials (see the module docstring)."""
    words = full_name.split()
    if not words:
        return ""
    if len(words) == 1:
        return words[0][:2]
    first, initials = words[0][:FIRST_WORD_CHARS], [word[0] for word in words[1:]][:INITIALS]
    while len(f"{first} {''.join(initials)}".encode()) > NAME_BYTES:
        if initials:
            initials.pop()
        else:
            first = first[:-1]
    return f"{first} {''.join(initials)}"


def masked_name(core: str) -> str:
    """The masked name a core stands for: 'Ni LPASD' → 'Ni L*** P*** A*** S*** D***'."""
    if " " not in core:
        return core + "***" if core else ""
    first, initials = core.split(" ", 1)
    return " ".join([first, *(initial + "***" for initial in initials)])


def sign(signer: keys.Signer, claim: CardClaim, full_name: str) -> str:
    """The token of a card: its claim (the protection month as the card shows it) and the
    holder's name, signed by `signer` (keys.signer)."""
    core = name_core(full_name).encode()
    covered = claim.covered_until.index + 1 if claim.covered_until else 0
    payload = _HEAD.pack(
        signer.kid,
        claim.serial,
        int(claim.membership_number).to_bytes(5, "big"),
        (claim.issued_on - EPOCH).days,
        covered,
        len(core),
    )
    payload += core
    return keys.b64url(payload + signer.sign(payload))


def verify(token: str, session_factory=None) -> CardClaim | None:
    """The claim of a genuine token of either kind, or None for anything altered, truncated,
    forged or signed by an unknown key. Reads the database only for a key id this process has
    not seen (keys.public_key)."""
    if not isinstance(token, str) or not token.isascii():
        return None
    if len(token) == hmac_tokens.TOKEN_LENGTH:
        return hmac_tokens.verify(token)
    if not _HEAD.size + SIGNATURE_BYTES <= len(token) * 3 / 4 <= MAX_LENGTH:
        return None
    raw = _decode(token)
    if raw is None or len(raw) < _HEAD.size + SIGNATURE_BYTES:
        return None
    payload, signature = raw[:-SIGNATURE_BYTES], raw[-SIGNATURE_BYTES:]
    kid, serial, number, days, covered, length = _HEAD.unpack(payload[: _HEAD.size])
    if len(payload) != _HEAD.size + length:
        return None
    public = keys.public_key(kid, session_factory or _default_session)
    if public is None:
        return None
    try:
        public.verify(signature, payload)
        return CardClaim(
            serial=serial,
            membership_number=f"{int.from_bytes(number, 'big'):011d}",
            issued_on=EPOCH + timedelta(days=days),
            name_masked=masked_name(payload[_HEAD.size :].decode()),
            covered_until=Month.from_index(covered - 1) if covered else None,
            kid=kid,
        )
    except (InvalidSignature, UnicodeDecodeError, ValueError):
        return None


def _decode(token: str) -> bytes | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    # Re-encoding must give the same text: refuses non-canonical spellings of one token.
    return raw if keys.b64url(raw) == token else None


def _default_session():
    return db.session
