"""The participant as a caller sees it on a day (Participant), which workers.schemas.WorkerSchema
dumps as the participant JSON of API.md, its pricing history included."""

from __future__ import annotations

from datetime import date

from marshmallow import missing
from sqlalchemy.orm import object_session

from perisai.auth.permissions import Scope
from perisai.contributions.profiles import pricing_segments
from perisai.months import Month
from perisai.workers.models import Worker, status_for

STORED = object()  # Participant's default: the coverage stored on the participant


class Participant:
    """`worker` as `scope` sees it on `as_of`: the full NIK only where the scope may see it (no
    `nik` key otherwise), the status of that day, and `covered_until` (a Month, or None: nothing
    covered yet) as it stood then, when that is not today's stored coverage. The caseload adds
    `due` and `payments`, a registration its `warnings`; left out, those keys are absent."""

    __slots__ = ("as_of", "covered_until", "due", "payments", "scope", "warnings", "worker")

    def __init__(
        self,
        worker: Worker,
        scope: Scope,
        as_of: date,
        *,
        covered_until=STORED,
        due=missing,
        payments=missing,
        warnings=missing,
    ):
        self.worker, self.scope, self.as_of = worker, scope, as_of
        self.covered_until = worker.covered_until if covered_until is STORED else covered_until
        self.due, self.payments, self.warnings = due, payments, warnings

    @property
    def nik(self):
        return self.worker.nik if self.scope.sees_full_nik(self.worker) else missing

    @property
    def nik_masked(self) -> str:
        return self.worker.nik_masked

    @property
    def status(self) -> str:
        return status_for(self.covered_until, Month.of(self.as_of), self.worker.died_on)

    @property
    def beneficiary(self) -> dict:
        worker = self.worker
        return {
            "full_name": worker.beneficiary_name,
            "relationship": worker.beneficiary_relationship,
            "phone": worker.beneficiary_phone,
        }

    @property
    def consent(self) -> dict:
        worker = self.worker
        return {
            "given": worker.consent_withdrawn_at is None,
            "notice_version": worker.consent_notice_version,
            "given_at": worker.consent_given_at.isoformat(),
            "channels": worker.message_channels,
        }

    @property
    def location(self) -> dict | None:
        worker = self.worker
        if worker.lat is None:
            return None
        return {"lat": worker.lat, "lon": worker.lon, "accuracy_m": worker.accuracy_m}

    @property
    def pricing(self) -> list[dict]:
        """Which level and programs price which months once an edit waits for the next unpaid
        month (profiles.pricing_segments); a participant never edited costs no query."""
        session = object_session(self.worker)
        if self.worker.version == 1 or session is None:
            return []
        return pricing_segments(session, self.worker)
