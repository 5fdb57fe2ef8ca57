"""Per-address request limits shared by every worker and server (Flask-Limiter's storage).

A named limit (`LIMITS`) counts requests from one client address in a moving window: on Redis
(`PERISAI_REDIS_URL`) every process and server counts together; without it the count is kept in
the process's memory (the embedded default, one server). The route asks before it works,
`check("card_verify")`, and a client over the limit gets the limit's message as a 429
(`TooMany`), in the API's error shape or on the page the route renders.

The address is counted as a keyed hash (HMAC with the secret key), never as itself. What is per
account rather than per address, the login lockout after failed passwords, stays in the
database (`perisai/auth/operations.py`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import weakref
from dataclasses import dataclass

from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage
from redis.exceptions import RedisError
from werkzeug.middleware.proxy_fix import ProxyFix

from perisai.errors import TooMany

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limit:
    """`amount` requests per `window` seconds per address, both read from the app's config
    (`<config>_LIMIT`, `<config>_WINDOW_SECONDS`), refused with `message`."""

    config: str
    amount: int
    window: int
    message: str


LIMITS = {
    # Per address, beside the per-account lockout: a password sprayed over many usernames.
    # Generous: mobile carriers put many agents behind one address (CGNAT), and a morning's
    # logins of a Wadah office arrive together.
    "login": Limit("LOGIN_ADDRESS", 300, 60, "auth.rate"),
    "card_verify": Limit("CARD_VERIFY", 30, 60, "cards.verify_rate"),
    # The public self-service status check (POST /api/v1/self/status, API.md).
    "self_check": Limit("SELF_CHECK", 10, 60, "self.rate"),
}

_memory_limiters: weakref.WeakSet = weakref.WeakSet()


def init_app(app) -> None:
    """One Limiter per app (its storage is the limiter's own, so two apps in one process —
    tests — keep theirs apart), on Redis when configured, else in memory."""
    redis_url = app.config.get("REDIS_URL")
    app.config.setdefault("RATELIMIT_STORAGE_URI", redis_url or "memory://")
    app.config.setdefault("RATELIMIT_STRATEGY", "moving-window")
    app.config.setdefault("RATELIMIT_KEY_PREFIX", "perisai")
    if redis_url:
        options = {"socket_connect_timeout": 1, "socket_timeout": 1}
        app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", options)
    limiter = Limiter(get_remote_address, app=app)
    app.extensions["perisai_ratelimits"] = limiter
    if isinstance(limiter.storage, MemoryStorage):
        _memory_limiters.add(limiter)
    if hops := app.config.get("TRUSTED_PROXIES"):
        # Behind nginx every request comes from nginx: the client is in X-Forwarded-For.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=int(hops), x_proto=int(hops))


def check(name: str, address: str | None = None) -> None:
    """Count one request of the named limit from `address` (default: the request's); raise
    `TooMany` with the limit's message beyond it. Refused requests are not counted, so a
    client is free again one window after its last accepted request.

    Should Redis not answer, the request is let through (and logged): the per-account lockout
    still guards logins, and a limit is no reason to refuse every card check.
    """
    limit = LIMITS[name]
    config = current_app.config
    item = RateLimitItemPerSecond(
        int(config.get(f"{limit.config}_LIMIT", limit.amount)),
        int(config.get(f"{limit.config}_WINDOW_SECONDS", limit.window)),
    )
    limiter: Limiter = current_app.extensions["perisai_ratelimits"]
    key = client_key(address if address is not None else request.remote_addr)
    try:
        allowed = limiter.limiter.hit(item, config["RATELIMIT_KEY_PREFIX"], name, key)
    except (RedisError, OSError):
        log.warning("rate limit store unavailable; %s request let through", name)
        return
    if not allowed:
        raise TooMany(limit.message)


def client_key(address: str | None) -> str:
    """Addresses are personal data: the counter keeps a keyed hash, never the address."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    digest = hmac.new(secret, (address or "unknown").encode(), hashlib.sha256)
    return digest.hexdigest()[:32]


def reset_memory_limits() -> None:
    """Forget every in-memory count of this process (tests: each test starts with none)."""
    for limiter in list(_memory_limiters):
        limiter.storage.reset()
