"""The participant registry. One row per NIK, for ever (anonymised, never deleted)."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    String,
    UniqueConstraint,
    and_,
    case,
    or_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai import clock
from perisai.agents.models import Agent
from perisai.db import Base, MonthType, TimestampMixin, UTCDateTime, UUIDType, partial_index
from perisai.months import Month

FUNDING_SOURCES = ("self", "apbn", "apbd", "apbdes", "csr")
SECTORS = ("transport", "other")
BASE_PROGRAMS = ("JKK", "JKM")
PHOTO_KINDS = ("ktp", "face")
# Consent per channel (DOMAIN.md §11, UU PDP): messages about the membership (renewal reminders,
# receipts, card links) go only by a channel the participant agreed to, in their language.
MESSAGE_CHANNELS = ("whatsapp", "sms")
MESSAGES_PURPOSE = "membership_messages"
LANGUAGES = ("id", "en")


def programs_of(has_jht: bool) -> list[str]:
    """JKK+JKM, with JHT when chosen."""
    return [*BASE_PROGRAMS, "JHT"] if has_jht else list(BASE_PROGRAMS)


class Worker(TimestampMixin, Base):
    __tablename__ = "workers"
    __table_args__ = (
        Index("ix_workers_branch_id_covered_until", "branch_id", "covered_until"),
        Index("ix_workers_managed_by_id_covered_until", "managed_by_id", "covered_until"),
        # the likely-duplicate check on registration (and every query by village)
        Index("ix_workers_village_code_birth_date", "village_code", "birth_date"),
        # an agent's caseload changed since a cursor (GET /api/v1/sync/caseload)
        Index("ix_workers_managed_by_id_updated_at", "managed_by_id", "updated_at"),
        # the branch's card print queue, in its order (/supervisor/cards)
        Index(
            "ix_workers_branch_id_village_code_full_name",
            "branch_id",
            "village_code",
            "full_name",
            "id",
        ),
        # a name search is a "contains" (ILIKE): trigrams, on PostgreSQL only (pg_trgm)
        Index(
            "ix_workers_full_name_trgm",
            "full_name",
            postgresql_using="gin",
            postgresql_ops={"full_name": "gin_trgm_ops"},
        ).ddl_if(dialect="postgresql"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUIDType, primary_key=True, default=uuid.uuid4)
    nik: Mapped[str] = mapped_column(String(16), unique=True)
    membership_number: Mapped[str] = mapped_column(String(11), unique=True)
    full_name: Mapped[str] = mapped_column(String(160), index=True)
    birth_date: Mapped[date]
    gender: Mapped[str] = mapped_column(String(1))
    phone: Mapped[str] = mapped_column(String(16), index=True)
    occupation: Mapped[str] = mapped_column(String(40))
    sector: Mapped[str] = mapped_column(String(10))
    income_level: Mapped[int]
    has_jht: Mapped[bool]
    funding: Mapped[str] = mapped_column(String(8), default="self")
    village_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    address: Mapped[str] = mapped_column(String(300))
    beneficiary_name: Mapped[str] = mapped_column(String(160))
    beneficiary_relationship: Mapped[str] = mapped_column(String(40))
    beneficiary_phone: Mapped[str | None] = mapped_column(String(16))
    consent_notice_version: Mapped[str] = mapped_column(String(40))
    consent_given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The day the agent took the registration, on the phone (offline: days before it is sent);
    # a payment may not be dated before it.
    registered_on: Mapped[date]
    consent_withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    accuracy_m: Mapped[float | None]
    # How long the registration form took on the phone, when the PWA measured it (seconds):
    # an implausibly fast one is an enrolment quality signal (perisai.quality).
    capture_seconds: Mapped[int | None]
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"), index=True)
    managed_by_id: Mapped[int | None] = mapped_column(ForeignKey("agents.id"))
    branch_id: Mapped[int] = mapped_column(ForeignKey("branches.id"))  # indexed with covered_until
    # Hash of the registration body, so a resent client id can be told apart from a clash.
    request_hash: Mapped[str] = mapped_column(String(64))
    # Kept up to date by perisai.contributions when payments are recorded or reversed.
    first_paid_month: Mapped[Month | None] = mapped_column(MonthType)
    covered_until: Mapped[Month | None] = mapped_column(MonthType)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Grows with every change (edit, death, reassignment); a PATCH naming an older one is a 409.
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    # A participant who died is ended with the date of death (DOMAIN.md §10).
    died_on: Mapped[date | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))
    # The language the participant reads messages in: Bahasa Indonesia unless they chose English.
    language: Mapped[str] = mapped_column(String(2), default="id", server_default="id")

    registered_by: Mapped[Agent | None] = relationship(foreign_keys=[registered_by_id])
    managed_by: Mapped[Agent | None] = relationship(foreign_keys=[managed_by_id])
    # Every channel consent ever given, withdrawn ones included (the record UU PDP asks for).
    # Loaded with the participant in one query per load ("selectin"): a caseload of 500 shows
    # each one's channels without a query per participant.
    consents: Mapped[list[WorkerConsent]] = relationship(
        back_populates="worker",
        lazy="selectin",
        order_by="WorkerConsent.id",
        cascade="all, delete-orphan",
    )

    @property
    def programs(self) -> list[str]:
        return programs_of(self.has_jht)

    @property
    def nik_masked(self) -> str:
        return mask_nik(self.nik)

    @property
    def message_channels(self) -> list[str]:
        """The channels the participant agrees to receive messages by now (none after a
        withdrawal of consent as a whole), in MESSAGE_CHANNELS' order."""
        if self.consent_withdrawn_at is not None:
            return []
        current = {c.channel for c in self.consents if c.withdrawn_at is None}
        return [channel for channel in MESSAGE_CHANNELS if channel in current]


def mask_nik(nik: str) -> str:
    """`3171********0001`: region prefix and serial stay, the birth date is hidden."""
    return nik[:4] + "*" * 8 + nik[12:] if len(nik) == 16 else "*" * len(nik)


GRACE_MONTHS = 3  # DOMAIN.md §3: arrears payable for at most 3 months, then "berakhir"


def status_for(covered_until: Month | None, as_of: Month, died_on: date | None = None) -> str:
    """registered (never paid) / active / grace (1–3 unpaid months) / ended (more than 3, or
    the participant died: ended from the month of death on, DOMAIN.md §10)."""
    if died_on is not None and Month.of(died_on) <= as_of:
        return "ended"
    if covered_until is None:
        return "registered"
    unpaid = as_of - covered_until
    if unpaid <= 0:
        return "active"
    return "grace" if unpaid <= GRACE_MONTHS else "ended"


def status_clause(status: str, month: Month) -> ColumnElement[bool]:
    """SQL for status_for(): `covered_until` sorts as text, so month ranges are comparisons.
    A participant who died is ended (a date of death is never in the future)."""
    alive = Worker.died_on.is_(None)
    if status == "registered":
        return and_(alive, Worker.covered_until.is_(None))
    if status == "active":
        return and_(alive, Worker.covered_until >= month)
    if status == "grace":
        return and_(
            alive, Worker.covered_until < month, Worker.covered_until >= month - GRACE_MONTHS
        )
    return or_(Worker.died_on.is_not(None), Worker.covered_until < month - GRACE_MONTHS)


def status_case(month: Month) -> ColumnElement[str]:
    """status_for() as one SQL value per participant: what none of the three is, is grace."""
    return case(
        *((status_clause(name, month), name) for name in ("ended", "registered", "active")),
        else_="grace",
    )


def due_within_clause(today: date, days: int) -> ColumnElement[bool]:
    """Active participants whose protection ends within `days` days. Coverage ends on the last
    day of covered_until, which is on or before today + days exactly when covered_until is
    before the month of (today + days + 1 day)."""
    due_before = Month.of(today + timedelta(days=days + 1))
    return and_(
        Worker.died_on.is_(None),  # no payment request goes to a participant who died
        Worker.covered_until >= Month.of(today),
        Worker.covered_until < due_before,
    )


class WorkerChange(Base):
    """One change to a participant: what changed (field → [old, new]), by whom, and from which
    contribution month it takes effect (income level and programs: the next unpaid month)."""

    __tablename__ = "worker_changes"
    __table_args__ = (
        Index("ix_worker_changes_worker_id_version", "worker_id", "version"),
        CheckConstraint("kind IN ('update', 'death', 'reassign')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workers.id"))
    version: Mapped[int]  # the participant's version after this change
    kind: Mapped[str] = mapped_column(String(16))
    changes: Mapped[dict] = mapped_column(JSON)
    effective_month: Mapped[Month | None] = mapped_column(MonthType)
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)


class WorkerConsent(Base):
    """A participant's consent to messages by one channel, for one purpose: given under a notice
    version, at a moment, by whom it was recorded; `withdrawn_at` once withdrawn (a new consent
    later is a new row). At most one row per participant, purpose and channel is in force."""

    __tablename__ = "worker_consents"
    __table_args__ = (
        CheckConstraint("channel IN ('whatsapp', 'sms')", name="channel"),
        partial_index(
            "uq_worker_consents_in_force",
            "worker_id",
            "purpose",
            "channel",
            where="withdrawn_at IS NULL",
            unique=True,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("workers.id", ondelete="CASCADE"), index=True
    )
    purpose: Mapped[str] = mapped_column(String(30), default=MESSAGES_PURPOSE)
    channel: Mapped[str] = mapped_column(String(10))
    notice_version: Mapped[str] = mapped_column(String(40))
    given_at: Mapped[datetime] = mapped_column(UTCDateTime)
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    worker: Mapped[Worker] = relationship(back_populates="consents")


class Occupation(Base):
    """BPU occupations; `sector` decides which PP 50/2025 discount period applies."""

    __tablename__ = "occupations"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    label_id: Mapped[str] = mapped_column(String(80))
    label_en: Mapped[str] = mapped_column(String(80))
    sector: Mapped[str] = mapped_column(String(10))
    is_active: Mapped[bool] = mapped_column(default=True)


class WorkerPhoto(TimestampMixin, Base):
    """A KTP or face photo, re-encoded without metadata; the bytes live in the photo store."""

    __tablename__ = "worker_photos"
    __table_args__ = (UniqueConstraint("worker_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("workers.id"))
    kind: Mapped[str] = mapped_column(String(8))
    sha256: Mapped[str] = mapped_column(String(64))
    # 64-bit perceptual hash (hex) of the stored image: the same photo on two participants
    # is an enrolment quality signal even when it was re-encoded or cropped a little.
    phash: Mapped[str | None] = mapped_column(String(16), index=True)
    size_bytes: Mapped[int]
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
