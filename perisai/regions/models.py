"""Administrative regions (Kepmendagri 300.2.2-2L38/2025), keyed by their dotted code."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from perisai.db import Base

LEVELS = ("province", "regency", "district", "village")


class Region(Base):
    """A province (PP), regency (PP.KK), district (PP.KK.CC) or village (PP.KK.CC.VVVV)."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(13), primary_key=True)
    parent_code: Mapped[str | None] = mapped_column(String(13), index=True)
    level: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(120))
