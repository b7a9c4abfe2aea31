"""The managers' overview and the area view in a real browser (issue #7)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from playwright.sync_api import Page, expect

from engine.context import Samverkan
from tests.browser import (  # noqa: F401
    SCREENSHOTS,
    axe_violations,
    base_url,
    browser_type_launch_args,
    database_url,
    log_in,
)
from tests.samverkansstod import INITIERING, Driver


def test_chef_sees_counts_on_the_diagram_and_exports_areas(
    page: Page, live_server: str, engine: Samverkan, drive: Driver
) -> None:
    page.set_default_timeout(10_000)
    at_bedomning = drive.start(title="Torgfest på Möllan")
    drive.walk(at_bedomning, *INITIERING, "registrera_ansokan")
    for title in ("Läxhjälp i Rosengård", "Odling på taket"):
        case_id = drive.start(title=title)
        drive.complete(case_id, "registrera_initiativ", omrade="rosengard")
    drive.start(title="Nytt initiativ")
    drive.advance(30)

    log_in(page, live_server, engine, "cecilia", "chef")
    page.goto(f"{live_server}/overview")
    expect(page.get_by_role("heading", level=1)).to_have_text("Översikt")
    expect(page.get_by_role("button", name="1 ärende väntar i Bedöm ansökan mot kriterierna")).to_be_visible()
    expect(page.get_by_role("button", name="2 ärenden väntar i Håll första möte")).to_be_visible()
    expect(page.get_by_role("button", name="2 försenade i Håll första möte")).to_be_visible()
    phases = page.get_by_role("table", name="Pågående ärenden per fas")
    expect(phases.get_by_role("row", name="Initiering 3")).to_be_visible()
    expect(phases.get_by_role("row", name="Ansökan och bedömning 1")).to_be_visible()
    page.locator('.djs-element[data-element-id="bedomning"]').click()
    cases = page.get_by_role("region", name="Ärenden i valt steg")
    expect(cases.get_by_role("heading")).to_have_text("Ärenden i Bedöm ansökan mot kriterierna")
    expect(cases.get_by_role("link", name="Torgfest på Möllan")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "overview.png"), full_page=True)
    assert axe_violations(page) == []

    page.get_by_role("link", name="Områden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Områden")
    page.get_by_label("Område", exact=True).select_option(label="Rosengård")
    page.get_by_role("button", name="Filtrera").click()
    expect(page.get_by_role("heading", level=2, name="Rosengård Samordning behövs")).to_be_visible()
    expect(page.get_by_role("link", name="Läxhjälp i Rosengård")).to_be_visible()
    expect(page.get_by_role("link", name="Torgfest på Möllan")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "areas.png"), full_page=True)
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="Ladda ner CSV").click()
    raw = Path(download.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:3] == ["Område", "Samordning behövs", "Ärende"]
    assert sorted(r[3] for r in rows[1:]) == ["Läxhjälp i Rosengård", "Odling på taket"]
    assert all(r[1] == "Ja" for r in rows[1:])
