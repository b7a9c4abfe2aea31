"""Reflow and zoom (WCAG 1.4.10, 1.4.4): every page at 320 CSS px and at 640 px (a 1280 px window
at 200 %) without a horizontal page scrollbar and with no text cut off, for every demo role, and
with the text alone at 200 % in a 1280 px window. Wide tables and the diagram scroll inside their
own focusable box, which axe-core checks."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine import processes
from engine.attachments import Store
from engine.context import SYSTEM, Samverkan
from engine.roles import ROLES
from samverkan_cli.demo import DEMO_PASSWORD, run_demo
from tests.browser import axe_violations, base_url, browser_type_launch_args, database_url  # noqa: F401
from tests.samverkansstod import MODEL

# (window width in CSS px, text size): 320 px; a 1280 px window at 200 % zoom; a 1280 px window with
# the browser's text size at 200 % (what rem and em follow).
VIEWS = ((320, "100%"), (640, "100%"), (1280, "200%"))
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
# Text cut off: a box that hides what sticks out of it while its content is wider or taller, or a
# control whose text is wider than the control. Boxes that scroll, the diagram's drawing and
# visually hidden text are not cut.
CUT = """() => {
    const name = (el) => `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${[...el.classList].join('.')}`;
    const cut = [...document.querySelectorAll('body *')].filter((el) => {
        if (el.closest('.visually-hidden, .djs-container, [hidden]') || !el.getClientRects().length) return false;
        const style = getComputedStyle(el);
        const hides = (v) => v === 'hidden' || v === 'clip';
        const wider = el.scrollWidth > el.clientWidth + 1, taller = el.scrollHeight > el.clientHeight + 1;
        if ((hides(style.overflowX) && wider) || (hides(style.overflowY) && taller)) return true;
        return style.textOverflow === 'ellipsis' && wider;
    });
    return cut.map(name).slice(0, 5);
}"""


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
    """Every page the header links to, one task page (if the role has any), one case page with its
    documents and diagram, a step of the overview (if the role may see it), the statement and a 404."""
    links: list[str] = page.eval_on_selector_all(
        'nav[aria-label="Huvudmeny"] a', "links => links.map(a => a.getAttribute('href'))"
    )
    task = page.locator('a[href^="/tasks/"]').first
    found = [task.get_attribute("href")] if task.count() else []
    page.goto(f"{url}/areas")
    case = page.locator('main a[href^="/cases/"]').last.get_attribute("href")
    found += [case, f"{case}/documents", f"{case}/diagram", "/tillganglighet", "/en-sida-som-inte-finns"]
    if "/overview" in links:
        page.goto(f"{url}/overview")
        found.append(page.locator('main a[href^="/overview/elements/"]').first.get_attribute("href"))
    if any(link.startswith("/modeler/") for link in links):
        found.append("/modeler")
    return [*links, *(href for href in found if href)]


def visit(page: Page, url: str, path: str, text: str) -> None:
    response = page.goto(f"{url}{path}")
    assert response is not None and (response.ok or path == "/en-sida-som-inte-finns"), path
    if page.locator(".diagram").count():
        # The diagram draws after load; its zoom buttons show when it is there.
        expect(page.locator(".diagram-controls").first).to_be_visible()
    page.evaluate("(size) => { document.documentElement.style.fontSize = size; }", text)


def every_case_at_320(page: Page, url: str) -> list[str]:
    """Each demo case's page and documents page: every phase and outcome, the longest histories."""
    page.set_viewport_size({"width": 320, "height": 640})
    problems = []
    for case_id in range(1, 13):
        for path in (f"/cases/{case_id}", f"/cases/{case_id}/documents"):
            visit(page, url, path, "100%")
            if overflow := page.evaluate(OVERFLOW):
                problems.append(f"{path} at 320 px: {overflow}")
            if cut := page.evaluate(CUT):
                problems.append(f"{path} at 320 px: cut {cut}")
    return problems


def test_every_page_reflows_and_zooms_for_every_role(page: Page, demo_server: str) -> None:
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
        for width, text in VIEWS:
            page.set_viewport_size({"width": width, "height": 640})
            for path in paths:
                visit(page, demo_server, path, text)
                where = f"{path} as {role} at {width} px, text {text}"
                if overflow := page.evaluate(OVERFLOW):
                    problems.append(f"{where}: {overflow}")
                if cut := page.evaluate(CUT):
                    problems.append(f"{where}: cut {cut}")
                page_kind = re.sub(r"^/(overview/elements|modeler)/[^/]+", r"/\1/*", path)
                page_kind = re.sub(r"/(\d+|[0-9a-f-]{36})(?=/|$)", "/*", page_kind)
                if width == 320 and page_kind not in checked_with_axe:
                    checked_with_axe.add(page_kind)
                    found = axe_violations(page)
                    problems += [f"{path} at {width} px: axe {v['id']}" for v in found]
        if role == "chef":
            problems += every_case_at_320(page, demo_server)
        page.set_viewport_size({"width": 1280, "height": 900})
        page.get_by_role("button", name="Logga ut").click()
    assert problems == []
    kinds = {"/", "/cases/*", "/cases/*/documents", "/cases/*/diagram", "/tasks/*", "/areas", "/overview"}
    kinds |= {"/overview/elements/*", "/modeler", "/modeler/*", "/notifications", "/tillganglighet", "/cases/new"}
    assert kinds <= checked_with_axe, checked_with_axe
