"""The PWA's catalogue, produced from the one gettext catalogue (perisai/translations).

`python -m perisai.i18n_export` writes frontend/js/messages.js from the messages of msgctxt
"pwa" and the server messages the PWA shows as they are (FROM_SERVER: one entry, one text, for a
rule both sides check): key → [Bahasa Indonesia, English]; a message with plural forms has, per
language, an object of the CLDR plural categories Intl.PluralRules answers ({one, other} in
English, {other} in Bahasa Indonesia). The file is committed so the PWA needs no build step;
tests/test_messages.py fails when it is stale. `--check` exits 1 when it is.
"""

from __future__ import annotations

import json
import os
import sys

from babel import Locale

from perisai.i18n import CATALOGUE, CATALOGUES, LANGUAGES, PLURAL, PWA, Entry, entries

TARGET = os.path.join(os.path.dirname(__file__), "..", "frontend", "js", "messages.js")
HEADER = """\
// Produced by `python -m perisai.i18n_export` from perisai/translations/*/LC_MESSAGES/messages.po
// (msgctxt "pwa", and the server's messages in i18n_export.FROM_SERVER). Do not edit: change the
// .po files and run the command again.
// key → [Bahasa Indonesia, English]; {0}, {1} are arguments. A message with plural forms has, per
// language, one text per Intl.PluralRules category; its first argument is the count.
"""

# The server's messages the PWA shows too: the checks it makes before the server does (NIK,
# phone, consent, a required field), where the agent must read what the server would answer, and
# the lines and payment channels of a receipt, which the PWA's receipt shares with the printed one,
# and the cash custody rules the PWA judges offline (a cash payment blocked, a deposit's fields).
# They have no "pwa" copy (tests/test_messages.py fails on a "pwa" message with a server token).
FROM_SERVER = (
    "cash.blocked_age",
    "cash.blocked_ceiling",
    "cash.deposited_on_future",
    "cash.deposited_on_old",
    "cash.reference_empty",
    "cash.reference_format",
    "channel.bank",
    "channel.cash",
    "channel.ewallet",
    "channel.sponsor",
    "field.required",
    "receipt.agent",
    "receipt.number",
    "receipt.paid_on",
    "receipt.participant",
    "receipt.reference",
    "workers.consent_required",
    "workers.nik_birth_date",
    "workers.nik_date",
    "workers.nik_day",
    "workers.nik_digits",
    "workers.nik_future",
    "workers.nik_gender",
    "workers.nik_length",
    "workers.nik_month",
    "workers.nik_province_unknown",
    "workers.nik_serial",
    "workers.phone_invalid",
)


def messages() -> dict[str, Entry]:
    """Every message the PWA has: its own (msgctxt "pwa"), then the server's in FROM_SERVER."""
    return {**entries(CATALOGUES, PWA), **{key: CATALOGUE[key] for key in FROM_SERVER}}


def categories(lang: str) -> dict[str, int]:
    """CLDR plural category → the gettext form that Plural-Forms picks for it."""
    locale, found = Locale.parse(lang), {}
    for n in range(1000):
        form = PLURAL[lang](n)
        if found.setdefault(locale.plural_form(n), form) != form:
            raise ValueError(f"{lang}: Plural-Forms and CLDR disagree at {n}")
    return found


def _per_category(forms: tuple[str, ...], lang: str) -> dict[str, str]:
    return {category: forms[form] for category, form in sorted(categories(lang).items())}


def render() -> str:
    lines = [HEADER, "export const MESSAGES = {"]
    for key, texts in messages().items():
        value = [
            text if isinstance(text, str) else _per_category(text, lang)
            for lang, text in zip(LANGUAGES, texts, strict=True)
        ]
        entry = json.dumps(value, ensure_ascii=False)
        lines.append(f"  {json.dumps(key, ensure_ascii=False)}: {entry},")
    lines.append("};")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    text = render()
    try:
        with open(TARGET, encoding="utf-8") as current:
            fresh = current.read() == text
    except FileNotFoundError:
        fresh = False
    if "--check" in argv:
        print("frontend/js/messages.js is " + ("up to date" if fresh else "stale"))
        return 0 if fresh else 1
    if not fresh:
        with open(TARGET, "w", encoding="utf-8") as out:
            out.write(text)
    print("wrote frontend/js/messages.js" if not fresh else "frontend/js/messages.js up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
