"""The notification outbox and its rules.

A Notification is one message to one person by one channel: a renewal reminder, a receipt
(with the card link after the first payment) or an agent's morning digest. It is written to
the outbox first (queued), in the same transaction as what caused it, and sent afterwards by
the job queue (perisai.notifications.delivery); its row says where it stands and why
(`reason`: skipped for want of consent, held by quiet hours, failed with the gateway's error).
`key` names what it is about (`due:<participant>:<month covered until>`,
`receipt:<payment>`, `digest:<agent>:<day>`), so the same situation is queued once however
often the scheduler runs. A failed WhatsApp message that falls back to SMS is a second row
(`fallback_of_id`), so each says what happened on its channel.

NotificationRule holds what may change without a release: how many days must separate two
reminders to one participant, the quiet hours, how many days before the end of coverage the
"due" reminder goes. Insert-only; the rule in force on a day is the newest `effective_from` <=
that day (ties: the newest id), and every reminder records the rule it was queued under.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from perisai import clock
from perisai.db import Base, TimestampMixin, UTCDateTime, UUIDType, partial_index

if TYPE_CHECKING:
    from perisai.agents.models import Agent
    from perisai.contributions.models import Payment
    from perisai.workers.models import Worker

STATES = ("queued", "sent", "delivered", "failed", "skipped")
CHANNELS = ("whatsapp", "sms")
# Reminders are spaced by the rule; receipts and digests are not reminders.
REMINDERS = ("renewal_due", "grace_1", "grace_2", "grace_3", "ended")
TEMPLATES = (*REMINDERS, "receipt", "receipt_card", "agent_digest")


class NotificationRule(Base):
    __tablename__ = "notification_rules"
    __table_args__ = (
        CheckConstraint(
            "min_days_between >= 0 AND due_days >= 0 AND quiet_start_minute BETWEEN 0 AND 1439 "
            "AND quiet_end_minute BETWEEN 0 AND 1439",
            name="ranges",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    effective_from: Mapped[date] = mapped_column(index=True)
    # At most one reminder to a participant within this many days (receipts are not counted).
    min_days_between: Mapped[int]
    # The "due" reminder goes when coverage ends within this many days.
    due_days: Mapped[int]
    # Nothing is sent from quiet_start to quiet_end, local time of the branch (minutes after
    # midnight: 21:00 = 1260, 07:00 = 420).
    quiet_start_minute: Mapped[int]
    quiet_end_minute: Mapped[int]
    source: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class Notification(TimestampMixin, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(
            "state IN ('queued', 'sent', 'delivered', 'failed', 'skipped')", name="state"
        ),
        CheckConstraint("channel IS NULL OR channel IN ('whatsapp', 'sms')", name="channel"),
        # what the sender takes next: queued messages whose time has come
        partial_index("ix_notifications_due", "next_attempt_at", "id", where="state = 'queued'"),
        # a participant's messages (the supervisor's list, the spacing of reminders)
        Index("ix_notifications_worker_id_created_at", "worker_id", "created_at"),
        # an agent's digests; the messages a delivery webhook names
        partial_index("ix_notifications_agent_id", "agent_id", where="agent_id IS NOT NULL"),
        partial_index(
            "ix_notifications_provider_message_id",
            "provider_message_id",
            where="provider_message_id IS NOT NULL",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(120), unique=True)
    template: Mapped[str] = mapped_column(String(20))
    # whom: a participant (reminders, receipts) or an agent (its digest)
    # Whom and what: a participant (reminders, receipts) or an agent (its digest), and the
    # branch whose zone decides the quiet hours. No foreign keys, by design: the outbox is
    # written a million rows at a time (queueing.py), each row derived in the same statement
    # from the rows it names, and a constraint's check per row (with its row lock on the
    # participant) cost more than the insert itself; nothing is deleted in use (participants
    # are anonymised, payments reversed), and a row whose participant is gone is skipped.
    worker_id: Mapped[uuid.UUID | None] = mapped_column(UUIDType)
    agent_id: Mapped[int | None]
    payment_id: Mapped[uuid.UUID | None] = mapped_column(UUIDType)
    branch_id: Mapped[int]
    # None until a channel is chosen (a receipt's is chosen when it is sent)
    channel: Mapped[str | None] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(2), default="id")
    state: Mapped[str] = mapped_column(String(10), default="queued")
    reason: Mapped[str | None] = mapped_column(String(200))
    # small facts fixed when queued (a digest's counts); never personal data
    params: Mapped[dict | None] = mapped_column(JSON)
    rule_id: Mapped[int | None]  # the NotificationRule it was queued under
    fallback_of_id: Mapped[int | None]  # the WhatsApp message an SMS replaced
    # not before this moment: quiet hours, then the back-off between attempts
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    # a sender holds the message until then (a crashed sender's lease runs out)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the gateway's id (WhatsApp's wamid), which delivery webhooks name
    provider_message_id: Mapped[str | None] = mapped_column(String(128), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # whom and what a message is about, loaded with it when it is sent
    worker: Mapped[Worker | None] = relationship(
        primaryjoin="foreign(Notification.worker_id) == Worker.id", viewonly=True
    )
    agent: Mapped[Agent | None] = relationship(
        primaryjoin="foreign(Notification.agent_id) == Agent.id", viewonly=True
    )
    payment: Mapped[Payment | None] = relationship(
        primaryjoin="foreign(Notification.payment_id) == Payment.id", viewonly=True
    )
