"""Every NIK rule of DOMAIN.md §2, on the pure checker."""

from datetime import date

import pytest

from perisai.workers.nik import check_nik

TODAY = date(2026, 11, 23)


def errors(nik, **kw):
    return check_nik(nik, today=TODAY, **kw).errors


def test_valid_male_nik_gives_birth_date_and_gender():
    result = check_nik("3325010507900001", today=TODAY)
    assert result.ok and result.gender == "M" and result.birth_date == date(1990, 7, 5)


def test_valid_female_nik_has_day_plus_40():
    result = check_nik("3325014507900001", today=TODAY, gender="F", birth_date=date(1990, 7, 5))
    assert result.ok and result.gender == "F" and result.birth_date == date(1990, 7, 5)


@pytest.mark.parametrize(
    "nik, error",
    [
        ("332501050790001", "workers.nik_length"),  # 15 digits
        ("33250105079000011", "workers.nik_length"),  # 17 digits
        ("33250105079A0001", "workers.nik_digits"),
        ("３３２５０１０５０７９０００１", "workers.nik_digits"),  # full-width digits
        ("3325013207900001", "workers.nik_day"),  # day 32
        ("3325010007900001", "workers.nik_day"),  # day 00
        ("3325017207900001", "workers.nik_day"),  # day 72 (female 32)
        ("3325013507900001", "workers.nik_day"),  # 35: neither 1-31 nor 41-71
        ("3325010513900001", "workers.nik_month"),  # month 13
        ("3325010500900001", "workers.nik_month"),  # month 00
        ("3325013102900001", "workers.nik_date"),  # 31 February
        ("3325010507900000", "workers.nik_serial"),
    ],
)
def test_invalid_niks_are_rejected(nik, error):
    assert error in errors(nik)


def test_gender_that_contradicts_the_day_field():
    assert errors("3325010507900001", gender="F") == ["workers.nik_gender"]
    assert errors("3325014507900001", gender="M") == ["workers.nik_gender"]


def test_birth_date_that_contradicts_the_nik():
    assert errors("3325010507900001", birth_date=date(1990, 7, 6)) == ["workers.nik_birth_date"]


def test_birth_date_in_the_future():
    # 01-12-26 is after "today" (2026-11-23): the only century that fits yy=26 is the future.
    assert "workers.nik_future" in errors("3325010112260001", birth_date=date(2026, 12, 1))


def test_two_digit_year_takes_the_century_of_the_submitted_birth_date():
    result = check_nik("3325010507250001", today=TODAY, birth_date=date(1925, 7, 5))
    assert result.ok and result.birth_date == date(1925, 7, 5)


def test_unknown_province_is_a_warning_not_an_error():
    result = check_nik("9925010507900001", today=TODAY, province_known=lambda code: code != "99")
    assert result.ok
    assert result.warnings == ["workers.nik_province_unknown"]


def test_renumbered_papua_prefix_is_accepted():
    from perisai.regions.provinces import province_code_known

    result = check_nik("9471010507900001", today=TODAY, province_known=province_code_known)
    assert result.ok and result.warnings == []
