"""The admin repairs a stuck case in the browser: the reason is required, the history shows it (issue 19)."""

from __future__ import annotations

from datetime import UTC, datetime

from playwright.sync_api import Page, expect

from engine import timers
from engine.context import Samverkan
from tests.browser import (  # noqa: F401
    SCREENSHOTS,
    axe_violations,
    base_url,
    browser_type_launch_args,
    database_url,
    log_in,
)
from tests.samverkansstod import Driver
from tests.test_migration import _granted


def test_admin_moves_a_stuck_case_and_then_cancels_it(
    page: Page, live_server: str, engine: Samverkan, drive: Driver
) -> None:
    page.set_default_timeout(10_000)
    case_id = drive.start(title="Fastnat")
    drive.walk(case_id, "registrera_initiativ", "forsta_mote")
    log_in(page, live_server, engine, "ada", "admin")
    page.goto(f"{live_server}/cases/{case_id}")
    page.get_by_role("link", name="Reparera ärendet (flytta läget eller avbryt)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reparera ärendet Fastnat")
    page.get_by_role("button", name="Flytta ärendet").click()
    expect(page.get_by_role("alert")).to_have_text("Ange varför ärendet ändras.")
    page.screenshot(path=str(SCREENSHOTS / "case-repair.png"), full_page=True)
    assert axe_violations(page) == []
    page.get_by_label("Uppgift att flytta till").select_option(label="Håll första möte")
    page.get_by_label("Skäl", exact=True).fill("Mötet registrerades på fel ärende")
    page.get_by_role("button", name="Flytta ärendet").click()
    expect(page.get_by_text("Ärendets läge är flyttat.")).to_be_visible()
    expect(
        page.get_by_text(
            "Läget flyttades av administratör till: Håll första möte. Skäl: Mötet registrerades på fel ärende"
        )
    ).to_be_visible()
    assert drive.case(case_id)["active_elements"] == ["forsta_mote"]

    page.get_by_role("link", name="Reparera ärendet (flytta läget eller avbryt)").click()
    page.get_by_label("Skäl för att avbryta").fill("Dubblett")
    page.get_by_role("button", name="Avbryt ärendet").click()
    expect(page.get_by_text("Ärendet avbröts av administratör. Skäl: Dubblett")).to_be_visible()
    expect(page.get_by_text("Avbrutet", exact=True)).to_be_visible()
    assert drive.case(case_id)["status"] == "cancelled"


def test_only_admins_repair(page: Page, live_server: str, engine: Samverkan, drive: Driver) -> None:
    case_id = drive.start()
    log_in(page, live_server, engine, "cecilia", "chef")
    response = page.goto(f"{live_server}/cases/{case_id}/reparera")
    assert response is not None and response.status == 403


def test_admin_chooses_which_of_two_follow_up_periods_to_move(
    page: Page, live_server: str, engine: Samverkan, drive: Driver
) -> None:
    page.set_default_timeout(10_000)
    case_id = _granted(drive)
    timers.sweep(engine, datetime(2027, 10, 2, 9, tzinfo=UTC))
    [report] = drive.case(case_id)["open_tasks"]
    log_in(page, live_server, engine, "ada", "admin")
    page.goto(f"{live_server}/cases/{case_id}/reparera")
    page.get_by_label("Uppgift att flytta till").select_option(label=report["name"])
    page.get_by_label("Skäl", exact=True).fill("Rapporten skickades in på fel period")
    page.get_by_role("button", name="Flytta ärendet").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Ärendet väntar i flera steg samtidigt. Välj vilket som ska flyttas."
    )
    assert axe_violations(page) == []
    page.get_by_label("Steg att flytta").select_option(value=report["id"])
    page.get_by_role("button", name="Flytta ärendet").click()
    expect(page.get_by_text("Ärendets läge är flyttat.")).to_be_visible()
    assert sorted(drive.case(case_id)["active_elements"]) == ["uppfoljningsrapport", "vanta_uppfoljning"]
