"""/tillganglighet: the accessibility statement in Digg's structure, open to all, in every footer."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from engine import accounts
from engine.context import Samverkan
from tests.browser import (  # noqa: F401
    PASSWORD,
    SCREENSHOTS,
    axe_violations,
    base_url,
    browser_type_launch_args,
    database_url,
)
from tests.test_reflow_browser import OVERFLOW

# Digg's template, in its order.
SECTIONS = [
    "Hur tillgänglig är webbplatsen?",
    "Vad kan du göra om du inte kan använda delar av webbplatsen?",
    "Rapportera brister i webbplatsens tillgänglighet",
    "Tillsyn",
    "Teknisk information om webbplatsens tillgänglighet",
    "Hur vi testat webbplatsen",
]


def test_the_statement_needs_no_login_and_follows_digg(page: Page, live_server: str) -> None:
    page.set_default_timeout(10_000)
    response = page.goto(f"{live_server}/tillganglighet")
    assert response is not None and response.status == 200 and page.url.endswith("/tillganglighet")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsredogörelse för Samverkansstöd")
    expect(page.get_by_role("heading", level=2)).to_have_text(SECTIONS)
    parts = [
        "Innehåll som inte är tillgängligt",
        "Oskäligt betungande anpassning",
        "Innehåll som inte omfattas av lagkraven",
    ]
    expect(page.get_by_role("heading", level=3)).to_have_text(parts)
    main = page.get_by_role("main")
    expect(main).to_contain_text("delvis förenlig")
    expect(main).to_contain_text("Myndigheten för digital förvaltning (Digg)")
    expect(main).to_contain_text("Bedömningen gjordes den 6 december 2026.")
    expect(main.get_by_role("link", name="digg.se/tdosanmalan")).to_have_attribute(
        "href", "https://www.digg.se/tdosanmalan"
    )
    contact = main.get_by_role("link", name="malmo.stad@malmo.se").first
    expect(contact).to_have_attribute("href", "mailto:malmo.stad@malmo.se")
    page.screenshot(path=str(SCREENSHOTS / "tillganglighet.png"), full_page=True)
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate(OVERFLOW) is None


def test_every_page_links_to_it_in_the_footer(page: Page, live_server: str, engine: Samverkan) -> None:
    page.set_default_timeout(10_000)
    accounts.add_user(engine, "kim", ["kontaktperson"], PASSWORD)
    link = page.get_by_role("contentinfo").get_by_role("link", name="Tillgänglighetsredogörelse")
    page.goto(f"{live_server}/login")
    expect(link).to_have_attribute("href", "/tillganglighet")
    # By keyboard only: the login form (its first field has focus), then the inbox.
    expect(page.get_by_label("Användarnamn")).to_be_focused()
    page.keyboard.type("kim")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Att göra")
    expect(link).to_be_visible()
    for path in ("/cases/new", "/areas", "/notifications", "/en-sida-som-inte-finns"):
        page.goto(f"{live_server}{path}")
        expect(link).to_be_visible()
    link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tillgänglighetsredogörelse för Samverkansstöd")


def test_the_statement_can_be_read_by_keyboard(page: Page, live_server: str) -> None:
    page.set_default_timeout(10_000)
    page.goto(f"{live_server}/tillganglighet")
    names: list[str] = []
    for _ in range(15):
        page.keyboard.press("Tab")
        names.append(page.evaluate("document.activeElement.textContent.trim()"))
        if names[-1] == "Tillgänglighetsredogörelse":
            break
    assert names[0] == "Hoppa till innehållet"
    assert names[-1] == "Tillgänglighetsredogörelse"  # the footer, reached in order
    assert {"Innehåll som inte är tillgängligt", "malmo.stad@malmo.se", "digg.se/tdosanmalan"} <= set(names)
    page.goto(f"{live_server}/tillganglighet")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link moves focus to the main content
    expect(page.get_by_role("main")).to_be_focused()
