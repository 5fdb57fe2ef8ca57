"""Users (logins), their sessions and failed login attempts, all in the database so that every
process and server sees the same: a logout or lockout holds everywhere."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, event, inspect, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from perisai import clock
from perisai.agents.models import Agent, Branch
from perisai.db import Base, TimestampMixin, UTCDateTime

ROLES = ("agent", "supervisor", "admin")


class User(UserMixin, TimestampMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(12))
    agent_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), unique=True)
    branch_id: Mapped[int | None] = mapped_column(ForeignKey("branches.id"), index=True)
    is_active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    agent: Mapped[Agent | None] = relationship()
    branch: Mapped[Branch | None] = relationship()

    # The UserSession this request runs in (set at login and by the session loader); no column.
    session_record = None

    def get_id(self) -> str | None:
        """What Flask-Login keeps in the signed cookie: the server-side session's id."""
        return self.session_record.id if self.session_record is not None else None

    @property
    def agent_code(self) -> str | None:
        return self.agent.agent_code if self.agent else None

    @property
    def scope_branch_id(self) -> int | None:
        """The branch whose data this user may see (None for admins: everything)."""
        if self.role == "agent" and self.agent:
            return self.agent.wadah.branch_id
        return self.branch_id


class UserSession(Base):
    """One login: the cookie carries only this random id. Every request reads the row by its
    primary key; logout (or a password change, deactivation, expiry) ends it for every server."""

    __tablename__ = "user_sessions"

    id: Mapped[str] = mapped_column(String(43), primary_key=True)  # secrets.token_urlsafe(32)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # The end of the password hash at login: a changed password ends the session.
    password_stamp: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()


class LoginFailure(Base):
    """One row per failed login, so the lockout holds across processes and servers."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, index=True)


@event.listens_for(Session, "before_flush")
def _end_sessions_of_changed_users(session, flush_context, instances) -> None:
    """A changed password or a deactivation ends every session of the user, so a cookie copied
    before it never works again (not even after a reactivation)."""
    changed = [
        user.id
        for user in session.dirty
        if isinstance(user, User)
        and user.id is not None
        and (
            inspect(user).attrs.password_hash.history.has_changes()
            or inspect(user).attrs.is_active.history.added == [False]
        )
    ]
    if changed:
        session.execute(
            update(UserSession)
            .where(UserSession.user_id.in_(changed), UserSession.ended_at.is_(None))
            .values(ended_at=clock.now())
        )
