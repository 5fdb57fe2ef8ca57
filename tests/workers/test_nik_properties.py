"""Property-based: any NIK built from a real date, a gender and a serial parses back to them;
any string the checker accepts has the shape of DOMAIN.md §2."""

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from perisai.workers.nik import check_nik

TODAY = date(2026, 11, 23)
births = st.dates(min_value=TODAY - timedelta(days=99 * 365), max_value=TODAY)


def build(region: str, birth: date, female: bool, serial: int) -> str:
    day = birth.day + (40 if female else 0)
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{serial:04d}"


@given(
    region=st.from_regex(r"\A[1-9][0-9]{5}\Z"),
    birth=births,
    female=st.booleans(),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_a_well_formed_nik_round_trips(region, birth, female, serial):
    nik = build(region, birth, female, serial)
    gender = "F" if female else "M"
    result = check_nik(nik, today=TODAY, birth_date=birth, gender=gender)
    assert result.errors == []
    assert (result.birth_date, result.gender) == (birth, gender)


@given(
    region=st.from_regex(r"\A[1-9][0-9]{5}\Z"),
    birth=births,
    female=st.booleans(),
    serial=st.integers(min_value=1, max_value=9999),
)
def test_the_other_gender_is_always_refused(region, birth, female, serial):
    nik = build(region, birth, female, serial)
    result = check_nik(nik, today=TODAY, gender="M" if female else "F")
    assert "workers.nik_gender" in result.errors


@settings(max_examples=300)
@given(st.text(max_size=20))
def test_the_checker_never_crashes_and_accepts_only_the_shape(text):
    result = check_nik(text, today=TODAY)
    if result.ok:
        assert len(text) == 16 and text.isascii() and text.isdigit()
        assert text[12:] != "0000"
        day = int(text[6:8])
        assert 1 <= day <= 31 or 41 <= day <= 71
        assert 1 <= int(text[8:10]) <= 12
        assert result.birth_date <= TODAY


@given(
    birth=births,
    serial=st.integers(min_value=1, max_value=9999),
    days=st.integers(min_value=1, max_value=3000),
)
def test_a_birth_date_after_today_is_refused(birth, serial, days):
    future = TODAY + timedelta(days=days)
    nik = build("332501", future, False, serial)
    assert "workers.nik_future" in check_nik(nik, today=TODAY, birth_date=future).errors
