from tests.conftest import login


def test_write_without_csrf_header_is_403(app, org):
    api = login(app, org.agent_user.username)
    response = api.client.post("/api/v1/auth/logout")
    assert response.status_code == 403
    assert response.get_json()["message"].startswith("Token CSRF")
    # still logged in: the refused request changed nothing
    assert api.get("/api/v1/auth/me").status_code == 200


def test_write_with_wrong_csrf_header_is_403(app, org):
    api = login(app, org.agent_user.username)
    response = api.client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": "forged"})
    assert response.status_code == 403


def test_csrf_token_of_another_session_is_refused(app, org):
    first = login(app, org.agent_user.username)
    second = login(app, org.agent_user.username)
    response = first.client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": second.csrf_token})
    assert response.status_code == 403


def test_write_with_csrf_header_passes(app, org):
    api = login(app, org.agent_user.username)
    assert api.post("/api/v1/auth/logout").status_code == 200
