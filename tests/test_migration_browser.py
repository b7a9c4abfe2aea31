"""The migration page in a real browser: from the version list to the preview, moving, the result (issue 19)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from engine import processes
from engine.context import SYSTEM, Samverkan
from tests.browser import SCREENSHOTS, axe_violations, base_url, browser_type_launch_args, database_url, log_in  # noqa: F401
from tests.samverkansstod import Driver
from tests.test_migration import _renamed


def test_owner_previews_and_moves_the_movable_cases(
    page: Page, live_server: str, engine: Samverkan, drive: Driver
) -> None:
    page.set_default_timeout(10_000)
    at_meeting = drive.start(title="Väntar på första mötet")
    drive.walk(at_meeting, "registrera_initiativ")
    later = drive.start(title="Boende nås")
    drive.walk(later, "registrera_initiativ", "forsta_mote")
    processes.deploy(engine, SYSTEM, _renamed("forsta_mote", "mote").encode(), "Första mötet får nytt id")
    log_in(page, live_server, engine, "petra", "processagare")
    page.goto(f"{live_server}/modeler/samverkansstod")
    expect(page.get_by_role("cell", name="Första mötet får nytt id")).to_be_visible()
    page.get_by_role("link", name="Flytta ärenden från version 1").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Flytta pågående ärenden till en annan version")
    expect(page.get_by_role("status")).to_have_text(
        "1 av 2 pågående ärenden kan flyttas. Inget ändras förrän du flyttar."
    )
    expect(
        page.get_by_label(f"Ärende {later}: Boende nås (väntar i Registrera tidig boendeinvolvering)")
    ).to_be_visible()
    blocked = page.get_by_role("table", name="Ärenden som inte kan flyttas, och varför")
    expect(blocked.get_by_role("row").nth(1)).to_contain_text(
        "Ärendet väntar i ”Håll första möte”, som inte finns i version 2."
    )
    page.screenshot(path=str(SCREENSHOTS / "migration-preview.png"), full_page=True)
    assert axe_violations(page) == []

    page.get_by_role("button", name="Flytta valda ärenden").click()
    expect(page.get_by_role("alert")).to_have_text("Välj minst ett ärende att flytta.")
    page.get_by_label(f"Ärende {later}: Boende nås (väntar i Registrera tidig boendeinvolvering)").check()
    page.get_by_role("button", name="Flytta valda ärenden").click()
    expect(page.get_by_role("status")).to_have_text("1 ärende flyttades till version 2; 0 kunde inte flyttas.")
    expect(page.get_by_role("link", name=f"Ärende {later}: Boende nås")).to_be_visible()
    assert axe_violations(page) == []
    assert drive.case(later)["process_version"] == 2
    assert drive.case(at_meeting)["process_version"] == 1

    page.get_by_role("link", name="Visa förhandsvisningen igen").click()
    expect(page.get_by_role("status")).to_have_text(
        "0 av 1 pågående ärenden kan flyttas. Inget ändras förrän du flyttar."
    )


def test_the_page_is_for_process_owners(page: Page, live_server: str, engine: Samverkan, drive: Driver) -> None:
    log_in(page, live_server, engine, "kim", "kontaktperson")
    response = page.goto(f"{live_server}/modeler/samverkansstod/migration")
    assert response is not None and response.status == 403


def test_owner_rolls_back_in_one_click_and_gets_the_preview(
    page: Page, live_server: str, engine: Samverkan, drive: Driver
) -> None:
    page.set_default_timeout(10_000)
    case_id = drive.start(title="Flyttas tillbaka")
    processes.deploy(engine, SYSTEM, _renamed("forsta_mote", "mote").encode(), "Första mötet får nytt id")
    log_in(page, live_server, engine, "petra", "processagare")
    page.goto(f"{live_server}/modeler/samverkansstod/migration?from=1&to=2")
    page.get_by_role("button", name="Flytta alla 1 flyttbara ärenden").click()
    expect(page.get_by_role("status")).to_have_text("1 ärende flyttades till version 2; 0 kunde inte flyttas.")
    page.goto(f"{live_server}/modeler/samverkansstod")
    page.get_by_role("button", name="Återställ version 1").click()
    expect(page.get_by_role("heading", name="Förhandsvisning: version 2 till version 3")).to_be_visible()
    expect(page.get_by_label(f"Ärende {case_id}: Flyttas tillbaka (väntar i Registrera initiativ)")).to_be_visible()
    assert axe_violations(page) == []
    page.goto(f"{live_server}/modeler/samverkansstod")
    expect(page.get_by_role("cell", name="Återställd från version 1 (bygger på version 1)")).to_be_visible()


def test_what_changed_between_two_versions_is_coloured_and_listed(
    page: Page, live_server: str, engine: Samverkan, drive: Driver
) -> None:
    page.set_default_timeout(15_000)
    processes.deploy(engine, SYSTEM, _renamed("forsta_mote", "mote").encode(), "Första mötet får nytt id")
    log_in(page, live_server, engine, "petra", "processagare")
    page.goto(f"{live_server}/modeler/samverkansstod")
    page.get_by_role("link", name="Jämför versioner: vad ändrades").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vad ändrades mellan version 1 och 2")
    status = page.get_by_role("status")
    expect(status).to_contain_text("mellan version 1 och 2.")
    changes = page.locator("#diff-list")
    expect(changes).to_contain_text("Borttaget i version 1: Håll första möte (UserTask, forsta_mote)")
    expect(changes).to_contain_text("Tillagt i version 2: Håll första möte (UserTask, mote)")
    expect(page.locator('#diagram-to .djs-element.diff-added[data-element-id="mote"]')).to_have_count(1)
    expect(page.locator('#diagram-from .djs-element.diff-removed[data-element-id="forsta_mote"]')).to_have_count(1)
    page.screenshot(path=str(SCREENSHOTS / "version-diff.png"), full_page=True)
    assert axe_violations(page) == []
