"""Login form: CSRF required on every POST, failed logins limited per username and address."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

from engine import accounts
from engine.context import Samverkan
from web import create_app


def _client(engine: Samverkan) -> tuple[FlaskClient, str]:
    accounts.add_user(engine, "karin", ["kontaktperson"], "rätt-lösenord")
    client = create_app({"TESTING": True}, engine=engine).test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    return client, token.group(1)


def test_post_without_csrf_token_is_refused(engine: Samverkan) -> None:
    client, _ = _client(engine)
    response = client.post("/login", data={"username": "karin", "password": "rätt-lösenord"})
    assert response.status_code == 400
    assert "Formuläret har gått ut" in response.get_data(as_text=True)


def test_five_failures_lock_the_username_even_for_the_right_password(engine: Samverkan) -> None:
    client, token = _client(engine)
    for _ in range(5):
        response = client.post("/login", data={"username": "karin", "password": "fel", "csrf_token": token})
        assert "Fel användarnamn eller lösenord." in response.get_data(as_text=True)
    response = client.post("/login", data={"username": "karin", "password": "rätt-lösenord", "csrf_token": token})
    assert response.status_code == 429
    assert "För många misslyckade inloggningar" in response.get_data(as_text=True)
    cookie = client.get_cookie("session")
    assert cookie is None or "username" not in cookie.value


def test_login_sets_httponly_lax_cookie_and_logout_needs_post(engine: Samverkan) -> None:
    client, token = _client(engine)
    response = client.post("/login", data={"username": "karin", "password": "rätt-lösenord", "csrf_token": token})
    assert response.status_code == 302
    header = response.headers["Set-Cookie"]
    assert "HttpOnly" in header and "SameSite=Lax" in header
    inbox = client.get("/")
    assert inbox.status_code == 200
    fresh = re.search(r'name="csrf_token" value="([^"]+)"', inbox.get_data(as_text=True))
    assert fresh is not None and fresh.group(1) != token  # a new session and token after login
    assert client.get("/logout").status_code == 405
    assert client.post("/logout", data={"csrf_token": fresh.group(1)}).status_code == 302
    assert client.get("/").status_code == 302
