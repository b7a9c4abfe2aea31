"""The case page as the case file, on the demo: every year's follow-up and both assessments.

Writes docs/screenshots/arende-akt.png (a case in its third year), arende-bedomningar.png (a
case assessed twice around a komplettering) and uppgift-granska-uppfoljning.png (a task page
showing the report it reviews, lists as tables); axe-core finds nothing on any of them.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine import processes, queries
from engine.attachments import Store
from engine.context import SYSTEM, Samverkan
from samverkan_cli.demo import run_demo
from tests import browser
from tests.browser import SCREENSHOTS, base_url, browser_type_launch_args  # noqa: F401 - fixtures
from tests.samverkansstod import MODEL
from tests.test_raw_data_scan import NOW


def _demo(engine: Samverkan, tmp_path: Path) -> dict[str, int]:
    processes.deploy(engine, SYSTEM, MODEL.read_bytes())
    run_demo(engine, store=Store(tmp_path / "bilagor"), now=NOW, out=io.StringIO(), progress=io.StringIO())
    return {c["title"].removesuffix(" (demo)"): c["id"] for c in queries.list_cases(engine)["items"]}


def _log_in(page: Page, url: str) -> None:
    page.goto(f"{url}/login")
    page.get_by_label("Användarnamn").fill("kontaktperson")
    page.get_by_label("Lösenord").fill("demo")
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Att göra")


def _check(page: Page, name: str) -> None:
    assert browser.axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_case_file_keeps_every_year_and_every_assessment(
    page: Page, live_server: str, engine: Samverkan, tmp_path: Path
) -> None:
    cases = _demo(engine, tmp_path)
    page.set_viewport_size({"width": 1280, "height": 900})
    _log_in(page, live_server)

    page.goto(f"{live_server}/cases/{cases['BID Sofielund']}")
    expect(page.get_by_role("definition").filter(has_text="Aktörer kontaktar staden")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Uppföljning 1: 1 feb 2025 – 1 feb 2026"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^Uppföljning 2: 1 feb 2026 – 1 feb 2027"))).to_be_visible()
    year_one = page.locator("section", has=page.get_by_role("heading", name=re.compile("^Uppföljning 1")))
    # The first year's report, its review asking for a komplettering, the report again, approved.
    expect(year_one.get_by_role("heading", level=4)).to_have_text(
        [
            "Registrera uppföljningsrapport",
            "Granska uppföljning",
            "Registrera uppföljningsrapport",
            "Granska uppföljning",
        ]
    )
    expect(page.get_by_role("heading", name="Kommande datum")).to_be_visible()
    _check(page, "arende-akt")

    page.goto(f"{live_server}/cases/{cases['Sege Park']}")
    expect(page.get_by_role("definition").filter(has_text="Staden initierar samverkan")).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Senaste bedömningen, "))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Tidigare bedömning, "))).to_be_visible()
    page.get_by_role("heading", name="Bedömning mot kriterierna").scroll_into_view_if_needed()
    _check(page, "arende-bedomningar")

    page.goto(f"{live_server}/cases/{cases['BID Sofielund']}")
    page.get_by_role("link", name=re.compile("Öppna uppgiften.*Granska uppföljning")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Granska uppföljning"))
    expect(page.get_by_role("columnheader", name="Uppmätt värde").first).to_be_visible()
    _check(page, "uppgift-granska-uppfoljning")
