"""Backup and restore, tested once for real on each backend: back up, damage, restore, compare.

Uses a throwaway database (pg_dump cannot see the rolled-back test transaction).
"""

import uuid
from pathlib import Path

import pytest
from sqlalchemy import text

from perisai import create_app
from perisai.extensions import db as _db
from tests import factories
from tests.conftest import own_database_url


@pytest.fixture
def live_app(app, tmp_path):
    url = own_database_url(app.config["BACKEND"], tmp_path, "backup")
    live = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "SECRET_KEY": "b",
            "PHOTO_STORE": str(tmp_path / "photos"),  # photos from before the file storage
            "STORAGE_URL": f"file://{tmp_path / 'files'}",
        }
    )
    from flask_migrate import upgrade

    with live.app_context():
        upgrade()
        org = factories.make_org(_db.session)
        for _ in range(3):
            factories.make_worker(_db.session, org.agent)
        _db.session.commit()
    photo = tmp_path / "photos" / str(uuid.uuid4()) / "ktp.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8photo")
    yield live, photo
    with live.app_context():
        _db.engine.dispose()


def test_backup_then_restore_brings_everything_back(live_app, tmp_path):
    live, photo = live_app
    runner = live.test_cli_runner()
    target = tmp_path / "backup-1"
    result = runner.invoke(args=["perisai", "backup", str(target)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in target.iterdir()} >= {"manifest.json", "photos.tar.gz"}
    # damage: a participant gone, a photo gone
    with live.app_context():
        with _db.engine.begin() as conn:
            conn.execute(text("DELETE FROM workers WHERE id IN (SELECT id FROM workers LIMIT 1)"))
        _db.session.remove()
    photo.unlink()
    assert runner.invoke(args=["perisai", "restore", str(target)]).exit_code != 0  # needs --yes
    result = runner.invoke(args=["perisai", "restore", str(target), "--yes"])
    assert result.exit_code == 0, result.output
    with live.app_context(), _db.engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM workers")) == 3
    assert Path(photo).read_bytes() == b"\xff\xd8photo"


def test_backup_refuses_an_existing_folder(live_app, tmp_path):
    live, _ = live_app
    (tmp_path / "exists").mkdir()
    result = live.test_cli_runner().invoke(args=["perisai", "backup", str(tmp_path / "exists")])
    assert result.exit_code != 0
