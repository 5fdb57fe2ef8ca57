"""load_regions on a small list: counts, codes, idempotence, newer lists, refused files."""

from __future__ import annotations

import copy

import pytest
from sqlalchemy import func, select

from perisai.regions import operations
from perisai.regions.models import Region
from perisai.regions.operations import RegionFileError, load_regions
from tests import factories
from tests.regions.conftest import SMALL_LIST, write_region_files


def count(db):
    return db.session.scalar(select(func.count()).select_from(Region))


def test_small_list_is_loaded_with_levels_and_parents(db, small_regions):
    assert small_regions == {
        "provinces": 2,
        "regencies": 3,
        "districts": 4,
        "villages": 5,
        "inserted": 14,
        "updated": 0,
        "retired": 0,
    }
    village = operations.get_region(db.session, "33.25.01.2001")
    assert (village.name, village.level, village.parent_code, village.is_current) == (
        "Silurah",
        "village",
        "33.25.01",
        True,
    )
    assert operations.get_region(db.session, "33").parent_code is None
    assert operations.get_region(db.session, "33.25.02").level == "district"


def test_reloading_the_same_list_changes_nothing(db, region_dir, small_regions):
    again = load_regions(db.session, region_dir)
    assert (again["inserted"], again["updated"], again["retired"]) == (0, 0, 0)
    assert count(db) == 14


def test_undotted_codes_are_converted(db, tmp_path):
    folder = write_region_files(tmp_path / "plain", dotted=False, gzipped=())
    load_regions(db.session, folder)
    assert operations.get_region(db.session, "33.25.01.2001").parent_code == "33.25.01"
    assert operations.get_region(db.session, "3325012001") is None


def test_a_newer_list_renames_adds_and_retires_but_never_deletes(db, org, tmp_path):
    # org's factory regions include 33.25.01.2001 and a participant lives there
    worker = factories.make_worker(db.session, org.agent, village_code="33.25.01.2001")
    newer = copy.deepcopy(SMALL_LIST)
    newer["villages"] = [v for v in newer["villages"] if v[0] != "33.25.01.2001"]
    newer["villages"].append(("33.25.01.2009", "33.25.01", "Desa Baru"))
    newer["districts"][0] = ("33.25.01", "33.25", "Wonotunggal Baru")
    counts = load_regions(db.session, write_region_files(tmp_path / "newer", newer))
    assert counts["villages"] == 5
    assert counts["retired"] >= 1  # 33.25.01.2001 and the factory's fabricated codes

    retired = operations.get_region(db.session, "33.25.01.2001")
    assert retired is not None and retired.is_current is False
    db.session.refresh(worker)
    assert worker.village_code == "33.25.01.2001"
    assert not operations.village_exists(db.session, "33.25.01.2001")
    assert operations.village_exists(db.session, "33.25.01.2001", current_only=False)
    assert operations.village_exists(db.session, "33.25.01.2009")
    assert operations.get_region(db.session, "33.25.01").name == "Wonotunggal Baru"
    assert [r.code for r in operations.children(db.session, "33.25.01")] == [
        "33.25.01.2002",
        "33.25.01.2009",
    ]

    # the code comes back in a later list: current again
    counts = load_regions(db.session, write_region_files(tmp_path / "back"))
    assert operations.village_exists(db.session, "33.25.01.2001")
    assert counts["updated"] >= 2  # back to current, and the district's old name


def test_children_are_ordered_by_code(db, small_regions):
    assert [r.code for r in operations.children(db.session, None)] == ["33", "91"]
    assert [r.code for r in operations.children(db.session, "33.25.01")] == [
        "33.25.01.2001",
        "33.25.01.2002",
    ]
    assert operations.children(db.session, "33.25.01.2001") == []


def test_village_exists_only_for_villages(db, small_regions):
    assert operations.village_exists(db.session, "33.25.02.2002")
    assert not operations.village_exists(db.session, "33.25.02")
    assert not operations.village_exists(db.session, "33.25.02.9999")
    assert not operations.village_exists(db.session, "33.25.02.2002 ")
    assert not operations.village_exists(db.session, None)


@pytest.mark.parametrize(
    ("stem", "row", "problem"),
    [
        ("villages", ("33.25.01.2003", "33.25.02", "Salah Induk"), "parent does not match"),
        ("villages", ("33.25.09.2001", "33.25.09", "Yatim"), "without a parent"),
        ("villages", ("33.25.03", "33.25", "Kecamatan Salah Berkas"), "bad row"),
        ("villages", ("33.25.01.2x01", "33.25.01", "Huruf"), "malformed"),
        ("districts", ("33.25.03", "33.25", ""), "bad row"),
        ("villages", ("33.25.01.2001", "33.25.01", "Ganda"), "duplicate"),
    ],
)
def test_an_inconsistent_list_is_refused_and_nothing_is_written(db, tmp_path, stem, row, problem):
    broken = copy.deepcopy(SMALL_LIST)
    broken[stem].append(row)
    with pytest.raises(RegionFileError, match=problem):
        load_regions(db.session, write_region_files(tmp_path / "broken", broken))
    assert count(db) == 0


def test_a_missing_file_is_refused(db, tmp_path):
    folder = write_region_files(tmp_path / "partial")
    (folder / "villages.csv.gz").unlink()
    with pytest.raises(RegionFileError, match="villages"):
        load_regions(db.session, folder)
    assert count(db) == 0


def test_codes_helpers():
    assert operations.normalise_code("3325012001") == "33.25.01.2001"
    assert operations.normalise_code(" 33 ") == "33"
    assert operations.ancestors_of("33.25.01.2001") == ["33", "33.25", "33.25.01"]
    assert operations.parent_of("33") is None
    with pytest.raises(RegionFileError):
        operations.normalise_code("33250120011")
