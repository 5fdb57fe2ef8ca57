"""The one message catalogue: gettext .po files, Bahasa Indonesia and English.

perisai/translations/{id,en}/LC_MESSAGES/messages.po hold every message of the server and of the
PWA (msgctxt "pwa"; frontend/js/messages.js is produced from them by perisai.i18n_export). The
msgids are message *tokens*: code raises "key" or "key|arg|arg" and the token is turned into a
sentence only at the edge (error handler, templates), in the language the request asked for, with
{0}, {1} … replaced by the arguments. Marshmallow's own messages are tokens too (see
perisai.api.Schema), so every field error is translated. A message with plural forms takes its
count as its first argument and the language's Plural-Forms pick the form.

The .po files are read once, when this module is imported (about 35 ms); a lookup is a dict
access. Flask-Babel (init_app) serves the same catalogue to Jinja's gettext/ngettext and its
number and date filters, in the page's language (page_language), as the pages' own `_` does.
"""

from __future__ import annotations

import functools
import gettext
import io
import os
import re

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask import has_request_context, request
from flask_babel import Babel, Domain, get_locale
from werkzeug.utils import cached_property

LANGUAGES = ("id", "en")
TRANSLATIONS = os.path.join(os.path.dirname(__file__), "translations")
PWA = "pwa"  # the msgctxt of the field app's messages

# An entry is (Bahasa Indonesia, English); a message with plural forms has a tuple of forms per
# language, in the order of that language's Plural-Forms.
Entry = tuple[str | tuple[str, ...], str | tuple[str, ...]]


def _read_catalogues() -> dict:
    """Each language's babel Catalog, parsed from its .po file."""
    catalogues = {}
    for lang in LANGUAGES:
        with open(os.path.join(TRANSLATIONS, lang, "LC_MESSAGES", "messages.po"), "rb") as po:
            catalogues[lang] = read_po(po, locale=lang)
    return catalogues


def _text(message) -> str | tuple[str, ...] | None:
    if message is None:
        return None
    return message.string if isinstance(message.string, str) else tuple(message.string)


def entries(catalogues: dict, context: str | None) -> dict[str, Entry]:
    """Token → (id, en) for the messages of one context (None: the server's)."""
    found: dict[str, Entry] = {}
    for lang in LANGUAGES:
        for message in catalogues[lang]:
            if not message.id or message.context != context:
                continue
            key = message.id if isinstance(message.id, str) else message.id[0]
            texts = (_text(catalogues[each].get(message.id, context=context)) for each in LANGUAGES)
            found.setdefault(key, tuple(texts))
    return found


CATALOGUES = _read_catalogues()  # language → babel Catalog, parsed once: read, never changed
CATALOGUE: dict[str, Entry] = entries(CATALOGUES, None)
PLURAL = {lang: gettext.c2py(CATALOGUES[lang].plural_expr) for lang in LANGUAGES}
_DIGITS = re.compile(r"[^0-9]")


def current_language() -> str:
    if not has_request_context():
        return "id"
    return request.accept_languages.best_match(LANGUAGES, default="id") or "id"


def page_language() -> str:
    """A page's language: `?lang=`, else the one the pages remembered (the `lang` cookie), else
    the browser's. The API's answers follow Accept-Language only (current_language)."""
    if not has_request_context():
        return "id"
    asked = request.args.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get("lang")
    return remembered if remembered in LANGUAGES else current_language()


def count_of(argument) -> int:
    """The count of a plural message from its first argument, also when already written as a
    figure ("1.234" / "1,234")."""
    return int(_DIGITS.sub("", str(argument)) or 0)


def t(token: str, lang: str | None = None) -> str:
    """Translate a token ("key" or "key|arg|…"); anything not in the catalogue passes through."""
    if not isinstance(token, str):
        return token
    lang = lang or current_language()
    exact = CATALOGUE.get(token)
    if exact is not None:
        return _form(exact[LANGUAGES.index(lang)], lang, 1)
    key, *args = token.split("|")
    entry = CATALOGUE.get(key)
    if entry is None:
        return token
    text = _form(entry[LANGUAGES.index(lang)], lang, count_of(args[0]) if args else 1)
    return text.format(*args)


def _form(text, lang: str, count: int) -> str:
    return text if isinstance(text, str) else text[PLURAL[lang](count)]


def translate_errors(errors):
    """Walk a marshmallow-style errors structure translating every message token."""
    if isinstance(errors, dict):
        return {key: translate_errors(value) for key, value in errors.items()}
    if isinstance(errors, list | tuple):
        return [translate_errors(value) for value in errors]
    return t(errors)


# --- Flask-Babel -------------------------------------------------------------------------------


@functools.cache
def _compiled(lang: str) -> Translations:
    compiled = io.BytesIO()
    write_mo(compiled, CATALOGUES[lang])
    compiled.seek(0)
    return Translations(compiled)


class _CatalogueDomain(Domain):
    """Flask-Babel's gettext over the catalogue read above, compiled in memory once: no .mo
    files to build or to keep in step."""

    def get_translations(self):
        lang = str(get_locale() or "")
        return _compiled(lang) if lang in LANGUAGES else NullTranslations()


class _Babel(Babel):
    @cached_property
    def domain_instance(self):
        return _CatalogueDomain()


def init_app(app) -> None:
    _Babel(app, default_locale="id", locale_selector=page_language)
