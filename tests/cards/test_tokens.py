"""Card tokens: Ed25519 (new cards) and HMAC (the first cards), refused when altered or forged."""

import string
from datetime import date

import pytest

from perisai.cards import hmac_tokens, keys, tokens
from perisai.cards.operations import mask_name
from perisai.cards.qr import qr_matrix
from perisai.months import Month

CLAIM = tokens.CardClaim(serial=1234, membership_number="01234567890", issued_on=date(2026, 5, 14))
NAME = "Ni Luh Putu Ayu Saraswati Dewi"
ALPHABET = string.ascii_letters + string.digits + "-_"


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def signer(ctx):
    key = keys.derive(1)
    keys._remember(1, keys.raw_public(key.public_key()))
    return keys.Signer(1, key)


def claim(**changes):
    values = {**CLAIM.__dict__, "covered_until": Month(2026, 8), **changes}
    return tokens.CardClaim(**values)


def test_an_ed25519_token_round_trips_with_the_name_and_month_it_was_signed_with(signer):
    token = tokens.sign(signer, claim(), NAME)
    assert set(token) <= set(ALPHABET) and "=" not in token
    assert tokens.verify(token) == claim(name_masked="Ni L*** P*** A*** S*** D***", kid=1)
    never_paid = tokens.verify(tokens.sign(signer, claim(covered_until=None), "Sukarno"))
    assert (never_paid.covered_until, never_paid.name_masked) == (None, "Su***")


def test_every_single_character_change_is_refused(signer):
    token = tokens.sign(signer, claim(), NAME)
    for position in range(len(token)):
        for replacement in ALPHABET:
            if replacement == token[position]:
                continue
            altered = token[:position] + replacement + token[position + 1 :]
            assert tokens.verify(altered) is None, altered


def test_truncated_extended_and_resigned_tokens_are_refused(signer):
    token = tokens.sign(signer, claim(), NAME)
    assert tokens.verify(token[:-1]) is None
    assert tokens.verify(token + "A") is None
    assert tokens.verify(token[:-4]) is None
    other = keys.Signer(1, keys.derive(1, secret=b"someone else's secret"))
    assert tokens.verify(tokens.sign(other, claim(), NAME)) is None
    unknown_kid = keys.Signer(200, keys.derive(200))
    assert tokens.verify(tokens.sign(unknown_kid, claim(), NAME)) is None


@pytest.mark.parametrize(
    "token", ["", "short", "x" * 28, "!" * 28, "é" * 28, None, 42, "A" * 29, "A" * 116, "A" * 500]
)
def test_garbage_is_refused(ctx, token):
    assert tokens.verify(token) is None


@pytest.mark.parametrize(
    "name",
    [
        NAME,
        "Sukarno",
        "Muhammad Ma'ruf",
        "M. Nur Hidayat",
        "  I   Made  ",
        "Ésa Ñoño Ørsted",
        "",
        "Made Wirawan",
    ],
)
def test_the_token_keeps_exactly_what_masking_shows(name):
    assert tokens.masked_name(tokens.name_core(name)) == mask_name(name)


def test_a_long_name_is_shortened_to_its_first_words_initials():
    core = tokens.name_core(
        "Raden Roro Ayu Kusumawardhani Setyaningrum Prameswari Hadiningrat Sri R"
    )
    assert core == "Raden RAKSPHS"  # seven initials at most
    assert tokens.name_core("Kusumawardhaniwati Dewi") == "Kusumawardha D"
    assert len(tokens.name_core(" ".join(["ߐߐߐߐߐߐߐߐߐߐߐߐ"] + ["ߐ"] * 9)).encode()) <= 32


# --- the first kind: HMAC tokens, still accepted -------------------------------------------


def test_an_hmac_token_still_verifies(ctx):
    token = hmac_tokens.sign(CLAIM)
    assert len(token) == hmac_tokens.TOKEN_LENGTH == 28
    assert tokens.verify(token) == CLAIM


def test_an_hmac_token_signed_with_another_key_is_refused(ctx):
    token = hmac_tokens.sign(CLAIM)
    ctx.config["CARD_SIGNING_KEYS"] = {1: "someone-elses-key"}
    try:
        assert tokens.verify(token) is None
    finally:
        del ctx.config["CARD_SIGNING_KEYS"]


def test_rotated_hmac_keys_still_verify_old_cards(ctx):
    ctx.config["CARD_SIGNING_KEYS"] = {1: "old-key"}
    try:
        old = hmac_tokens.sign(CLAIM)
        ctx.config["CARD_SIGNING_KEYS"] = {1: "old-key", 2: "new-key"}
        new = hmac_tokens.sign(CLAIM)
        assert new != old
        assert tokens.verify(old) == CLAIM
        assert tokens.verify(new) == CLAIM
    finally:
        del ctx.config["CARD_SIGNING_KEYS"]


# --- the QR code it makes -------------------------------------------------------------------


@pytest.mark.parametrize(
    "base, most",
    [("http://perisai.test", 9), ("https://perisai.bpjsketenagakerjaan.go.id"[:31], 9)],
)
def test_the_qr_code_stays_at_version_9_for_the_longest_token(signer, base, most):
    big = tokens.CardClaim(
        serial=2**31 - 1,
        membership_number="99999999999",
        issued_on=date(2099, 12, 31),
        covered_until=Month(2099, 12),
    )
    longest = "Christophers " + "A B C D E F G H I J"
    token = tokens.sign(signer, big, longest)
    assert len(token) == 132  # 15 + 20 + 64 bytes: the most an ASCII name makes
    _, version = qr_matrix(f"{base}/v/{token}")
    assert version <= most
