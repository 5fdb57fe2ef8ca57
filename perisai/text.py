"""What free text may hold: names and addresses end up on cards, receipts, statements, pages and
exports, so no character in them may hide or reorder what a reader sees.

Refused: control characters (PostgreSQL text cannot hold NUL, and no field of ours means one;
tab, line feed and carriage return stay allowed) and every Unicode *format* character (category
Cf): the bidi embeddings, overrides and isolates U+202A–U+202E and U+2066–U+2069 that make a
name with "gnp.exe" inside an override read "Budi exe.png Santoso", the marks U+200E/U+200F/U+061C,
zero-width U+200B–U+200D, U+2060, U+FEFF, soft hyphens, tags and the like.
"""

from __future__ import annotations

import re

from perisai.errors import field_error

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")

# Unicode 14's category Cf, written out so that importing this module stays cheap;
# tests/test_text.py checks it against unicodedata of the running Python.
FORMAT_CHARACTERS = re.compile(
    "["
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e"
    "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
    "]"
)


def problem(value: str) -> str | None:
    """The message token for a string a person must not be shown, or None when it is plain."""
    if CONTROL_CHARACTERS.search(value):
        return "field.control_characters"
    if FORMAT_CHARACTERS.search(value):
        return "field.format_characters"
    return None


def check(**values: str | None) -> None:
    """Raise the 422 of the first named value (field=value) that is not plain text."""
    for name, value in values.items():
        if value is not None and (token := problem(value)):
            raise field_error(name, token)
