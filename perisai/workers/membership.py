"""Membership numbers (KPJ): 10 random digits and a Damm check digit.

Damm catches every single-digit typo and every swap of adjacent digits, which a Luhn digit
does not (09 ↔ 90). Numbers are random, not sequential, and unique in the database; rows are
never deleted (only anonymised), so a number is never reused.
"""

from __future__ import annotations

import secrets

_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2),
    (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9),
    (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8),
    (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4),
    (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5),
    (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def damm_digit(digits: str) -> str:
    interim = 0
    for char in digits:
        interim = _DAMM[interim][int(char)]
    return str(interim)


def is_valid_membership_number(number: str) -> bool:
    return (
        len(number) == 11
        and number.isascii()
        and number.isdigit()
        and damm_digit(number) == "0"  # a valid number checks to zero
    )


def new_membership_number() -> str:
    body = str(secrets.randbelow(9 * 10**9) + 10**9)  # 10 digits, no leading zero
    return body + damm_digit(body)
