"""Card QR codes name the address the service really answers at (PERISAI_BASE_URL)."""

from __future__ import annotations

import pytest

from perisai import config, create_app
from tests import factories


@pytest.fixture
def development_base_url(app):
    """The app as development starts it when PERISAI_BASE_URL is not set."""
    before = app.config["BASE_URL"]
    app.config["BASE_URL"] = config.defaults(app.instance_path)["BASE_URL"]
    yield
    app.config["BASE_URL"] = before


def test_qr_link_follows_the_served_address_in_development(db, org, as_agent, development_base_url):
    worker = factories.make_worker(db.session, org.agent)
    db.session.commit()
    for served_at in ("http://localhost:5057", "http://localhost:8123"):
        response = as_agent.get(f"/api/v1/workers/{worker.id}/card.pdf", base_url=served_at)
        assert response.status_code == 200
        cards = as_agent.get(f"/api/v1/workers/{worker.id}/cards", base_url=served_at).get_json()
        assert cards[0]["verify_url"].startswith(f"{served_at}/v/"), cards[0]["verify_url"]


def test_a_set_base_url_wins_over_the_request(db, org, as_agent):
    worker = factories.make_worker(db.session, org.agent)
    db.session.commit()
    as_agent.get(f"/api/v1/workers/{worker.id}/card.pdf", base_url="http://localhost:5057")
    cards = as_agent.get(f"/api/v1/workers/{worker.id}/cards").get_json()
    assert cards[0]["verify_url"].startswith("http://perisai.test/v/")  # the tests' setting


def test_production_refuses_to_start_without_a_base_url(monkeypatch, tmp_path):
    monkeypatch.setenv("PERISAI_ENV", "production")
    monkeypatch.setenv("PERISAI_SECRET_KEY", "a-real-secret")
    monkeypatch.delenv("PERISAI_BASE_URL", raising=False)
    monkeypatch.delenv("PERISAI_CLOCK", raising=False)
    monkeypatch.setenv("PERISAI_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    with pytest.raises(RuntimeError) as refused:
        create_app()
    message = str(refused.value)
    assert message.startswith("PERISAI_BASE_URL wajib diisi di produksi")
    assert "must be set in production" in message
