"""Administrative regions (Kepmendagri 300.2.2-2L38/2025), keyed by their dotted code."""

from __future__ import annotations

from sqlalchemy import Boolean, String, true
from sqlalchemy.orm import Mapped, mapped_column

from perisai.db import Base

LEVELS = ("province", "regency", "district", "village")


class Region(Base):
    """A province (PP), regency (PP.KK), district (PP.KK.CC) or village (PP.KK.CC.VVVV).

    Codes are never deleted: participants' domiciles (and old NIKs) keep pointing at them. A code
    that a newer Kemendagri list no longer carries is kept with `is_current = False`.
    """

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(String(13), index=True)
    level: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120))
    is_current: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
