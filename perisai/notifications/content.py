"""What a queued notification says when it is sent: its values, read from the database then.

Reading them at send time rather than when queued keeps the outbox free of personal data and
the message true: a reminder held overnight by quiet hours is not sent once the participant
has paid meanwhile (`Stale`), and the amount is the quote of the day it is sent. Amounts come
from perisai.contributions.quotes, as the agent's renewal list and the phone show them.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from perisai import zones
from perisai.cards.operations import print_cards
from perisai.contributions.models import Payment
from perisai.contributions.quotes import quote_for_worker
from perisai.errors import DomainError
from perisai.links.operations import make_link
from perisai.months import Month
from perisai.notifications.models import Notification
from perisai.notifications.templates import (
    Message,
    agent_text,
    day_text,
    member_ref,
    message,
    money_text,
    month_text,
    months_text,
)
from perisai.workers.models import GRACE_MONTHS


class Stale(Exception):
    """Not to be sent (any more): the reason is kept on the notification."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _covered_until(notification: Notification) -> Month:
    """The month a reminder was queued for: its key is `<template>:<participant>:<month>`
    (`:sms` added for the SMS that replaced a failed WhatsApp message)."""
    return Month.parse(notification.key.split(":")[2])


def _quote_total(session: Session, worker, months: int, today) -> int:
    try:
        return quote_for_worker(session, worker, months, today).total
    except DomainError as error:  # a level no longer in the table: the agent must update it
        raise Stale(f"no_quote: {error.message}"[:200]) from None


def _reminder(session: Session, notification: Notification, language: str) -> Message:
    worker = notification.worker
    covered = _covered_until(notification)
    if worker.covered_until != covered:
        raise Stale("paid_since")  # or reversed: either way this reminder no longer holds
    today = zones.today_of_worker(session, worker)
    unpaid = Month.of(today) - covered
    member, agent = member_ref(worker.membership_number), agent_text(worker.managed_by, language)
    if notification.template == "renewal_due":
        if unpaid > 0:
            raise Stale("outdated")  # held past the end of coverage: grace_1 comes instead
        return message(
            "renewal_due",
            language,
            member=member,
            ends_on=day_text(covered.last_day(), language),
            amount=money_text(_quote_total(session, worker, 1, today), language),
            agent=agent,
        )
    if notification.template == "ended":
        return message(
            "ended",
            language,
            member=member,
            since=month_text(covered + 1, language),
            # a fresh start (iuran lanjutan) pays from this month; the gap is never charged
            amount=money_text(_quote_total(session, worker, 1, today), language),
            agent=agent,
        )
    months = int(notification.template.rsplit("_", 1)[1])
    if unpaid != months:
        raise Stale("outdated")
    return message(
        notification.template,
        language,
        member=member,
        months=months,
        amount=money_text(_quote_total(session, worker, months, today), language),
        pay_by=day_text((covered + GRACE_MONTHS).last_day(), language),
        agent=agent,
    )


def _is_first_payment(session: Session, payment: Payment) -> bool:
    earlier = exists().where(
        Payment.worker_id == payment.worker_id,
        Payment.id != payment.id,
        Payment.created_at <= payment.created_at,
    )
    return not session.scalar(select(earlier))


def _receipt(session: Session, notification: Notification, language: str) -> Message:
    payment, worker = notification.payment, notification.worker
    if payment.is_reversed:
        raise Stale("payment_reversed")
    if payment.state == "rejected":
        raise Stale("payment_rejected")
    covers = payment.covers
    values = {
        "member": member_ref(worker.membership_number),
        "amount": money_text(payment.amount, language),
        "months": months_text(covers[0], covers[-1], language),
        "receipt_url": make_link("receipt", str(payment.id)).url,
    }
    if not _is_first_payment(session, payment):
        return message("receipt", language, **values)
    # the first payment: the participant's card with it (issued now, as printing it would be)
    with session.begin_nested():  # the one write of a message: undone alone if it fails
        (printed,) = print_cards(session, [worker], user=None, batch=False)
    return message(
        "receipt_card", language, **values, card_url=make_link("card", str(printed.card.id)).url
    )


def _digest(notification: Notification) -> Message:
    params = notification.params or {}
    language = notification.language
    return message(
        "agent_digest",
        language,
        day=day_text(date.fromisoformat(params["day"]), language),
        due=params.get("due", 0),
        grace=params.get("grace", 0),
        ended=params.get("ended", 0),
    )


def render(session: Session, notification: Notification, language: str) -> Message:
    """The message of a notification, in `language`; Stale when it should not go."""
    if notification.template == "agent_digest":
        return _digest(notification)
    if notification.template in ("receipt", "receipt_card"):
        return _receipt(session, notification, language)
    return _reminder(session, notification, language)
