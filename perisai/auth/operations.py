"""Passwords, login with a per-username lockout kept in the database, server-side sessions, and
account creation."""

from __future__ import annotations

import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, joinedload

from perisai import clock, text
from perisai.auth.models import ROLES, LoginFailure, User, UserSession
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
    now = clock.now()
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


# A session's last_seen_at (and so its expiry) moves at most this often: one write per session
# every few minutes, not one per request.
SESSION_TOUCH_INTERVAL = timedelta(minutes=5)
# Ended and expired sessions are kept this long (who was logged in when), then deleted.
SESSION_KEPT = timedelta(days=30)


def password_stamp(user: User) -> str:
    return user.password_hash[-16:]


def start_session(session: Session, user: User, *, lifetime: timedelta) -> UserSession:
    """A new server-side session for a login; the cookie will carry only its random id."""
    now = clock.now()
    session.execute(
        delete(UserSession).where(
            UserSession.user_id == user.id, UserSession.expires_at < now - SESSION_KEPT
        )
    )
    record = UserSession(
        id=secrets.token_urlsafe(32),
        user=user,
        password_stamp=password_stamp(user),
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
    )
    session.add(record)
    user.session_record = record
    return record


def live_session(session: Session, session_id: str) -> UserSession | None:
    """The session of this id with its user (one primary-key read), or None once it has ended,
    expired, or its user was deactivated or changed password."""
    if not session_id or len(session_id) > 64:
        return None
    record = session.get(UserSession, session_id, options=[joinedload(UserSession.user)])
    if record is None or record.ended_at is not None or record.expires_at <= clock.now():
        return None
    user = record.user
    if not user.is_active or record.password_stamp != password_stamp(user):
        return None
    user.session_record = record
    return record


def touch_session(record: UserSession, *, lifetime: timedelta) -> bool:
    """Move the session's expiry to `lifetime` after now; True when that needs a write."""
    now = clock.now()
    if now - record.last_seen_at < SESSION_TOUCH_INTERVAL:
        return False
    record.last_seen_at, record.expires_at = now, now + lifetime
    return True


def end_session(record: UserSession | None) -> None:
    """Logout: the session's cookie, wherever it was copied to, no longer logs anyone in."""
    if record is not None and record.ended_at is None:
        record.ended_at = clock.now()


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
