"""Readiness: can this server do its work now? The database, Redis (when configured) and the
file storage, each answering "ok" or why not.

Storage (perisai.storage, `file://` or `s3://`): the store answers and a tiny object is written
and removed again.
"""

from __future__ import annotations

import logging
import uuid

import redis
from sqlalchemy import text

from perisai.extensions import db
from perisai.storage import StorageError, storage

log = logging.getLogger(__name__)

OK = "ok"


def readiness(config) -> dict[str, str]:
    """Each check's answer, by name; `ready(checks)` says whether all passed."""
    checks = {"database": database()}
    if config.get("REDIS_URL"):
        checks["redis"] = redis_answers(config["REDIS_URL"])
    checks["storage"] = storage_answers()
    return checks


def ready(checks: dict[str, str]) -> bool:
    return all(answer == OK for answer in checks.values())


def database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # noqa: BLE001 - any database failure means not ready
        db.session.rollback()
        log.warning("readiness: database unreachable")
        return "unreachable"
    return OK


def redis_answers(url: str) -> str:
    client = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except (redis.RedisError, OSError):
        log.warning("readiness: redis unreachable")
        return "unreachable"
    finally:
        client.close()
    return OK


def storage_answers() -> str:
    """The store answers (`Storage.check`) and takes a tiny object, which is removed again."""
    key = f"health/ready-{uuid.uuid4().hex}"
    try:
        store = storage()
        store.check()
        store.put(key, b"ok")
        store.delete(key)
    except (StorageError, OSError):
        log.warning("readiness: storage unavailable")
        return "unavailable"
    return OK
