"""What a genuine card token says about its card (both token kinds, perisai/cards/tokens.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from perisai.months import Month


@dataclass(frozen=True)
class CardClaim:
    """The card a token names (serial, membership number, issue date: checked against the card)
    and, in an Ed25519 token, what the card showed when it was signed: the masked name and the
    protection month, which an app offline shows as the status it last knew."""

    serial: int
    membership_number: str
    issued_on: date
    name_masked: str | None = None
    covered_until: Month | None = None
    kid: int | None = None
