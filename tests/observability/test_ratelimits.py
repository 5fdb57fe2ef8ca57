"""Per-address rate limits (perisai/ratelimits.py): shared on Redis, in memory without it."""

from __future__ import annotations

import uuid
from datetime import date

import pytest
import redis

from perisai import create_app, ratelimits
from perisai.cards import hmac_tokens
from perisai.cards.claims import CardClaim
from perisai.errors import TooMany
from tests import factories

REDIS_URL = "redis://127.0.0.1:6379/0"


def limited_app(prefix: str, **config):
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "shared-secret",  # the key hashes the address: the same on every server
            "REDIS_URL": REDIS_URL,
            "RATELIMIT_KEY_PREFIX": prefix,
            **config,
        }
    )


@pytest.fixture
def prefix():
    """A key prefix of this run alone (CI and other runs share the Redis); cleaned after."""
    prefix = f"perisai-test-{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"*{prefix}*"):
        client.delete(key)


def test_two_app_servers_sharing_redis_count_one_limit(prefix):
    one, two = (limited_app(prefix, SELF_CHECK_LIMIT=5) for _ in range(2))
    answers = []
    for number in range(8):
        app = (one, two)[number % 2]
        with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.50"}):
            try:
                ratelimits.check("self_check")
                answers.append("ok")
            except TooMany as refused:
                answers.append(refused.message)
    assert answers == ["ok"] * 5 + ["self.rate"] * 3
    with two.test_request_context(environ_base={"REMOTE_ADDR": "198.51.100.2"}):
        ratelimits.check("self_check")  # another address has its own count


def test_card_checks_split_between_two_servers_hit_one_limit(app, prefix):
    database = {"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]}
    one, two = (limited_app(prefix, CARD_VERIFY_LIMIT=3, **database) for _ in range(2))
    with one.app_context():  # genuine (first-generation) signature, no such card: counted, then 404
        token = hmac_tokens.sign(CardClaim(2**31 - 1, "0000000000000", date(2026, 1, 1)))
    statuses = [
        (one, two)[n % 2].test_client().get(f"/api/v1/verify/{token}").status_code for n in range(5)
    ]
    assert statuses == [404, 404, 404, 429, 429]


def test_redis_keys_hold_no_address(prefix):
    app = limited_app(prefix)
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.77"}):
        ratelimits.check("login")
    keys = [k.decode() for k in redis.Redis.from_url(REDIS_URL).keys(f"*{prefix}*")]
    assert keys and not [key for key in keys if "203.0.113" in key]


def test_an_unreachable_redis_lets_requests_through(caplog):
    app = limited_app("unused", REDIS_URL="redis://127.0.0.1:1/0", LOGIN_ADDRESS_LIMIT=1)
    for _ in range(3):
        with app.test_request_context():
            ratelimits.check("login")
    assert "rate limit store unavailable" in caplog.text


def test_login_is_limited_per_address_beside_the_account_lockout(app, db, org):
    app.config["LOGIN_ADDRESS_LIMIT"] = 2
    try:
        here = {"REMOTE_ADDR": "203.0.113.9"}
        body = {"username": org.agent_user.username, "password": factories.PASSWORD}

        def login(environ):  # a new browser each time: no session, no CSRF token
            return app.test_client().post("/api/v1/auth/login", json=body, environ_base=environ)

        for _ in range(2):
            assert login(here).status_code == 200
        refused = app.test_client().post(
            "/api/v1/auth/login", json=body, environ_base=here, headers={"Accept-Language": "en"}
        )
        assert refused.status_code == 429
        assert (
            refused.get_json()["message"]
            == "Too many logins from this address. Try again in a minute."
        )
        other = {"REMOTE_ADDR": "198.51.100.4"}
        assert login(other).status_code == 200
    finally:
        del app.config["LOGIN_ADDRESS_LIMIT"]


def test_the_supervisor_login_page_says_so_too(app, client, org):
    app.config["LOGIN_ADDRESS_LIMIT"] = 1
    try:
        here = {"REMOTE_ADDR": "203.0.113.10"}
        page = client.get("/supervisor/login", environ_base=here).get_data(as_text=True)
        token = page.split('name="csrf_token" value="')[1].split('"')[0]
        form = {"username": "nobody", "password": "wrong", "csrf_token": token}
        assert client.post("/supervisor/login", data=form, environ_base=here).status_code == 401
        refused = client.post("/supervisor/login", data=form, environ_base=here)
        assert refused.status_code == 429
        assert "Terlalu banyak percobaan dari alamat ini" in refused.get_data(as_text=True)
    finally:
        del app.config["LOGIN_ADDRESS_LIMIT"]
