"""Security headers on every response, no inline script in any template, Allow on 405, Secure cookies."""

from __future__ import annotations

import dataclasses
import http.client
import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from engine import accounts
from engine.context import Samverkan
from web import create_app

TEMPLATES = Path(__file__).resolve().parent.parent / "web" / "templates"


def _fetch(base: str, method: str, path: str) -> http.client.HTTPResponse:
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.request(method, path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@pytest.mark.parametrize(
    "path",
    ["/login", "/", "/static/samverkan.css", "/finns-inte", "/api/v1/health", "/api/v1/cases", "/api/v1/openapi.json"],
)
def test_every_response_carries_the_security_headers(live_server: str, path: str) -> None:
    response = _fetch(live_server, "GET", path)
    policy = response.getheader("Content-Security-Policy") or ""
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'self'" and directives["form-action"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "same-origin"


def test_templates_have_no_inline_script_or_style() -> None:
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        for tag in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in tag or 'type="application/json"' in tag, f"{template.name}: {tag}"
        assert not re.search(r"\son[a-z]+\s*=", text), f"{template.name} has an inline event handler"
        assert not re.search(r"\sstyle\s*=", text), f"{template.name} has an inline style attribute"
        assert "javascript:" not in text and "<style" not in text, template.name


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", "/logout", "OPTIONS, POST"),
        ("DELETE", "/api/v1/cases", "GET, HEAD, OPTIONS, POST"),
        ("PUT", "/api/v1/health", "GET, HEAD, OPTIONS"),
    ],
)
def test_405_says_which_methods_are_allowed(live_server: str, method: str, path: str, allowed: str) -> None:
    response = _fetch(live_server, method, path)
    assert response.status == 405
    assert response.getheader("Allow") == allowed


def _login_cookie(engine: Samverkan, base_url: str = "http://localhost") -> str:
    accounts.add_user(engine, "karin", ["kontaktperson"], "rätt-lösenord")
    client = create_app({"TESTING": True}, engine=engine).test_client()
    page = client.get("/login", base_url=base_url).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    response = client.post(
        "/login",
        data={"username": "karin", "password": "rätt-lösenord", "csrf_token": token.group(1)},
        base_url=base_url,
    )
    assert response.status_code == 302
    return response.headers["Set-Cookie"]


def test_session_cookie_is_not_secure_over_plain_http_by_default(engine: Samverkan) -> None:
    assert "Secure" not in _login_cookie(engine)


def test_session_cookie_is_secure_when_configured(engine: Samverkan) -> None:
    engine.settings = dataclasses.replace(engine.settings, secure_cookies=True)  # SAMVERKAN_SECURE_COOKIES=1
    assert "; Secure" in _login_cookie(engine)


def test_session_cookie_is_secure_over_https(engine: Samverkan) -> None:
    assert "; Secure" in _login_cookie(engine, base_url="https://localhost")
