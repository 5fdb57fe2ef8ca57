"""A business's identifiers, checked for shape only (neither has a published check digit we
could confirm):

- **NIB** (Nomor Induk Berusaha, issued by OSS): 13 digits.
- **NPWP** (taxpayer number): 15 digits (the old format, often written 01.234.567.8-901.000) or
  16 digits. Since PMK 112/2022 a 15-digit NPWP is written as 16 with a leading 0 [P], so it is
  stored that way: the same business typed either way is one NPWP, and a duplicate.
- **Phone**: any valid Indonesian number (a business may have a landline), E.164 by the
  phonenumbers library.
- **Registration number**: ours, 10 random digits and a Damm check digit (the membership
  numbers' scheme, perisai.workers.membership), so a mistyped number is caught.
"""

from __future__ import annotations

import re

import phonenumbers

from perisai.workers.membership import is_valid_membership_number, new_membership_number

_SEPARATORS = re.compile(r"[\s.\-/]")


def digits_of(raw: str | None) -> str:
    """The text without the dots, dashes, slashes and spaces people write between digits."""
    return _SEPARATORS.sub("", raw or "")


def nib_problem(nib: str) -> str | None:
    if not (nib.isascii() and nib.isdigit()) or len(nib) != 13:
        return "employers.nib_shape"
    return None


def normalise_npwp(raw: str) -> str:
    """15 digits → the 16-digit form (leading 0); 16 digits as they are."""
    npwp = digits_of(raw)
    return "0" + npwp if len(npwp) == 15 else npwp


def npwp_problem(npwp: str) -> str | None:
    if not (npwp.isascii() and npwp.isdigit()) or len(npwp) != 16:
        return "employers.npwp_shape"
    return None


def normalise_business_phone(raw: str) -> str | None:
    """'(0285) 123456' / '0812-3456-789' / '+62 21 …' → E.164; None when not a valid number of
    Indonesia."""
    try:
        number = phonenumbers.parse(raw or "", "ID")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 62 or not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def new_registration_number() -> str:
    return new_membership_number()


def is_registration_number(text: str) -> bool:
    return is_valid_membership_number(text)
