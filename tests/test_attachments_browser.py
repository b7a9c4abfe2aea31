"""Browser: attach a file on registrera_komplettering, download it from the case page; header pages with axe."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine import schema
from tests.browser import axe_violations, base_url, browser_type_launch_args, log_in  # noqa: F401 - fixtures
from tests.samverkansstod import INITIERING, Driver

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def served(live_server: str, drive: Driver) -> tuple[str, Driver]:
    return live_server, drive


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_attach_on_complement_and_download_from_case_page(
    page: Page, served: tuple[str, Driver], tmp_path: Path
) -> None:
    url, drive = served
    case_id = drive.start(title="Belysning på Norra Grängesbergsgatan")
    drive.walk(case_id, *INITIERING, "registrera_ansokan")
    drive.complete(case_id, "bedomning", rekommendation="komplettering")
    drive.complete(case_id, "begar_komplettering")
    log_in(page, url, drive.engine, "kim", "kontaktperson")

    page.get_by_role("link", name="Registrera komplettering").first.click()
    page.get_by_label("Inkommen").fill("2027-03-10")
    page.get_by_label("Kompletteringens innehåll").fill("Reviderad budget bifogad.")
    page.get_by_role("button", name="Lägg till rad").click()
    page.get_by_label("Beskrivning").fill("Reviderad budget")
    page.get_by_label("Fil").set_input_files(
        files=[{"name": "program.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"}]
    )
    page.get_by_role("button", name="Slutför").click()
    expect(page.get_by_role("alert")).to_contain_text("Filtypen är inte tillåten")
    assert axe_violations(page) == []
    page.get_by_label("Fil").set_input_files(
        files=[{"name": "Budget 2027.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name="Lägg till rad").click()  # a re-render keeps the uploaded file
    expect(page.get_by_text(re.compile("Bifogad: Budget 2027.pdf"))).to_be_visible()
    page.get_by_label("Beskrivning").nth(1).fill("Tom rad tas bort")
    page.get_by_role("button", name=re.compile("Ta bort rad.* 2")).click()
    page.get_by_role("button", name="Slutför").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedöm ansökan mot kriterierna")  # the next step

    page.goto(f"{url}/cases/{case_id}")
    expect(page.get_by_text(re.compile("Väntar på: Bedöm ansökan"))).to_be_visible()
    expect(page.locator("#case-diagram .djs-element.case-active")).to_have_count(1)
    link = page.get_by_role("link", name="Budget 2027.pdf")
    expect(link).to_be_visible()
    assert axe_violations(page) == []
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "Budget 2027.pdf"
    assert Path(download.value.path()).read_bytes() == PDF


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_notifications_page_and_area_script(page: Page, served: tuple[str, Driver]) -> None:
    url, drive = served
    other = drive.start(title="Grannen i Sofielund")
    drive.complete(other, "registrera_initiativ", omrade="sofielund")
    here = drive.start(title="Nytt initiativ")
    with drive.engine.db.begin() as conn:
        conn.execute(
            schema.notifications.insert().values(
                case_id=other,
                role="kontaktperson",
                reason="reminder",
                message="Påminnelse: Första möte väntar.",
                created_at=drive.engine.now(),
            )
        )
    log_in(page, url, drive.engine, "kim", "kontaktperson")
    page.get_by_role("link", name=re.compile("Notiser 1 oläst")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notiser")
    assert axe_violations(page) == []
    page.get_by_role("button", name=re.compile("Markera som läst")).click()
    expect(page.get_by_text("Du har inga olästa notiser.")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Notiser 0 olästa"))).to_be_visible()

    page.goto(f"{url}/tasks/{drive.task(here, 'registrera_initiativ')['id']}")
    page.get_by_label("Område").select_option(label="Sofielund")
    expect(page.get_by_role("heading", name="Andra pågående ärenden i Sofielund")).to_be_visible()
    expect(page.get_by_role("link", name="Grannen i Sofielund")).to_be_visible()
    assert axe_violations(page) == []
