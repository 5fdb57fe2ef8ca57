"""The PWA's t() (frontend/js/i18n.js over the generated messages.js) answers every message of the
catalogue's msgctxt "pwa", and every server message it shows (i18n_export.FROM_SERVER), as the .po
files write it, in both languages, with the plural form that the browser's Intl.PluralRules picks
agreeing with the .po files' Plural-Forms."""

from __future__ import annotations

import re

from perisai.i18n import LANGUAGES, PLURAL
from perisai.i18n_export import messages as pwa_messages
from tests.browser.test_vectors import _module_url

RUN = """async ({url, keys}) => {
  const i18n = await import(url);
  const out = {};
  for (const lang of ["id", "en"]) {
    i18n.setLang(lang);
    out[lang] = keys.map((key) => [i18n.t(key, 1), i18n.t(key, 2), i18n.t(key, 21)]);
  }
  i18n.setLang("id");
  return out;
}"""
COUNTS = (1, 2, 21)


def _written(text, lang: str, count: int) -> str:
    form = text if isinstance(text, str) else text[PLURAL[lang](count)]
    return re.sub(r"\{\d\}", "", form.replace("{0}", str(count)))


def test_the_pwa_writes_every_message_as_the_catalogue_does(page):
    messages = pwa_messages()
    keys = sorted(messages)
    got = page.evaluate(RUN, {"url": _module_url(page, "i18n"), "keys": keys})
    for index, lang in enumerate(LANGUAGES):
        want = [[_written(messages[key][index], lang, n) for n in COUNTS] for key in keys]
        assert dict(zip(keys, got[lang], strict=True)) == dict(zip(keys, want, strict=True))
