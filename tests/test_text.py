"""Free text that could spoof what a reader sees is refused (422 naming the field, in the
request's language, nothing stored) on the API and in sync; perisai.text matches Unicode."""

from __future__ import annotations

import sys
import unicodedata
import uuid

import pytest
from sqlalchemy import func, select

from perisai import text
from perisai.workers.models import Worker
from tests.factories import worker_payload

# Bidi embeddings/overrides/isolates, marks, zero-width characters, word joiner, BOM.
SPOOFERS = [
    *"\u202a\u202b\u202c\u202d\u202e",
    *"\u2066\u2067\u2068\u2069",
    *"\u200e\u200f\u061c",
    *"\u200b\u200c\u200d\u2060\ufeff",
]
MESSAGES = {
    "id": "Berisi karakter format tak terlihat (mis. pembalik arah teks atau spasi lebar nol) "
    "yang tidak diizinkan.",
    "en": "Contains invisible formatting characters (such as text-direction overrides or "
    "zero-width spaces) that are not allowed.",
}


def _workers(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Worker))


def test_format_characters_are_exactly_unicode_category_cf():
    expected = {c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    found = {c for c in range(sys.maxunicode + 1) if text.FORMAT_CHARACTERS.match(chr(c))}
    assert found == expected


def test_plain_names_pass():
    for name in ("Budi Santoso", "Ni Luh Putu Ayu", "Siti Nur'aini", "Ábel Ñoño", "李小龍"):
        assert text.problem(name) is None


@pytest.mark.parametrize("char", SPOOFERS, ids=lambda c: f"U+{ord(c):04X}")
def test_a_name_with_a_spoofing_character_is_422_and_nothing_stored(as_agent, db, org, char):
    body = worker_payload(full_name=f"Budi {char}gnp.exe{char} Santoso")
    response = as_agent.post("/api/v1/workers", json=body, headers={"Accept-Language": "en"})
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["errors"]["json"] == {"full_name": [MESSAGES["en"]]}
    assert _workers(db) == 0


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize(
    "overrides, path",
    [
        ({"address": "Jl. Pantai\u202e 1"}, ("address",)),
        (
            {"beneficiary": {"full_name": "Siti\u2067", "relationship": "istri"}},
            ("beneficiary", "full_name"),
        ),
        (
            {"beneficiary": {"full_name": "Siti", "relationship": "ist\u200bri"}},
            ("beneficiary", "relationship"),
        ),
        ({"programs": ["JKK", "JKM\u200d"]}, ("programs", "1")),
        ({"occupation": "nelayan\ufeff"}, ("occupation",)),
    ],
)
def test_every_text_field_refuses_them_in_the_requests_language(
    as_agent, db, org, overrides, path, lang
):
    response = as_agent.post(
        "/api/v1/workers", json=worker_payload(**overrides), headers={"Accept-Language": lang}
    )
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    for key in path:
        errors = errors[key if key in errors else int(key)]
    assert MESSAGES[lang] in errors
    assert _workers(db) == 0


def test_sync_rejects_the_operation_and_stores_nothing(as_agent, db, org):
    operation = {
        "op_id": str(uuid.uuid4()),
        "type": "worker.register",
        "payload": worker_payload(id=str(uuid.uuid4()), full_name="Budi \u202egnp.exe Santoso"),
    }
    response = as_agent.post("/api/v1/sync", json={"operations": [operation]})
    assert response.status_code == 200
    [result] = response.get_json()["results"]
    assert result["http_status"] == 422
    assert result["errors"]["json"] == {"full_name": [MESSAGES["id"]]}
    assert _workers(db) == 0


def test_agents_and_wadah_refuse_them_too(db, org):
    from perisai.agents import operations
    from perisai.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        operations.create_agent(
            db.session,
            wadah=org.agent.wadah,
            agent_code="AG-SPOOF",
            full_name="Agen \u202eadaw",
            nik="3325010507900001",
            phone="081200000000",
            joined_on=org.agent.joined_on,
        )
    assert refused.value.errors == {"json": {"full_name": ["field.format_characters"]}}
    with pytest.raises(ValidationFailed):
        operations.create_branch(db.session, code="KC-X", name="KC \u2066X", region_code="33.25")
