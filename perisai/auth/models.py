"""Users (logins) and failed login attempts (the lockout counter shared by every process)."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai.agents.models import Agent, Branch
from perisai.db import Base, TimestampMixin, UTCDateTime, utcnow

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

    @property
    def agent_code(self) -> str | None:
        return self.agent.agent_code if self.agent else None

    @property
    def scope_branch_id(self) -> int | None:
        """The branch whose data this user may see (None for admins: everything)."""
        if self.role == "agent" and self.agent:
            return self.agent.wadah.branch_id
        return self.branch_id


class LoginFailure(Base):
    """One row per failed login, so the lockout holds across processes and servers."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), index=True)
    failed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
