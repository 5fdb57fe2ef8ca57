"""Consent to messages, per channel (DOMAIN.md §6 and §11, UU PDP No. 27/2022).

Renewal reminders, receipts and card links go to a participant only by a channel they agreed
to (WhatsApp, SMS), for that purpose (`MESSAGES_PURPOSE`), under the notice version the agent
showed. Each channel's consent is a row (`WorkerConsent`): when it was given and recorded by
whom, and when it was withdrawn. Withdrawing closes the row (nothing is deleted: the record
of consent is itself what the law asks for); giving it again later opens a new one. The
notification outbox reads the rows in force when it queues a message and again just before it
sends one, so a withdrawal stops the next message at once, queued ones included.

Withdrawing consent as a whole (`privacy.withdraw_consent`) closes every channel too.
"""

from __future__ import annotations

from datetime import datetime

from perisai.workers.models import MESSAGE_CHANNELS, MESSAGES_PURPOSE, Worker, WorkerConsent


def chosen_channels(channels) -> list[str]:
    """The channels named, each once, in MESSAGE_CHANNELS' order."""
    named = set(channels or ())
    return [channel for channel in MESSAGE_CHANNELS if channel in named]


def consents_at_registration(consent: dict, now: datetime, given_by_id) -> list[WorkerConsent]:
    """The channel consents a registration body names (`consent.channels`), under its notice."""
    return [
        WorkerConsent(
            purpose=MESSAGES_PURPOSE,
            channel=channel,
            notice_version=consent["notice_version"],
            given_at=now,
            given_by_id=given_by_id,
        )
        for channel in chosen_channels(consent.get("channels"))
    ]


def in_force(worker: Worker) -> dict[str, WorkerConsent]:
    """channel → the consent in force (not withdrawn)."""
    return {c.channel: c for c in worker.consents if c.withdrawn_at is None}


def channel_difference(worker: Worker, data: dict) -> list[list[str]] | None:
    """[channels now, channels asked for] when `data` ({"notice_version", "channels"}) changes
    what is in force (a channel added or dropped, or the same ones under a newer notice);
    None when it changes nothing."""
    current = in_force(worker)
    wanted = chosen_channels(data["channels"])
    before = [channel for channel in MESSAGE_CHANNELS if channel in current]
    notice = data["notice_version"]
    renewed = any(current[c].notice_version != notice for c in wanted if c in current)
    if before == wanted and not renewed:
        return None
    return [before, wanted]


def set_message_channels(worker: Worker, data: dict, now: datetime, changed_by_id) -> None:
    """From now on the participant agrees to exactly `data["channels"]`, under its notice: a
    dropped channel is withdrawn now; a new one (or one under another notice) is given now."""
    current = in_force(worker)
    wanted = chosen_channels(data["channels"])
    for channel, row in current.items():
        if channel not in wanted or row.notice_version != data["notice_version"]:
            row.withdrawn_at, row.withdrawn_by_id = now, changed_by_id
    for channel in wanted:
        row = current.get(channel)
        if row is None or row.withdrawn_at is not None:
            worker.consents.append(
                WorkerConsent(
                    purpose=MESSAGES_PURPOSE,
                    channel=channel,
                    notice_version=data["notice_version"],
                    given_at=now,
                    given_by_id=changed_by_id,
                )
            )


def withdraw_all_channels(worker: Worker, now: datetime, changed_by_id=None) -> None:
    for row in in_force(worker).values():
        row.withdrawn_at, row.withdrawn_by_id = now, changed_by_id


def consent_history(worker: Worker) -> list[dict]:
    """Every channel consent given and withdrawn (the participant's export)."""
    return [
        {
            "purpose": row.purpose,
            "channel": row.channel,
            "notice_version": row.notice_version,
            "given_at": row.given_at.isoformat(),
            "withdrawn_at": row.withdrawn_at.isoformat() if row.withdrawn_at else None,
        }
        for row in worker.consents
    ]
