"""Incidents on a page (issue 19): chef and admin see failed timers; the admin retries one."""

from __future__ import annotations

from datetime import timedelta

from playwright.sync_api import Page, expect

from engine import timers
from engine.clock import FixedClock
from engine.context import Samverkan
from tests.browser import SCREENSHOTS, axe_violations, base_url, browser_type_launch_args, database_url, log_in  # noqa: F401
from tests.test_timers import _deadline_case, _timer_rows


def test_chef_sees_incidents_and_admin_retries_one(
    page: Page, live_server: str, engine: Samverkan, clock: FixedClock
) -> None:
    page.set_default_timeout(10_000)
    case_id = _deadline_case(engine, delare=0)  # 100 // 0 when the deadline fires
    due = clock.now() + timedelta(days=11)
    for minutes in (0, 1, 6):
        timers.sweep(engine, due + timedelta(minutes=minutes))
    assert {r.state for r in _timer_rows(engine)} == {"incident"}

    log_in(page, live_server, engine, "cecilia", "chef")
    page.get_by_role("link", name="Incidenter").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Incidenter")
    table = page.get_by_role("table", name="2 incidenter")
    expect(table.get_by_role("link", name=f"Ärende {case_id}: Torget")).to_have_count(2)
    expect(page.get_by_role("button", name="Kör om")).to_have_count(0)
    assert axe_violations(page) == []

    page.context.clear_cookies()
    log_in(page, live_server, engine, "ada", "admin")
    page.goto(f"{live_server}/incidenter")
    page.get_by_role("button", name=f"Kör om paminnelse i ärende {case_id}").click()
    expect(page.get_by_text("Tidsfristen körs igen vid nästa körning av timrarna.")).to_be_visible()
    expect(page.get_by_role("table", name="1 incident")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "incidents.png"), full_page=True)
    assert axe_violations(page) == []
    assert sorted(r.state for r in _timer_rows(engine)) == ["incident", "waiting"]


def test_incidents_are_for_chef_and_admin(page: Page, live_server: str, engine: Samverkan) -> None:
    log_in(page, live_server, engine, "kim", "kontaktperson")
    response = page.goto(f"{live_server}/incidenter")
    assert response is not None and response.status == 403
