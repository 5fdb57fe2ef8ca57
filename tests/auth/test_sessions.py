"""Server-side sessions: logout ends a session on every server, a copied cookie then gets 401
(API.md "Deployment contract"); sessions expire, and end with a deactivation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from perisai import clock, create_app
from perisai.auth.models import UserSession
from tests.conftest import FreshContextClient, login


@pytest.fixture
def second_server(app, db):
    """Another app on the same database, as a second server behind the load balancer: it
    shares nothing with the first but the database and the secret key."""
    other = create_app(
        {
            key: app.config[key]
            for key in ("TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "PHOTO_STORE")
        }
    )
    other.test_client_class = FreshContextClient
    return other


def copy_cookie(source, target_app):
    """A client of `target_app` holding the session cookie `source` was given (a stolen or
    shared cookie, or the next request going to another server)."""
    cookie = source.client.get_cookie("session")
    assert cookie is not None
    client = target_app.test_client()
    client.set_cookie("session", cookie.value)
    return client


def test_a_session_works_on_every_server(app, org, second_server):
    api = login(app, org.agent_user.username)
    elsewhere = copy_cookie(api, second_server)
    assert elsewhere.get("/api/v1/auth/me").get_json()["user"] == api.user


def test_logout_on_one_server_ends_the_session_on_every_server(app, org, second_server):
    api = login(app, org.agent_user.username)
    elsewhere = copy_cookie(api, second_server)
    replay_here = copy_cookie(api, app)
    assert api.post("/api/v1/auth/logout").status_code == 200
    assert elsewhere.get("/api/v1/auth/me").status_code == 401
    assert replay_here.get("/api/v1/auth/me").status_code == 401
    response = elsewhere.post("/api/v1/sync", json={"operations": []})
    assert response.status_code == 401


def test_supervisor_logout_ends_the_session_for_pages_and_api(app, org, second_server):
    supervisor = login(app, org.supervisor_user.username)
    elsewhere = copy_cookie(supervisor, second_server)
    assert elsewhere.get("/supervisor/agents").status_code == 200
    done = supervisor.client.post("/supervisor/logout", data={"csrf_token": supervisor.csrf_token})
    assert done.status_code == 302
    page = elsewhere.get("/supervisor/agents")
    assert page.status_code == 302 and page.headers["Location"].startswith("/supervisor/login")
    assert elsewhere.get("/api/v1/auth/me").status_code == 401


def test_logging_out_ends_only_that_session(app, org):
    phone, laptop = login(app, org.agent_user.username), login(app, org.agent_user.username)
    assert phone.post("/api/v1/auth/logout").status_code == 200
    assert phone.get("/api/v1/auth/me").status_code == 401
    assert laptop.get("/api/v1/auth/me").status_code == 200


def test_the_cookie_carries_only_a_random_session_id(app, org, db):
    login(app, org.agent_user.username)
    [record] = db.session.scalars(
        select(UserSession).where(UserSession.user_id == org.agent_user.id)
    ).all()
    assert len(record.id) >= 40 and str(org.agent_user.id) not in record.id.split("-")
    assert record.ended_at is None


def test_a_session_expires_on_the_server_after_its_lifetime(app, org):
    lifetime = app.permanent_session_lifetime
    with clock.travel("2026-06-15"):
        api = login(app, org.agent_user.username)
        start = clock.now()
    with clock.travel(start + lifetime - timedelta(minutes=1)):
        assert api.get("/api/v1/auth/me").status_code == 200  # seen: the expiry moves on
    with clock.travel(start + 2 * lifetime - timedelta(minutes=2)):
        assert api.get("/api/v1/auth/me").status_code == 200
    with clock.travel(start + 3 * lifetime):
        assert api.get("/api/v1/auth/me").status_code == 401


def test_an_idle_session_expires(app, org):
    with clock.travel("2026-06-15"):
        api = login(app, org.agent_user.username)
        start = clock.now()
    with clock.travel(start + app.permanent_session_lifetime + timedelta(seconds=1)):
        assert api.get("/api/v1/auth/me").status_code == 401


def test_deactivation_ends_every_session_for_good(app, org, db):
    api = login(app, org.agent_user.username)
    org.agent_user.is_active = False
    db.session.commit()
    assert api.get("/api/v1/auth/me").status_code == 401
    org.agent_user.is_active = True
    db.session.commit()
    assert api.get("/api/v1/auth/me").status_code == 401  # not revived by a reactivation
