"""The field rules of a registration (also used by edits and CSV imports): phone numbers,
programs, villages, occupations, income levels; every problem reported at once."""

from __future__ import annotations

import re
from datetime import date

import phonenumbers
from sqlalchemy.orm import Session

from perisai import clock
from perisai.bounds import MAX_BACKDATE_DAYS
from perisai.contributions.rules import is_income_level
from perisai.errors import ValidationFailed
from perisai.months import Month
from perisai.regions.models import Region
from perisai.regions.operations import is_village
from perisai.regions.provinces import province_code_known
from perisai.workers.models import BASE_PROGRAMS, Occupation
from perisai.workers.nik import check_nik

_VILLAGE_RE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
_PHONE_RE = re.compile(r"^(?:\+?62|0)(8\d{8,12})$")


def normalise_phone(phone: str) -> str | None:
    """'0812-3456 789' / '62812…' / '+62 (812)…' → '+62812…' (E.164, by the phonenumbers
    library); None when it is not an Indonesian mobile number (8, then 8 to 12 digits)."""
    cleaned = re.sub(r"[\s\-().]", "", phone or "")
    if not _PHONE_RE.match(cleaned):
        return None
    try:
        number = phonenumbers.parse(
            cleaned if not cleaned.startswith("62") else "+" + cleaned, "ID"
        )
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != 62:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validated_values(session: Session, data: dict, today: date) -> tuple[dict, list[dict]]:
    """Every field rule at once, so the agent sees all problems in one answer."""
    errors: dict[str, list] = {}
    warnings: list[dict] = []
    nik = data["nik"].strip()
    registered_on = _check_dates_and_nik(data, nik, today, errors, warnings)
    phone = normalise_phone(data["phone"])
    if phone is None:
        errors["phone"] = ["workers.phone_invalid"]
    beneficiary = data["beneficiary"]
    beneficiary_phone = None
    if beneficiary.get("phone"):
        beneficiary_phone = normalise_phone(beneficiary["phone"])
        if beneficiary_phone is None:
            errors["beneficiary"] = {"phone": ["workers.phone_invalid"]}
    occupation = _cached(session, Occupation, data["occupation"])
    if occupation is None or not occupation.is_active:
        errors["occupation"] = ["workers.occupation_unknown"]
    programs = sorted(set(data["programs"]))
    if token := programs_problem(data["programs"]):
        errors["programs"] = [token]
    if not is_income_level(session, data["income_level"], Month.of(today)):
        errors["income_level"] = ["workers.income_level_unknown"]
    village = data["village_code"]
    if token := village_problem(session, village):
        errors["village_code"] = [token]
    if errors:
        raise ValidationFailed("http.422", {"json": errors})
    values = {
        "nik": nik,
        "phone": phone,
        "occupation": occupation.code,
        "sector": occupation.sector,
        "has_jht": "JHT" in programs,
        "beneficiary_phone": beneficiary_phone,
        "registered_on": registered_on,
    }
    return _values(data, values), warnings


def _check_dates_and_nik(data: dict, nik: str, today: date, errors: dict, warnings: list) -> date:
    """The birth date, the registration day and the NIK (which encodes the birth date and
    gender); returns the registration day (default today)."""
    if data["birth_date"] > today:
        errors["birth_date"] = ["workers.birth_future"]
    registered_on = data.get("registered_on") or today
    if registered_on > clock.latest_today():  # the phone may be in a zone later than the branch
        errors["registered_on"] = ["workers.registered_on_future"]
    elif (today - registered_on).days > MAX_BACKDATE_DAYS:
        errors["registered_on"] = [f"workers.registered_on_old|{MAX_BACKDATE_DAYS}"]
    nik_check = check_nik(
        nik,
        today=today,
        birth_date=data["birth_date"],
        gender=data["gender"],
        province_known=province_code_known,
    )
    if nik_check.errors:
        errors["nik"] = nik_check.errors
    warnings += [{"code": "nik_province_unknown", "message": w} for w in nik_check.warnings]
    return registered_on


def _values(data: dict, checked: dict) -> dict:
    """The participant's columns: the checked values and the body's others, tidied."""
    location = data.get("location") or {}
    beneficiary = data["beneficiary"]
    return {
        "nik": checked["nik"],
        "full_name": " ".join(data["full_name"].split()),
        "birth_date": data["birth_date"],
        "gender": data["gender"],
        "phone": checked["phone"],
        "occupation": checked["occupation"],
        "sector": checked["sector"],
        "income_level": data["income_level"],
        "has_jht": checked["has_jht"],
        "funding": data["funding"],
        "village_code": data["village_code"],
        "address": data["address"].strip(),
        "beneficiary_name": beneficiary["full_name"].strip(),
        "beneficiary_relationship": beneficiary["relationship"].strip(),
        "beneficiary_phone": checked["beneficiary_phone"],
        "consent_notice_version": data["consent"]["notice_version"],
        "registered_on": checked["registered_on"],
        "lat": location.get("lat"),
        "lon": location.get("lon"),
        "accuracy_m": location.get("accuracy_m"),
        "capture_seconds": data.get("capture_seconds"),
    }


def programs_problem(programs: list[str]) -> str | None:
    """JKK+JKM, or JKK+JKM+JHT, each once (registration and edits)."""
    chosen = sorted(set(programs))
    if len(chosen) != len(programs) or chosen not in (
        sorted(BASE_PROGRAMS),
        sorted([*BASE_PROGRAMS, "JHT"]),
    ):
        return "workers.programs"
    return None


def village_problem(session: Session, village: str) -> str | None:
    """A current Kemendagri village code, or the message saying what is wrong with it."""
    if not _VILLAGE_RE.match(village):
        return "workers.village_format"
    if not is_village(_cached(session, Region, village)):
        return "workers.village_unknown"
    return None


def _cached(session: Session, model, key):
    """Reference rows (occupations, villages) read once per session: a sync batch of 500
    registrations in one village reads the village once. The identity map alone would not do:
    it drops rows nobody holds on to."""
    cache = session.info.setdefault("perisai.reference_rows", {})
    if (model, key) not in cache:
        cache[(model, key)] = session.get(model, key)
    return cache[(model, key)]
