"""`/healthz` (liveness) and `/readyz` (database, Redis, storage): 200, or 503 naming the check."""

from __future__ import annotations

from perisai import create_app


def ready_app(app, **config):
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            **config,
        }
    )


def test_ready_with_everything_answering(app, tmp_path):
    checked = ready_app(app, REDIS_URL="redis://127.0.0.1:6379/0", STORAGE_URL=f"file://{tmp_path}")
    response = checked.test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "checks": {"database": "ok", "redis": "ok", "storage": "ok"},
    }
    assert list(tmp_path.rglob("*")) in ([], [tmp_path / "health"])  # the probe is removed


def test_no_redis_configured_is_no_redis_checked(client):
    body = client.get("/readyz").get_json()
    assert "redis" not in body["checks"] and body["status"] == "ok"


def test_redis_on_a_closed_port_is_not_ready(app, tmp_path):
    checked = ready_app(app, REDIS_URL="redis://127.0.0.1:1/0", STORAGE_URL=f"file://{tmp_path}")
    client = checked.test_client()
    assert client.get("/healthz").status_code == 200  # alive: no restart for a Redis outage
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["checks"]["redis"] == "unreachable"
    assert body["checks"]["database"] == "ok"


def test_storage_that_cannot_be_made_is_not_ready(app, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    checked = ready_app(app, STORAGE_URL=f"file://{blocker}/files")
    response = checked.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "storage": "unavailable"}
