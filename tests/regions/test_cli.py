"""flask perisai load-regions [--source DIR]."""

from __future__ import annotations

from perisai.regions.operations import get_region


def test_load_regions_from_a_folder(app, db, region_dir):
    result = app.test_cli_runner().invoke(
        args=["perisai", "load-regions", "--source", str(region_dir)]
    )
    assert result.exit_code == 0, result.output
    assert "'villages': 5" in result.output
    assert get_region(db.session, "33.25.02.2002").name == "Wonomerto"


def test_a_broken_folder_is_refused(app, db, tmp_path):
    (tmp_path / "provinces.csv").write_text("code,name\n3,Satu Digit\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["perisai", "load-regions", "--source", str(tmp_path)]
    )
    assert result.exit_code != 0
    assert "region list refused" in result.output
    assert get_region(db.session, "33") is None
