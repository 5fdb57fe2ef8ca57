"""The participants' scheduled work: process consent withdrawals (`withdrawals.py`)."""

from __future__ import annotations

from flask import current_app

from perisai.extensions import db
from perisai.jobs.app import celery
from perisai.storage import storage
from perisai.workers.withdrawals import process_withdrawals


@celery.task(name="perisai.workers.process_withdrawals")
def process_consent_withdrawals() -> int:
    """Beat, hourly: stop what consent alone allowed for those who withdrew it (≤ 72 hours)."""
    return process_withdrawals(db.session, storage(), current_app.config.get("PHOTO_STORE"))
