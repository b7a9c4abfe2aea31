"""An admin makes a register extract and exports a finished case, in the browser (axe on the new page)."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine import attachments
from tests.browser import (  # noqa: F401
    SCREENSHOTS,
    axe_violations,
    base_url,
    browser_type_launch_args,
    database_url,
    log_in,
)
from tests.personal_case import ADA, BO, CISSI, filled_case
from tests.samverkansstod import Driver
from tests.test_reflow_browser import OVERFLOW


@pytest.fixture
def cases(drive: Driver, tmp_path: Path) -> list[int]:
    store = attachments.Store(tmp_path / "bilagor")  # the live server's attachments folder
    ids = [filled_case(drive, store, title, ADA, BO, notes=f"{ADA.name} ringde.") for title in ("Ljus", "Bänkar")]
    return [*ids, filled_case(drive, store, "Cykelverkstad", CISSI, CISSI)]


def test_an_admin_makes_a_register_extract(page: Page, live_server: str, drive: Driver, cases: list[int]) -> None:
    page.set_default_timeout(15_000)
    log_in(page, live_server, drive.engine, "agnes", "admin")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Registerutdrag").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Registerutdrag")
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("alert")).to_contain_text("Ange ett namn eller en e-postadress.")
    expect(page.get_by_label("Namn")).to_have_attribute("aria-invalid", "true")
    assert axe_violations(page) == []

    page.get_by_label("Namn").fill(ADA.name)
    page.get_by_role("button", name="Sök").click()
    results = page.get_by_role("main")
    expect(results.get_by_role("heading", level=3)).to_have_text(
        [f"Ärende {cases[0]}: Ljus", f"Ärende {cases[1]}: Bänkar"]
    )
    expect(results).to_contain_text("Aktörsgrupp › Namn")
    text = results.inner_text()
    assert [v for v in (*BO.values, *CISSI.values) if v in text] == []
    assert axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "registerutdrag.png"), full_page=True)
    page.set_viewport_size({"width": 320, "height": 640})
    assert page.evaluate(OVERFLOW) is None
    page.set_viewport_size({"width": 1280, "height": 800})

    with page.expect_download() as download:
        page.get_by_role("button", name="Hämta som PDF").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")


def test_an_admin_exports_a_finished_case(
    page: Page, live_server: str, drive: Driver, cases: list[int], tmp_path: Path
) -> None:
    page.set_default_timeout(30_000)
    log_in(page, live_server, drive.engine, "kim", "kontaktperson")
    page.goto(f"{live_server}/cases/{cases[0]}")
    expect(page.get_by_role("link", name="Exportera till e-arkivet (ZIP)")).to_have_count(0)
    page.context.clear_cookies()
    log_in(page, live_server, drive.engine, "agnes", "admin")
    page.goto(f"{live_server}/cases/{cases[0]}")
    with page.expect_download() as download:
        page.get_by_role("link", name="Exportera till e-arkivet (ZIP)").click()
    assert download.value.suggested_filename == f"samverkan-arende-{cases[0]}.zip"
    with zipfile.ZipFile(download.value.path()) as package:
        assert f"samverkan-arende-{cases[0]}/METS.xml" in package.namelist()
    running = drive.start(title="Pågår")
    page.goto(f"{live_server}/cases/{running}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Exportera till e-arkivet (ZIP)")).to_have_count(0)
