"""Signed card tokens: short enough for a small QR code, refused when altered or forged."""

import string
from datetime import date

import pytest

from perisai.cards import tokens
from perisai.cards.qr import MAX_VERSION, qr_matrix

CLAIM = tokens.CardClaim(serial=1234, membership_number="01234567890", issued_on=date(2026, 5, 14))


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


def test_a_genuine_token_round_trips(ctx):
    token = tokens.sign(CLAIM)
    assert len(token) == tokens.TOKEN_LENGTH == 28
    assert set(token) <= set(string.ascii_letters + string.digits + "-_")
    assert tokens.verify(token) == CLAIM


def test_every_single_character_change_is_refused(ctx):
    token = tokens.sign(CLAIM)
    alphabet = string.ascii_letters + string.digits + "-_"
    for position in range(len(token)):
        for replacement in alphabet:
            if replacement == token[position]:
                continue
            altered = token[:position] + replacement + token[position + 1 :]
            assert tokens.verify(altered) is None, altered


@pytest.mark.parametrize(
    "token", ["", "short", "x" * 28, "!" * 28, "é" * 28, None, 42, "A" * 29, "A" * 27]
)
def test_garbage_is_refused(ctx, token):
    assert tokens.verify(token) is None


def test_a_token_signed_with_another_key_is_refused(ctx):
    token = tokens.sign(CLAIM)
    ctx.config["CARD_SIGNING_KEYS"] = {1: "someone-elses-key"}
    try:
        assert tokens.verify(token) is None
    finally:
        del ctx.config["CARD_SIGNING_KEYS"]


def test_rotated_keys_still_verify_old_cards(ctx):
    ctx.config["CARD_SIGNING_KEYS"] = {1: "old-key"}
    try:
        old = tokens.sign(CLAIM)
        ctx.config["CARD_SIGNING_KEYS"] = {1: "old-key", 2: "new-key"}
        new = tokens.sign(CLAIM)
        assert new != old
        assert tokens.verify(old) == CLAIM
        assert tokens.verify(new) == CLAIM
    finally:
        del ctx.config["CARD_SIGNING_KEYS"]


# Byte mode at level M holds 62 bytes in version 4: "/v/" and the 28-character token leave
# 31 for the base URL.
@pytest.mark.parametrize("base", ["http://perisai.test", "https://perisai.bpjstku.go.id:8443"[:31]])
def test_the_qr_code_stays_at_version_4_or_below(ctx, base):
    big = tokens.CardClaim(
        serial=2**32 - 1, membership_number="99999999999", issued_on=date(2099, 12, 31)
    )
    _, version = qr_matrix(f"{base}/v/{tokens.sign(big)}")
    assert version <= MAX_VERSION
