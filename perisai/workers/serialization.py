"""The participant JSON of API.md (serialize_worker), its pricing history included."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import object_session

from perisai.auth.permissions import Scope
from perisai.contributions.profiles import pricing_segments
from perisai.months import Month
from perisai.workers.models import Worker, mask_nik, status_for

STORED = object()  # serialize_worker's default: the coverage stored on the participant


def serialize_worker(
    worker: Worker,
    scope: Scope,
    as_of: date,
    *,
    covered_until=STORED,
    for_list: bool = False,
) -> dict:
    """The participant JSON of API.md. `covered_until` (a Month, or None: nothing covered yet)
    is the coverage as it stood on `as_of`, when that is not today's stored coverage."""
    covered = worker.covered_until if covered_until is STORED else covered_until
    body = {
        "id": worker.id,
        "nik_masked": mask_nik(worker.nik),
        "membership_number": worker.membership_number,
        "full_name": worker.full_name,
        "phone": worker.phone,
        "occupation": worker.occupation,
        "village_code": worker.village_code,
        "programs": worker.programs,
        "status": status_for(covered, Month.of(as_of), worker.died_on),
        "covered_until": str(covered) if covered else None,
        "managed_by": worker.managed_by.agent_code if worker.managed_by else None,
        "version": worker.version,
        "end_reason": worker.end_reason,
        "died_on": worker.died_on,
    }
    if for_list:
        return body
    if scope.sees_full_nik(worker):
        body["nik"] = worker.nik
    body.update(
        {
            "birth_date": worker.birth_date,
            "gender": worker.gender,
            "sector": worker.sector,
            "income_level": worker.income_level,
            "funding": worker.funding,
            "address": worker.address,
            "beneficiary": {
                "full_name": worker.beneficiary_name,
                "relationship": worker.beneficiary_relationship,
                "phone": worker.beneficiary_phone,
            },
            "consent": {
                "given": worker.consent_withdrawn_at is None,
                "notice_version": worker.consent_notice_version,
                "given_at": worker.consent_given_at.isoformat(),
            },
            "location": (
                {"lat": worker.lat, "lon": worker.lon, "accuracy_m": worker.accuracy_m}
                if worker.lat is not None
                else None
            ),
            "first_paid_month": str(worker.first_paid_month) if worker.first_paid_month else None,
            "registered_by": worker.registered_by.agent_code if worker.registered_by else None,
            "registered_on": worker.registered_on,
            "created_at": worker.created_at,
            "pricing": _pricing(worker),
        }
    )
    return body


def _pricing(worker: Worker) -> list[dict]:
    """Which level and programs price which months once an edit waits for the next unpaid
    month (profiles.pricing_segments); a participant never edited costs no query."""
    session = object_session(worker)
    if worker.version == 1 or session is None:
        return []
    return pricing_segments(session, worker)
