"""The service as a whole: health, OpenAPI, error shape, configuration."""

import pytest
from openapi_spec_validator import validate

from perisai import create_app
from perisai.config import DEFAULT_SECRET_KEY


def test_healthz_says_the_process_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_reports_an_unreachable_database(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        }
    )
    assert app.test_client().get("/healthz").status_code == 200  # alive all the same
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable" and body["checks"]["database"] == "unreachable"


def test_openapi_document_is_valid_openapi_3(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    validate(spec)
    assert "/api/v1/auth/login" in spec["paths"]


def test_every_operation_has_a_summary(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    missing = [
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"} and not operation.get("summary")
    ]
    assert missing == []


def test_docs_page_is_served(client):
    assert client.get("/api/v1/docs").status_code == 200


def test_unknown_url_is_404_in_the_error_shape(client):
    response = client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response.get_json() == {
        "code": 404,
        "status": "Not Found",
        "message": "Not found.",
        "errors": {},
    }


def test_malformed_json_is_400_never_500(client, org):
    response = client.post(
        "/api/v1/auth/login", data="{not json", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert set(response.get_json()) == {"code", "status", "message", "errors"}


def test_server_error_carries_no_stack_trace(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"})

    @app.get("/boom-test")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom-test")
    assert response.status_code == 500
    text = response.get_data(as_text=True)
    assert "secret internals" not in text and "Traceback" not in text
    assert response.get_json()["code"] == 500


def test_security_headers(client):
    response = client.get("/healthz")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_production_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.setenv("PERISAI_ENV", "production")
    monkeypatch.delenv("PERISAI_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="PERISAI_SECRET_KEY"):
        create_app()


def test_production_starts_with_a_real_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("PERISAI_ENV", "production")
    monkeypatch.setenv("PERISAI_SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("PERISAI_BASE_URL", "https://perisai.example")
    monkeypatch.delenv("PERISAI_CLOCK", raising=False)
    monkeypatch.setenv("PERISAI_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    app = create_app()
    assert app.config["SECRET_KEY"] != DEFAULT_SECRET_KEY
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_refuses_a_moved_clock(monkeypatch, tmp_path):
    """PERISAI_CLOCK (a clock moved for tests and demos) never reaches a production server."""
    monkeypatch.setenv("PERISAI_ENV", "production")
    monkeypatch.setenv("PERISAI_SECRET_KEY", "a-real-secret")
    monkeypatch.setenv("PERISAI_DATABASE_URL", f"sqlite:///{tmp_path}/x.sqlite3")
    monkeypatch.setenv("PERISAI_BASE_URL", "https://perisai.example")
    monkeypatch.setenv("PERISAI_CLOCK", "2027-01-01")
    with pytest.raises(RuntimeError) as refused:
        create_app()
    message = str(refused.value)
    assert message.index("tidak boleh diisi di produksi") < message.index("must not be set")
    assert message.startswith("PERISAI_CLOCK")


def test_a_moved_clock_is_allowed_outside_production(monkeypatch, tmp_path):
    monkeypatch.setenv("PERISAI_ENV", "development")
    monkeypatch.setenv("PERISAI_CLOCK", "2027-01-01")
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.sqlite3"})


def test_database_url_from_environment_uses_psycopg(monkeypatch):
    monkeypatch.setenv("PERISAI_DATABASE_URL", "postgresql://u@h:5432/d")
    app = create_app({"TESTING": True})
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h:5432/d"


def test_generated_pdfs_are_never_cached(app):
    from perisai.api import pdf_response

    with app.test_request_context():
        response = pdf_response(b"%PDF-1.7", "kuitansi-1.pdf")
    assert response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert response.headers["Content-Disposition"] == 'inline; filename="kuitansi-1.pdf"'


def test_an_unreachable_database_is_503_with_retry_after(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1",
        }
    )
    response = app.test_client().post(
        "/api/v1/auth/login", json={"username": "agent", "password": "whatever"}
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    body = response.get_json()
    assert body["code"] == 503 and "Traceback" not in response.get_data(as_text=True)
