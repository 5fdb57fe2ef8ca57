"""Cards verifiable offline: published Ed25519 keys, tokens checked with them alone, rotation,
and the first (HMAC) cards still valid."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from perisai.audit.models import AuditEvent
from perisai.cards import hmac_tokens, keys
from perisai.cards.claims import CardClaim
from perisai.cards.models import Card, CardKey
from perisai.months import Month
from tests import factories


def b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_offline(token: str, published: dict) -> dict | None:
    """An offline verifier as the PWA would be: only the keys endpoint's JSON and the token.
    Layout from API.md and perisai/cards/tokens.py: payload ‖ 64-byte signature, the
    payload's first byte the kid."""
    raw = b64decode(token)
    payload, signature = raw[:-64], raw[-64:]
    found = [k for k in published["keys"] if k["kid"] == payload[0] and k["alg"] == "Ed25519"]
    if not found:
        return None
    key = Ed25519PublicKey.from_public_bytes(b64decode(found[0]["public_key"]))
    try:
        key.verify(signature, payload)
    except InvalidSignature:
        return None
    month = int.from_bytes(payload[12:14], "big")
    core = payload[15 : 15 + payload[14]].decode()
    first, _, initials = core.partition(" ")
    return {
        "kid": payload[0],
        "serial": int.from_bytes(payload[1:5], "big"),
        "membership_number": f"{int.from_bytes(payload[5:10], 'big'):011d}",
        "issued_on": date(2020, 1, 1) + timedelta(days=int.from_bytes(payload[10:12], "big")),
        "covered_until": f"{(month - 1) // 12}-{(month - 1) % 12 + 1:02d}" if month else None,
        "name_masked": " ".join([first, *(c + "***" for c in initials)]) if initials else core,
    }


@pytest.fixture
def worker(db, org):
    worker = factories.make_worker(
        db.session, org.agent, full_name="Ni Luh Putu Ayu Saraswati Dewi", female=True
    )
    worker.covered_until = Month(2026, 8)
    db.session.commit()
    return worker


def card_token(as_agent, worker) -> str:
    assert as_agent.get(f"/api/v1/workers/{worker.id}/card.pdf").status_code == 200
    card = as_agent.get(f"/api/v1/workers/{worker.id}/cards").get_json()[0]
    return card["verify_url"].rsplit("/", 1)[1]


def rotate(app) -> str:
    result = app.test_cli_runner().invoke(args=["perisai", "card-keys", "rotate"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def forget_keys(app):
    """For tests that change the secret: the process's public keys are forgotten after them."""
    yield
    app.config.pop("CARD_KEY_SECRET", None)
    with app.app_context():
        keys.forget()


@pytest.mark.today("2026-07-10")
def test_a_token_verifies_with_only_the_published_key(client, as_agent, worker):
    token = card_token(as_agent, worker)
    response = client.get("/api/v1/cards/keys")
    assert response.status_code == 200
    assert "public" in response.headers["Cache-Control"]
    published = response.get_json()
    (key,) = published["keys"]
    assert key["alg"] == "Ed25519" and key["kid"] == 1 and set(key) == {"kid", "alg", "public_key"}
    assert len(b64decode(key["public_key"])) == 32 and "=" not in key["public_key"]
    claim = verify_offline(token, published)
    online = client.get(f"/api/v1/verify/{token}").get_json()
    assert claim == {
        "kid": 1,
        "serial": online["serial"],
        "membership_number": worker.membership_number,
        "issued_on": date(2026, 7, 10),
        "covered_until": "2026-08",
        "name_masked": "Ni L*** P*** A*** S*** D***",
    }
    assert online["name_masked"] == claim["name_masked"] and online["valid"] is True


def test_a_tampered_token_verifies_neither_offline_nor_online(client, as_agent, worker):
    token = card_token(as_agent, worker)
    published = client.get("/api/v1/cards/keys").get_json()
    raw = bytearray(b64decode(token))
    raw[6] ^= 0x01  # another membership number, same signature
    tampered = base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
    assert verify_offline(tampered, published) is None
    assert client.get(f"/api/v1/verify/{tampered}").status_code == 404
    assert client.get(f"/v/{tampered}").status_code == 404
    assert client.get(f"/v/{token}").status_code == 200


def test_an_old_hmac_card_still_verifies_until_it_is_replaced(db, client, as_agent, worker):
    card_token(as_agent, worker)
    card = db.session.scalar(select(Card).where(Card.worker_id == worker.id))
    old = hmac_tokens.sign(CardClaim(card.id, card.membership_number, card.issued_on))
    body = client.get(f"/api/v1/verify/{old}").get_json()
    assert (body["valid"], body["serial"]) == (True, card.id)
    assert "Kartu asli dan berlaku" in client.get(f"/v/{old}").get_data(as_text=True)
    worker.full_name = "Ni Luh Putu Ayu"  # the printed identity changes: the next print replaces
    db.session.commit()
    card_token(as_agent, worker)
    body = client.get(f"/api/v1/verify/{old}").get_json()
    assert (body["valid"], body["reason"]) == (False, "replaced")


def test_rotation_keeps_old_cards_valid(app, db, client, as_agent, worker, org):
    old = card_token(as_agent, worker)
    assert "card key 2 signs new cards; retired: 1" in rotate(app)
    other = factories.make_worker(db.session, org.agent, full_name="Budi Santoso")
    db.session.commit()
    new = card_token(as_agent, other)
    published = client.get("/api/v1/cards/keys").get_json()
    assert [k["kid"] for k in published["keys"]] == [1, 2]
    assert verify_offline(old, published)["kid"] == 1
    assert verify_offline(new, published)["kid"] == 2
    assert client.get(f"/api/v1/verify/{old}").get_json()["valid"] is True
    assert client.get(f"/api/v1/verify/{new}").get_json()["valid"] is True
    # Reprinting the old card signs it with the new key; both of its tokens verify.
    again = card_token(as_agent, worker)
    assert verify_offline(again, published)["kid"] == 2 and again != old
    assert client.get(f"/api/v1/verify/{old}").status_code == 200
    retired = db.session.get(CardKey, 1)
    assert retired.retired_at is not None
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.entity_type == "card_key"))
    assert {(e.action, e.entity_id, e.route) for e in events} == {
        ("create", "2", "cli perisai card-keys rotate"),
        ("retire", "1", "cli perisai card-keys rotate"),
    }


def test_list_shows_every_key_and_the_last_signing_key_cannot_be_retired(app, as_agent, worker):
    card_token(as_agent, worker)
    rotate(app)
    runner = app.test_cli_runner()
    listed = runner.invoke(args=["perisai", "card-keys", "list"])
    assert listed.exit_code == 0
    assert '"state": "retired"' in listed.output and '"state": "signing"' in listed.output
    assert '"this_server_can_sign": true' in listed.output
    assert runner.invoke(args=["perisai", "card-keys", "retire", "9"]).exit_code != 0
    # Last: a refused command rolls back, and in a test that is the whole test's transaction.
    refused = runner.invoke(args=["perisai", "card-keys", "retire", "2"])
    assert refused.exit_code != 0 and "rotate instead" in refused.output


def test_a_changed_secret_stops_signing_but_not_verifying(
    app, db, client, as_agent, worker, forget_keys
):
    old = card_token(as_agent, worker)
    app.config["CARD_KEY_SECRET"] = "a new secret"
    with pytest.raises(keys.SigningKeyUnavailable, match="rotate"):
        keys.signer(db.session)
    assert client.get(f"/api/v1/verify/{old}").get_json()["valid"] is True
    assert "card key 2 signs new cards" in rotate(app)
    new = card_token(as_agent, worker)
    published = client.get("/api/v1/cards/keys").get_json()
    assert verify_offline(new, published)["kid"] == 2
    assert verify_offline(old, published)["kid"] == 1


def test_the_keys_endpoint_makes_the_first_key_and_is_not_audited(db, client):
    assert db.session.scalar(select(CardKey)) is None
    published = client.get("/api/v1/cards/keys").get_json()
    assert [k["kid"] for k in published["keys"]] == [1]
    assert db.session.scalar(select(AuditEvent).where(AuditEvent.entity_type == "card")) is None
