"""Browser: a manager opens /statistik, filters it, reads a chart's table and downloads the figures."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from tests.browser import SCREENSHOTS, axe_violations, base_url, browser_type_launch_args, log_in  # noqa: F401
from tests.samverkansstod import Driver
from tests.test_statistics import _walk_five


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_manager_reads_and_downloads_the_statistics(page: Page, live_server: str, drive: Driver) -> None:
    _walk_five(drive)
    log_in(page, live_server, drive.engine, "cecilia", "chef")
    page.goto(live_server)
    page.get_by_role("link", name="Statistik").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Statistik")
    expect(page.get_by_role("img", name="Kronor per startår: sökt, beviljat och använt")).to_be_visible()
    money = page.get_by_role("table", name="Kronor per startår: sökt, beviljat och använt (kronor)")
    expect(money.get_by_role("row", name="2027")).to_contain_text("440 000")
    expect(page.get_by_text("75 % (3 av 4)")).to_be_visible()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= 320")
    page.set_viewport_size({"width": 1280, "height": 800})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "statistik.png"), full_page=True)

    page.get_by_label("Område", exact=True).select_option(label="Rosengård")
    page.get_by_role("button", name="Visa").click()
    expect(page.get_by_role("heading", name="Nyckeltal, Rosengård")).to_be_visible()
    expect(page.get_by_text("21 dagar")).to_be_visible()  # median of 14 and 28 days to the decision

    xlsx = page.request.get(live_server + (page.get_by_role("link", name="Excel (XLSX)").get_attribute("href") or ""))
    assert xlsx.ok and xlsx.headers["content-type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.body())).active
    assert sheet is not None
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    header, total = rows[0], rows[-1]
    assert total[:3] == ["Totalt", "Rosengård", 3]
    assert total[header.index("Beviljat (kr)")] == 250_000
    assert total[header.index("Deltagare: Boende")] == 540
    text = page.request.get(live_server + (page.get_by_role("link", name="CSV").get_attribute("href") or "")).text()
    lines = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert lines[0] == header and lines[-1][:3] == ["Totalt", "Rosengård", "3"]

    assert page.goto(f"{live_server}/statistik?year=1").status == 400  # type: ignore[union-attr]
    expect(page.get_by_role("alert")).to_contain_text("Ange ett år med fyra siffror, t.ex. 2027.")
    assert axe_violations(page) == []


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_statistics_are_for_managers(page: Page, live_server: str, drive: Driver) -> None:
    log_in(page, live_server, drive.engine, "kim", "kontaktperson")
    expect(page.get_by_role("link", name="Statistik")).to_have_count(0)
    assert page.goto(f"{live_server}/statistik").status == 403  # type: ignore[union-attr]
