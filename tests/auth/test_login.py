from datetime import timedelta

import pytest
from sqlalchemy import select

from perisai import clock
from perisai.auth.models import LoginFailure, User
from tests.conftest import login
from tests.factories import PASSWORD


def post_login(client, username, password, **kw):
    return client.post(
        "/api/v1/auth/login", json={"username": username, "password": password}, **kw
    )


def test_login_returns_user_csrf_token_and_session_cookie(client, org):
    response = post_login(client, org.agent_user.username, PASSWORD)
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"] == {
        "id": org.agent_user.id,
        "username": org.agent_user.username,
        "role": "agent",
        "agent_code": org.agent.agent_code,
        "full_name": org.agent.full_name,  # the PWA greets the agent by name
    }
    assert len(body["csrf_token"]) >= 32
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_supervisor_has_no_agent_code(client, org):
    body = post_login(client, org.supervisor_user.username, PASSWORD).get_json()
    assert body["user"]["role"] == "supervisor" and body["user"]["agent_code"] is None


def test_wrong_password_and_unknown_user_give_the_same_401(client, org):
    wrong = post_login(client, org.agent_user.username, "not-the-password")
    unknown = post_login(client, "nobody-here", "not-the-password")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.get_json() == unknown.get_json()
    assert wrong.get_json()["message"] == "Nama pengguna atau kata sandi salah."


def test_error_message_in_english_when_asked(client, org):
    response = post_login(client, "nobody", "x", headers={"Accept-Language": "en"})
    assert response.get_json()["message"] == "Wrong username or password."


def test_eleventh_failure_within_15_minutes_is_locked_out(client, org, db):
    username = org.agent_user.username
    for _ in range(10):
        assert post_login(client, username, "wrong").status_code == 401
    locked = post_login(client, username, PASSWORD)
    assert locked.status_code == 429
    assert locked.get_json()["code"] == 429
    # another username is not affected
    assert post_login(client, org.agent2_user.username, PASSWORD).status_code == 200


def test_lockout_counts_only_the_last_15_minutes(client, org, db):
    username = org.agent_user.username
    old = clock.now() - timedelta(minutes=16)
    db.session.add_all([LoginFailure(username=username, failed_at=old) for _ in range(10)])
    db.session.commit()
    assert post_login(client, username, PASSWORD).status_code == 200


def test_lockout_is_stored_in_the_database_not_in_process_memory(app, client, org, db):
    username = org.agent_user.username
    for _ in range(10):
        post_login(client, username, "wrong")
    count = len(
        db.session.scalars(select(LoginFailure).where(LoginFailure.username == username)).all()
    )
    assert count == 10
    # A second client (as another process would be) sees the same lockout.
    assert post_login(app.test_client(), username, PASSWORD).status_code == 429


def test_success_clears_failures_and_records_last_login(client, org, db):
    username = org.agent_user.username
    post_login(client, username, "wrong")
    assert post_login(client, username, PASSWORD).status_code == 200
    db.session.expire_all()
    assert (
        db.session.scalars(select(LoginFailure).where(LoginFailure.username == username)).all()
        == []
    )
    assert db.session.get(User, org.agent_user.id).last_login_at is not None


def test_inactive_user_cannot_log_in(client, org, db):
    org.agent_user.is_active = False
    db.session.commit()
    assert post_login(client, org.agent_user.username, PASSWORD).status_code == 401


def test_username_is_case_insensitive(client, org):
    assert post_login(client, org.agent_user.username.upper(), PASSWORD).status_code == 200


@pytest.mark.parametrize(
    "body, field",
    [({"username": "x"}, "password"), ({"password": "x"}, "username")],
)
def test_missing_field_is_422_with_field_error(client, org, body, field):
    response = client.post("/api/v1/auth/login", json=body)
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"][field] == ["Wajib diisi."]


def test_unknown_field_is_refused(client, org):
    response = client.post(
        "/api/v1/auth/login", json={"username": "a", "password": "b", "admin": True}
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"]["admin"] == ["Isian tidak dikenal."]


def test_me_and_logout(app, org):
    api = login(app, org.agent_user.username)
    me = api.get("/api/v1/auth/me")
    assert me.status_code == 200
    assert me.get_json() == {"user": api.user, "csrf_token": api.csrf_token}
    assert api.post("/api/v1/auth/logout").status_code == 200
    assert api.get("/api/v1/auth/me").status_code == 401


def test_me_without_login_is_401_in_the_error_shape(client):
    response = client.get("/api/v1/auth/me")
    assert response.status_code == 401
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["code"] == 401 and body["status"] == "Unauthorized"


def test_password_change_ends_existing_sessions(app, org, db):
    from perisai.auth.operations import hash_password

    api = login(app, org.agent_user.username)
    org.agent_user.password_hash = hash_password("a-brand-new-password")
    db.session.commit()
    assert api.get("/api/v1/auth/me").status_code == 401
