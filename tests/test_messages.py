"""Every message the API can answer is a sentence in the request's language (Bahasa Indonesia by
default, English on request), never a raw catalogue key; lengths of lists count items."""

from __future__ import annotations

import ast
import hashlib
import json
import pathlib
import re

import flask
import pytest
from marshmallow import fields

import perisai
from perisai import i18n_export
from perisai.api import Schema
from perisai.i18n import CATALOGUE, CATALOGUES, LANGUAGES, PWA, entries, t
from tests.factories import worker_payload

TOKEN = re.compile(r"^([a-z]+)\.[a-z][a-z0-9_]*(\|.*)?$")


def assert_sentence(message: str, token: str) -> None:
    assert message != token, f"raw key {token!r}"
    assert not TOKEN.match(message), f"{token!r} answers {message!r}"
    assert "{" not in message, f"{token!r} answers {message!r}"
    assert message[0].isupper() or message[0].isdigit(), f"{token!r} answers {message!r}"
    assert message.rstrip()[-1] in ".!?)", f"{token!r} answers {message!r}"


def _schemas(cls=Schema):
    for sub in cls.__subclasses__():
        yield sub
        yield from _schemas(sub)


def _field_tokens(field):
    yield from field.error_messages.values()
    for validator in field.validators:
        if isinstance(getattr(validator, "error", None), str):
            yield validator.error
    inner = [getattr(field, "inner", None), getattr(field, "key_field", None)]
    inner += [getattr(field, "value_field", None), *getattr(field, "tuple_fields", ())]
    for each in inner:
        if isinstance(each, fields.Field):
            yield from _field_tokens(each)


def schema_tokens():
    for cls in _schemas():
        schema = cls()
        yield from ((cls.__name__, token) for token in schema.error_messages.values())
        for name, field in schema.fields.items():
            yield from ((f"{cls.__name__}.{name}", token) for token in _field_tokens(field))


def test_every_schema_message_is_a_sentence_in_both_languages(app):
    tokens = set(schema_tokens())
    assert len(tokens) > 100
    for where, token in sorted(tokens):
        for lang in LANGUAGES:
            assert_sentence(t(token, lang), f"{where}: {token}")


NOT_MESSAGES = {"ForeignKey", "url_for", "getLogger", "import_module", "Index", "startswith"}


def _called(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def source_tokens():
    """Message tokens written in the code (string constants that name a catalogue section)."""
    sections = {key.split(".")[0] for key in CATALOGUE if "." in key}
    root = pathlib.Path(perisai.__file__).parent
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {  # table.column, endpoints, loggers: dotted strings that are not messages
            id(arg)
            for call in ast.walk(tree)
            if isinstance(call, ast.Call) and _called(call) in NOT_MESSAGES
            for arg in call.args
        }
        for node in ast.walk(tree):
            if id(node) in names:
                continue
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                match = TOKEN.match(node.value)
                if match and match.group(1) in sections:
                    yield f"{path.relative_to(root)}:{node.lineno}", node.value


def test_every_token_in_the_code_is_in_the_catalogue_in_both_languages(app):
    tokens = list(source_tokens())
    assert len(tokens) > 100
    for where, token in tokens:
        key = token.split("|")[0]
        assert token in CATALOGUE or key in CATALOGUE, f"{where}: {token!r} is not in the catalogue"
        entry = CATALOGUE.get(token) or CATALOGUE[key]
        assert len(entry) == 2 and all(entry), f"{where}: {token!r}"


PLACEHOLDER = re.compile(r"\{\d\}")


@pytest.mark.parametrize("context", [None, PWA])
def test_every_message_has_a_text_in_both_languages(context):
    catalogues = CATALOGUES
    # The PWA's: its own messages and the server's it shows (what messages.js holds).
    found = entries(catalogues, None) if context is None else i18n_export.messages()
    assert len(found) > 300
    for key, texts in found.items():
        plural = [not isinstance(text, str) for text in texts]
        assert all(plural) or not any(plural), f"{key!r}: plural forms in one language only"
        for lang, text in zip(LANGUAGES, texts, strict=True):
            assert text, f"{key!r} ({context or 'server'}) has no {lang} text"
            forms = list(text) if plural[0] else [text]
            assert len(forms) == (catalogues[lang].num_plurals if plural[0] else 1), key
            assert all(forms), f"{key!r} has an empty {lang} plural form"
            assert len({frozenset(PLACEHOLDER.findall(form)) for form in forms}) == 1, key
    for lang in LANGUAGES:
        fuzzy = [m.id for m in catalogues[lang] if m.id and m.fuzzy]
        assert not fuzzy, f"{lang}: fuzzy (unreviewed) messages {fuzzy}"


def test_the_pwa_catalogue_is_produced_from_the_po_files():
    with open(i18n_export.TARGET, encoding="utf-8") as written:
        assert written.read() == i18n_export.render(), "run: python -m perisai.i18n_export"


ROOT = pathlib.Path(perisai.__file__).parent
TEMPLATE_CALL = re.compile(r"""\b(?:_|t|label)\(\s*["']([^"']+)["']\s*[,)]""")
JS_CALL = re.compile(r"""\bt\(\s*["']([^"'`]+)["']\s*[,)]""")


def test_a_message_both_sides_show_has_one_text():
    """A "pwa" message with a server token would be a second copy, free to drift from the server's
    (as "Peserta harus menyetujui …" did from "… memberikan persetujuan …"): the PWA takes the
    server's through i18n_export.FROM_SERVER, or its own message gets a token of its own."""
    copies = sorted(set(entries(CATALOGUES, PWA)) & set(CATALOGUE))
    assert not copies, f"in msgctxt 'pwa' and the server's catalogue: {copies}"
    assert len(set(i18n_export.FROM_SERVER)) == len(i18n_export.FROM_SERVER)
    assert not [key for key in i18n_export.FROM_SERVER if key not in CATALOGUE]


# Every consent notice the PWA has shown, by the version a participant's consent records
# (frontend/js/i18n.js: NOTICE_VERSION): the sha256 of its texts in both languages. A new text is
# a new version: bump NOTICE_VERSION and add a line; never change a line already here.
NOTICES = {
    "2026-01": "fc044616d656546ff556b72e940ba6d5d91bb8cf90a4e172e96bce7f29bba25b",
}
NOTICE_KEYS = ("consent.title", "consent.text", "consent.agree")


def notice_digest() -> str:
    pwa = entries(CATALOGUES, PWA)
    texts = [[key, *pwa[key]] for key in NOTICE_KEYS]
    return hashlib.sha256(json.dumps(texts, ensure_ascii=False).encode()).hexdigest()


def test_a_changed_consent_notice_has_a_new_version():
    i18n_js = (ROOT.parent / "frontend" / "js" / "i18n.js").read_text(encoding="utf-8")
    [version] = re.findall(r'^export const NOTICE_VERSION = "([^"]+)";$', i18n_js, re.M)
    digest = notice_digest()
    assert version in NOTICES, f"record the notice of {version}: NOTICES[{version!r}] = {digest!r}"
    assert NOTICES[version] == digest, (
        f"the consent notice's text changed but NOTICE_VERSION is still {version}: bump it in "
        f"frontend/js/i18n.js and record NOTICES[<new version>] = {digest!r}"
    )
    assert list(NOTICES.values()).count(digest) == 1, "one text, one version"


def test_every_token_a_template_writes_is_in_the_catalogue():
    found = [
        (path.relative_to(ROOT), token)
        for path in sorted(ROOT.rglob("templates/**/*.html"))
        for token in TEMPLATE_CALL.findall(path.read_text(encoding="utf-8"))
    ]
    assert len(found) > 300
    missing = [(str(path), token) for path, token in found if token.split("|")[0] not in CATALOGUE]
    assert not missing


def test_every_key_the_pwa_writes_is_in_its_catalogue():
    pwa = i18n_export.messages()
    js = ROOT.parent / "frontend" / "js"
    found = [
        (path.relative_to(js), key)
        for path in sorted(js.rglob("*.js"))
        for key in JS_CALL.findall(path.read_text(encoding="utf-8"))
    ]
    assert len(found) > 200
    assert not [(str(path), key) for path, key in found if key not in pwa]


@pytest.mark.parametrize(
    ("token", "lang", "sentence"),
    [
        ("svt.found|1", "en", "1 participant"),
        ("svt.found|1,234", "en", "1,234 participants"),
        ("svt.found|1", "id", "1 peserta"),
        ("sva.done.moved|2", "en", "2 participants moved."),
        ("field.items_min|1", "en", "At least 1 item."),
        ("field.items_min|2", "en", "At least 2 items."),
        ("field.items_min|1", "id", "Paling sedikit 1 item."),
    ],
)
def test_a_count_picks_the_plural_form_of_the_language(token, lang, sentence):
    assert t(token, lang) == sentence


@pytest.mark.parametrize(
    ("lang", "count", "page"),
    [
        ("id", 1, "Data tidak ditemukan. Beranda 1 peserta 1.234"),
        ("en", 2, "Not found. Home 2 participants 1,234"),
    ],
)
def test_flask_babel_serves_the_same_catalogue_in_the_requests_language(app, lang, count, page):
    template = (
        "{{ gettext('http.404') }} {{ pgettext('pwa', 'nav.home') }} "
        "{{ ngettext('svt.found', 'svt.found', n).format(n) }} {{ 1234 | decimalformat }}"
    )
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        assert flask.render_template_string(template, n=count) == page
    # A page's ?lang= (and its remembered cookie) wins over the browser's, as for the pages' `_`.
    other = "en" if lang == "id" else "id"
    with app.test_request_context(f"/?lang={lang}", headers={"Accept-Language": other}):
        assert flask.render_template_string(template, n=count) == page
    with app.test_request_context(
        "/", headers={"Accept-Language": other, "Cookie": f"lang={lang}"}
    ):
        assert flask.render_template_string(template, n=count) == page


@pytest.mark.parametrize(
    "overrides, field, sentences",
    [
        (
            {"id": "not-a-uuid"},
            "id",
            {
                "id": "Bukan UUID yang valid (mis. 0b4e7a52-3c1d-4f8e-9a6b-2d5c8e1f3a7b).",
                "en": "Not a valid UUID (e.g. 0b4e7a52-3c1d-4f8e-9a6b-2d5c8e1f3a7b).",
            },
        ),
        (
            {"programs": ["JKK", "JKM", "JHT", "JP"]},
            "programs",
            {"id": "Harus berisi 1 sampai 3 item.", "en": "Must have 1 to 3 items."},
        ),
        (
            {"programs": []},
            "programs",
            {"id": "Harus berisi 1 sampai 3 item.", "en": "Must have 1 to 3 items."},
        ),
        (
            {"phone": "0" * 21},
            "phone",
            {"id": "Paling banyak 20 karakter.", "en": "At most 20 characters."},
        ),
        (
            {"address": "Jl"},
            "address",
            {
                "id": "Panjangnya harus 3 sampai 300 karakter.",
                "en": "Must be 3 to 300 characters long.",
            },
        ),
        (
            {"beneficiary": "Siti"},
            "beneficiary",
            {
                "id": {"_schema": ["Harus berupa objek."]},
                "en": {"_schema": ["Not a valid object."]},
            },
        ),
        (
            {"location": {"lat": 91, "lon": 0}},
            "location",
            {
                "id": {"lat": ["Harus antara -90 dan 90."]},
                "en": {"lat": ["Must be between -90 and 90."]},
            },
        ),
    ],
)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_field_errors_are_sentences_in_the_requests_language(
    as_agent, org, overrides, field, sentences, lang
):
    response = as_agent.post(
        "/api/v1/workers", json=worker_payload(**overrides), headers={"Accept-Language": lang}
    )
    assert response.status_code == 422
    answer = response.get_json()["errors"]["json"][field]
    expected = sentences[lang]
    assert answer == (expected if isinstance(expected, dict) else [expected])


@pytest.mark.parametrize("lang", ["id", "en"])
def test_a_malformed_uuid_in_the_path_or_a_sync_operation_is_a_sentence(as_agent, org, lang):
    response = as_agent.post(
        "/api/v1/sync",
        json={"operations": [{"op_id": "nope", "type": "worker.register", "payload": {}}]},
        headers={"Accept-Language": lang},
    )
    assert response.status_code == 422
    [message] = response.get_json()["errors"]["json"]["operations"]["0"]["op_id"]
    assert_sentence(message, "field.invalid_uuid")
    assert ("UUID yang valid" in message) == (lang == "id")
