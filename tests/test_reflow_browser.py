"""Reflow and zoom (WCAG 1.4.10, 1.4.4): every page at 320 CSS px and at 640 px (a 1280 px window
at 200 %) without a horizontal page scrollbar, for every demo role. Wide tables and the diagram
scroll inside their own focusable box, which axe-core checks."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine import processes
from engine.attachments import Store
from engine.context import SYSTEM, Samverkan
from engine.roles import ROLES
from samverkan_cli.demo import DEMO_PASSWORD, run_demo
from tests.browser import axe_violations, base_url, browser_type_launch_args  # noqa: F401
from tests.samverkansstod import MODEL

WIDTHS = (320, 640)
# Where the page is wider than the window, and what sticks out (not counting the contents of
# boxes that scroll on their own).
OVERFLOW = """() => {
    const width = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth <= window.innerWidth) return null;
    const scrolls = (el) => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(el).overflowX);
    const inside = (el) => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement)
        if (scrolls(p)) return true; return false; };
    const wide = [...document.querySelectorAll('body *')]
        .filter((el) => el.getBoundingClientRect().right > width + 1 && !inside(el))
        .map((el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}`);
    return { scrollWidth: document.documentElement.scrollWidth, wide: wide.slice(0, 5) };
}"""


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'browser.sqlite3'}"


@pytest.fixture
def demo_server(live_server: str, engine: Samverkan, tmp_path: Path) -> str:
    """The bundled model with `samverkan demo`'s users (password "demo") and twelve cases, up to the engine's day."""
    processes.deploy(engine, SYSTEM, MODEL.read_bytes())
    run_demo(engine, store=Store(tmp_path / "bilagor"), now=engine.now(), out=io.StringIO(), progress=io.StringIO())
    return live_server


def log_in(page: Page, url: str, username: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Att göra")


def pages_of(page: Page, url: str) -> list[str]:
    """Every page the header links to, one case page and (if the role has any) one task page."""
    links: list[str] = page.eval_on_selector_all(
        'nav[aria-label="Huvudmeny"] a', "links => links.map(a => a.getAttribute('href'))"
    )
    task = page.locator('a[href^="/tasks/"]').first
    found = [task.get_attribute("href")] if task.count() else []
    page.goto(f"{url}/areas")
    case = page.locator('main a[href^="/cases/"]').last
    found.append(case.get_attribute("href"))
    return [*links, *(href for href in found if href)]


def visit(page: Page, url: str, path: str) -> None:
    response = page.goto(f"{url}{path}")
    assert response is not None and response.ok, path
    if page.locator(".diagram").count():
        # The diagram draws after load; its zoom buttons show when it is there.
        expect(page.locator(".diagram-controls").first).to_be_visible()


def test_every_page_reflows_at_320_and_640_px_for_every_role(page: Page, demo_server: str) -> None:
    page.set_default_timeout(10_000)
    problems: list[str] = []
    checked_with_axe: set[str] = set()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(f"{demo_server}/login")
    if page.evaluate(OVERFLOW):
        problems.append(f"/login at 320 px: {page.evaluate(OVERFLOW)}")
    for role in ROLES:
        page.set_viewport_size({"width": 1280, "height": 900})
        log_in(page, demo_server, role)
        paths = pages_of(page, demo_server)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 640})
            for path in paths:
                visit(page, demo_server, path)
                overflow = page.evaluate(OVERFLOW)
                if overflow:
                    problems.append(f"{path} as {role} at {width} px: {overflow}")
                page_kind = path.split("/")[1] or "inbox"
                if width == 320 and page_kind not in checked_with_axe:
                    checked_with_axe.add(page_kind)
                    found = axe_violations(page)
                    problems += [f"{path} at {width} px: axe {v['id']}" for v in found]
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_role("button", name="Logga ut").click()
    assert problems == []
    assert {"inbox", "cases", "tasks", "areas", "overview", "modeler", "notifications"} <= checked_with_axe
