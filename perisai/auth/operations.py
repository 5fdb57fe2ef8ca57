"""Passwords, login with a per-username lockout kept in the database, and account creation."""

from __future__ import annotations

import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from perisai import text
from perisai.auth.models import ROLES, LoginFailure, User
from perisai.db import utcnow
from perisai.errors import DomainError, TooMany, field_error

_hasher = PasswordHasher()
# Verified when the username is unknown so both failures take the same time.
_DUMMY_HASH = _hasher.hash("perisai-not-a-password")


class InvalidCredentials(DomainError):
    status_code = 401


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def normalise_username(username: str) -> str:
    return username.strip().lower()


def authenticate(
    session: Session, username: str, password: str, *, max_failures: int, window_seconds: int
) -> User:
    """Return the user, or raise the same 401 for a wrong user or password; 429 when locked."""
    username = normalise_username(username)
    now = utcnow()
    since = now - timedelta(seconds=window_seconds)
    failures = session.scalar(
        select(func.count())
        .select_from(LoginFailure)
        .where(LoginFailure.username == username, LoginFailure.failed_at > since)
    )
    if failures >= max_failures:
        raise TooMany("auth.locked")
    user = session.scalar(select(User).where(User.username == username))
    valid = verify_password(user.password_hash if user else _DUMMY_HASH, password)
    if not (user and valid and user.is_active):
        session.execute(
            delete(LoginFailure).where(
                LoginFailure.username == username, LoginFailure.failed_at <= since
            )
        )
        session.add(LoginFailure(username=username, failed_at=now))
        raise InvalidCredentials("auth.invalid_credentials")
    session.execute(delete(LoginFailure).where(LoginFailure.username == username))
    user.last_login_at = now
    return user


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: str,
    agent=None,
    branch=None,
) -> User:
    text.check(username=username)
    if role not in ROLES:
        raise field_error("role", "field.one_of|" + ", ".join(ROLES))
    if len(password) < 10:
        raise field_error("password", "auth.password_short")
    if role == "agent" and agent is None:
        raise field_error("agent_code", "auth.agent_needed")
    if role == "supervisor" and branch is None:
        raise field_error("branch_code", "auth.branch_needed")
    if agent is not None and session.scalar(select(User.id).where(User.agent_id == agent.id)):
        raise field_error("agent_code", "auth.agent_has_login")
    username = normalise_username(username)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise field_error("username", "auth.username_taken")
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        agent=agent,
        branch=branch if role != "agent" else None,
    )
    session.add(user)
    session.flush()
    return user
