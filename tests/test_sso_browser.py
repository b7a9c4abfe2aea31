"""Single sign-on end to end: Chromium, Samverkan and a real OpenID Connect provider over HTTP."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect
from sqlalchemy import select

from engine import accounts, reference, schema
from engine.context import Samverkan
from engine.db import create_schema, make_engine
from engine.settings import Settings
from engine.sso import NO_ROLE
from tests.browser import axe_violations, base_url, browser_type_launch_args  # noqa: F401
from tests.oidc_provider import Provider
from web.sso import EXPIRED, NOT_FOR_US

ROLE_MAP = "SG-Samverkan-Kontakt=kontaktperson,SG-Samverkan-Admin=admin,SG-Samverkan-Admin=chef"
BUTTON = "Logga in med Malmö stads konto"


@dataclass
class Site:
    url: str
    engine: Samverkan
    provider: Provider


@contextmanager
def samverkan_with_sso(database_url: str, tmp_path: Path, **env: str) -> Iterator[Site]:
    """Samverkan served over HTTP with single sign-on against a provider of its own."""
    from werkzeug.serving import make_server

    from web import create_app

    provider = Provider()
    environ = {
        "SAMVERKAN_HOME": str(tmp_path / "instans"),
        "DATABASE_URL": database_url,
        "SAMVERKAN_SECRET_KEY": "test-nyckel",
        "SAMVERKAN_OIDC_ISSUER": provider.issuer,
        "SAMVERKAN_OIDC_CLIENT_ID": "samverkan",
        "SAMVERKAN_OIDC_CLIENT_SECRET": "hemlig-klient",
        "SAMVERKAN_OIDC_ROLE_MAP": ROLE_MAP,
        **env,
    }
    engine = Samverkan(db=make_engine(database_url), settings=Settings.from_env(environ))
    create_schema(engine.db)
    reference.load_example_areas(engine)
    server = make_server("127.0.0.1", 0, create_app({"TESTING": True}, engine=engine), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    provider.add_client("samverkan", "hemlig-klient", f"{url}/login/sso/callback")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with provider.running():
        try:
            yield Site(url, engine, provider)
        finally:
            server.shutdown()
            thread.join()
            engine.db.dispose()


@pytest.fixture
def site(database_url: str, tmp_path: Path) -> Iterator[Site]:
    with samverkan_with_sso(database_url, tmp_path) as running:
        yield running


def sign_in(page: Page, site: Site, who: str) -> None:
    page.goto(f"{site.url}/login")
    page.get_by_role("button", name=BUTTON).click()
    page.get_by_label("Who are you").fill(who)
    page.get_by_role("button", name="Sign in at the provider").click()
    page.wait_for_load_state()


def users(engine: Samverkan) -> list[tuple[str, list[str], str | None, str | None]]:
    u = schema.users
    with engine.db.connect() as conn:
        rows = conn.execute(select(u.c.username, u.c.roles, u.c.oidc_issuer, u.c.oidc_subject).order_by(u.c.id))
        return [(r.username, sorted(r.roles), r.oidc_issuer, r.oidc_subject) for r in rows]


def test_first_login_creates_the_user_with_mapped_roles(page: Page, site: Site) -> None:
    kim = site.provider.add_person("kim", ["SG-Samverkan-Admin", "Alla-anstallda"], "Kim Berg")
    page.goto(f"{site.url}/login")
    expect(page.get_by_label("Användarnamn")).to_be_visible()  # the password form stays beside the button
    assert axe_violations(page) == []
    sign_in(page, site, "kim")
    expect(page.get_by_role("heading", level=1)).to_have_text("Att göra")
    expect(page.get_by_text("Kim Berg")).to_be_visible()
    expect(page.get_by_role("link", name="Administration")).to_be_visible()
    assert users(site.engine) == [("kim", ["admin", "chef"], site.provider.issuer, kim.subject)]
    # PKCE: the browser never saw the verifier, the token request carried it.
    assert all(len(r.get("code_verifier", "")) >= 43 for r in site.provider.token_requests)
    assert len(site.provider.token_requests) == 1

    # Next time the same person (issuer + subject) gets the same user; roles follow the groups.
    page.get_by_role("button", name="Logga ut").click()
    kim.groups = ["SG-Samverkan-Kontakt"]
    sign_in(page, site, "kim")
    expect(page.get_by_role("link", name="Nytt ärende")).to_be_visible()
    expect(page.get_by_role("link", name="Administration")).to_have_count(0)
    assert users(site.engine) == [("kim", ["kontaktperson"], site.provider.issuer, kim.subject)]


def test_a_local_user_of_the_same_name_is_not_taken_over(page: Page, site: Site) -> None:
    accounts.add_user(site.engine, "kim", ["admin"], "lösenord-123")
    site.provider.add_person("kim", ["SG-Samverkan-Kontakt"])
    sign_in(page, site, "kim")
    expect(page.get_by_role("heading", level=1)).to_have_text("Att göra")
    rows = users(site.engine)
    assert rows[0] == ("kim", ["admin"], None, None)
    assert rows[1][0].startswith("kim-") and rows[1][1] == ["kontaktperson"]


@pytest.mark.parametrize(
    ("setup", "message", "status"),
    [
        ("audience", NOT_FOR_US, 401),
        ("expired", EXPIRED, 401),
        ("no_role", NO_ROLE, 403),
    ],
)
def test_refused_logins_say_why_in_swedish(page: Page, site: Site, setup: str, message: str, status: int) -> None:
    groups = ["Alla-anstallda"] if setup == "no_role" else ["SG-Samverkan-Kontakt"]
    site.provider.add_person("lo", groups)
    if setup == "audience":
        site.provider.audience = "en-annan-tjanst"
    if setup == "expired":
        site.provider.lifetime = -3600
    statuses: list[int] = []
    page.on("response", lambda r: statuses.append(r.status) if "/login/sso/callback" in r.url else None)
    sign_in(page, site, "lo")
    expect(page.get_by_role("alert")).to_contain_text(message)
    expect(page.get_by_role("button", name=BUTTON)).to_be_visible()
    assert statuses == [status]
    assert users(site.engine) == []  # nobody created
    page.goto(f"{site.url}/")
    expect(page).to_have_url(f"{site.url}/login?next=/")  # and nobody logged in
    assert axe_violations(page) == []


def test_a_deactivated_sso_user_is_refused(page: Page, site: Site) -> None:
    from engine import admin
    from engine.context import SYSTEM

    site.provider.add_person("kim", ["SG-Samverkan-Kontakt"])
    sign_in(page, site, "kim")
    page.get_by_role("button", name="Logga ut").click()
    admin.update_user(site.engine, SYSTEM, "kim", {"active": False})
    sign_in(page, site, "kim")
    expect(page.get_by_role("alert")).to_contain_text("inaktiverat")


def test_local_login_can_be_turned_off(database_url: str, tmp_path: Path) -> None:
    with samverkan_with_sso(database_url, tmp_path, SAMVERKAN_LOCAL_LOGIN="0") as running:
        accounts.add_user(running.engine, "demo", ["admin"], "lösenord-123")
        browser = requests.Session()
        page = browser.get(f"{running.url}/login", timeout=30).text
        assert BUTTON in page and 'name="password"' not in page
        match = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert match is not None
        form = {"csrf_token": match.group(1), "username": "demo", "password": "lösenord-123"}
        answer = browser.post(f"{running.url}/login", data=form, timeout=30, allow_redirects=False)
        assert answer.status_code == 403
        assert "Inloggning med lösenord är avstängd" in answer.text
        assert browser.get(f"{running.url}/", timeout=30, allow_redirects=False).status_code == 302  # not logged in
