"""Browser: the kontaktperson puts a granted case on the public list; anyone reads it without logging in."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests import document_case as dc
from tests.browser import SCREENSHOTS, axe_violations, base_url, browser_type_launch_args, log_in  # noqa: F401
from tests.samverkansstod import Driver


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_publish_a_granted_case_and_read_the_public_list(page: Page, live_server: str, drive: Driver) -> None:
    case_id = dc.decided_case(drive)
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="beviljad lokal samverkan i Malmö").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Beviljad lokal samverkan")
    expect(page.get_by_text("Inga beviljade samverkansprojekt är offentliga ännu.")).to_be_visible()

    log_in(page, live_server, drive.engine, "kim", "kontaktperson")
    page.goto(f"{live_server}/cases/{case_id}")
    page.get_by_role("link", name="Visa offentligt").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Visa offentligt")
    page.get_by_label("Organisationer som får visas med namn").fill(
        "Made in Rosengård\nRosengård Fastigheter\n" + "x" * 201
    )
    page.get_by_role("button", name="Visa på den offentliga sidan").click()
    expect(page.get_by_role("alert")).to_contain_text("Högst 30 organisationer med högst 200 tecken var.")
    assert axe_violations(page) == []
    page.get_by_label("Organisationer som får visas med namn").fill("Made in Rosengård\nRosengård Fastigheter")
    page.get_by_role("button", name="Visa på den offentliga sidan").click()
    expect(page.get_by_text("Ärendet visas nu på den offentliga sidan.")).to_be_visible()
    expect(page.get_by_role("button", name="Ta bort från den offentliga sidan")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("button", name="Logga ut").click()
    page.get_by_role("link", name="Beviljad lokal samverkan (offentlig lista)").click()
    case = page.get_by_role("region", name=dc.TITLE)
    expect(case).to_contain_text(dc.DNR)
    expect(case).to_contain_text("200 000 kr")
    expect(case).to_contain_text("Made in Rosengård, Rosengård Fastigheter (fastighetsägare, förening)")
    verdicts = case.get_by_role("table", name="Bedömning mot kriterierna")
    expect(verdicts.get_by_role("row", name="K3 Pengar, resurser eller aktiviteter")).to_contain_text("Delvis")
    expect(page.get_by_text(dc.K3_MOTIVATION)).to_have_count(0)
    expect(page.get_by_text("info@madeinrosengard.example")).to_have_count(0)
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= 320")
    page.set_viewport_size({"width": 1280, "height": 800})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "offentligt.png"), full_page=True)
