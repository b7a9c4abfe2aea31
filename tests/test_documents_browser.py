"""Browser: from the case page to its documents, what cannot be made yet and why, and a download."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests import document_case as dc
from tests.browser import SCREENSHOTS, axe_violations, base_url, browser_type_launch_args, log_in  # noqa: F401
from tests.samverkansstod import Driver


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_open_the_documents_of_a_case_and_download_a_follow_up_report(
    page: Page, live_server: str, drive: Driver
) -> None:
    case_id = dc.decided_case(drive)
    dc.first_follow_up_approved(drive, case_id)
    log_in(page, live_server, drive.engine, "nils", "namndsekreterare")
    page.goto(f"{live_server}/cases/{case_id}")
    page.get_by_role("link", name="Dokument: ansökan, beslutsunderlag och rapporter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dokument")
    expect(page.get_by_role("heading", name="Inte tillgängliga")).to_be_visible()
    reason = "Perioden slutar 1 apr 2028; rapporten blir ett dokument när den är godkänd."
    expect(page.get_by_text(reason)).to_be_visible()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth <= 320")
    page.set_viewport_size({"width": 1280, "height": 800})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dokument.png"), full_page=True)

    with page.expect_download() as download:
        page.get_by_role("link", name="Uppföljningsrapport 1 (1 apr 2027 – 1 okt 2027)").click()
    assert download.value.suggested_filename == f"Uppföljningsrapport 1 – {dc.TITLE} ({dc.DNR}).pdf"
    text = " ".join(" ".join(dc.pdf_pages(Path(download.value.path()).read_bytes())).split())
    assert "Höstfestival på Örtagårdstorget" in text
