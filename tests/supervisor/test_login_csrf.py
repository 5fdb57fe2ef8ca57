"""Login CSRF: /supervisor/login takes only the form it rendered itself (its hidden token, bound
to the pre-login session), never a plain form posted from another site; every other form of
the pages carries the session's token too."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login
from tests.factories import PASSWORD

FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)


def hidden_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]*)"', html).group(1)


def credentials(org) -> dict:
    return {"username": org.supervisor_user.username, "password": PASSWORD}


def logged_in(client) -> bool:
    return client.get("/api/v1/auth/me").status_code == 200


def test_a_cross_site_form_without_a_token_does_not_log_in(app, org):
    victim = app.test_client()  # never saw the login page: no session cookie at all
    response = victim.post("/supervisor/login", data=credentials(org))
    assert response.status_code == 403
    assert "Token CSRF" in response.get_data(as_text=True)
    assert not logged_in(victim)


@pytest.mark.parametrize("token", ["", "forged"])
def test_a_missing_or_wrong_token_is_refused_after_the_page_was_seen(app, org, token):
    client = app.test_client()
    client.get("/supervisor/login")
    response = client.post(
        "/supervisor/login",
        data={**credentials(org), "csrf_token": token},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 403
    assert "Missing or wrong CSRF token" in response.get_data(as_text=True)
    assert not logged_in(client)


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_a_browser_saying_the_post_comes_from_another_site_is_refused(app, org, headers):
    client = app.test_client()
    token = hidden_token(client.get("/supervisor/login").get_data(as_text=True))
    response = client.post(
        "/supervisor/login", data={**credentials(org), "csrf_token": token}, headers=headers
    )
    assert response.status_code == 403
    assert not logged_in(client)


def test_the_form_the_page_renders_logs_in(app, org):
    client = app.test_client()
    page = client.get("/supervisor/login")
    token = hidden_token(page.get_data(as_text=True))
    assert len(token) >= 32
    response = client.post(
        "/supervisor/login",
        data={**credentials(org), "csrf_token": token},
        headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 302 and response.headers["Location"] == "/supervisor/"
    assert logged_in(client)
    # the pre-login token does not survive the login
    assert hidden_token(client.get("/supervisor/").get_data(as_text=True)) != token


def test_every_post_form_of_the_pages_carries_the_sessions_token(app, org):
    admin = login(app, org.admin_user.username)
    for url in ("/supervisor/", "/supervisor/agents", "/supervisor/regions"):
        html = admin.get(url).get_data(as_text=True)
        posts = [form for form in FORM.findall(html) if 'method="post"' in form]
        assert posts, url
        for form in posts:
            assert hidden_token(form) == admin.csrf_token, (url, form[:80])
