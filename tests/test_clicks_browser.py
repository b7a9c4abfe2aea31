"""One case from start to the nämnd's decision in a browser, counting the clicks it takes.

The walk is what an official does with the fewest clicks: after each action, if the page is
not yet the next task, open it from the page they are on (the case page's link) or from
"Att göra". Only clicks on links and buttons count; typing and ticking boxes are the same in
any version. Run with ``-s`` to see the count (it is what CHANGES.md reports, before and after).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from engine import accounts, processes
from engine.context import SYSTEM, Samverkan
from tests import browser
from tests.browser import PASSWORD, base_url, browser_type_launch_args  # noqa: F401 - fixtures
from tests.case_forms import fill_application, fill_assessment, fill_decision, fill_residents

ROOT = Path(__file__).resolve().parent.parent
TITLE = "Belysning på Lönngatan"


@dataclass
class Walk:
    page: Page
    url: str
    clicks: int = 0
    detours: int = 0  # times the next task was not where the last action led

    def click(self, target: Locator) -> None:
        self.clicks += 1
        target.click()
        self.page.wait_for_load_state()

    def heading(self) -> str:
        return self.page.get_by_role("heading", level=1).inner_text()

    def reach(self, task: str) -> None:
        """Be on ``task``'s page: where we are, else by a link here, else from "Att göra"."""
        if re.search(task, self.heading()):
            return
        self.detours += 1
        link = self.page.get_by_role("link", name=re.compile(task))
        if link.count() == 0:
            self.click(self.page.get_by_role("link", name="Att göra", exact=True))
            link = self.page.get_by_role("link", name=re.compile(task))
        self.click(link.first)
        expect(self.page.get_by_role("heading", level=1)).to_have_text(re.compile(task))

    def log_in(self, username: str) -> None:
        self.page.goto(f"{self.url}/login")
        self.page.get_by_label("Användarnamn").fill(username)
        self.page.get_by_label("Lösenord").fill(PASSWORD)
        self.click(self.page.get_by_role("button", name="Logga in"))

    def complete(self) -> None:
        self.click(self.page.get_by_role("button", name="Slutför"))
        expect(self.page.get_by_role("alert")).to_have_count(0)  # no form errors: the press went through


def _kontaktperson(walk: Walk) -> None:
    page = walk.page
    walk.click(page.get_by_role("link", name="Nytt ärende"))
    page.get_by_label("Aktörer kontaktar staden").check()
    page.get_by_label("Titel").fill(TITLE)
    walk.click(page.get_by_role("button", name="Starta ärendet"))

    walk.reach("Registrera initiativ")
    page.get_by_label("Namn").first.fill("Lönngatans fastighetsägare")
    page.get_by_label("Typ av aktör").first.select_option(label="Fastighetsägare")
    page.get_by_label("Område").select_option(label="Sofielund")
    page.get_by_label("Plats").fill("Lönngatan")
    page.get_by_label("Idé").fill("Ny belysning längs gatan, planerad med boende.")
    walk.complete()

    walk.reach("Håll första möte")
    page.get_by_label("Datum för mötet").fill("2027-03-05")
    page.get_by_label("Namn").first.fill("Karin Persson")
    page.get_by_label("Processen och kriterierna har förklarats").check()
    walk.complete()

    walk.reach("Registrera tidig boendeinvolvering")  # first with no resident reached: it comes back
    page.get_by_label("Antal boende som nåtts").fill("0")
    walk.complete()
    walk.reach("Registrera tidig boendeinvolvering")
    fill_residents(page)
    walk.complete()

    walk.reach("Registrera ansökan")
    fill_application(page, "Lönngatans fastighetsägare", "80000")
    walk.complete()

    walk.reach("Bedöm ansökan")
    fill_assessment(page)
    walk.complete()
    walk.click(page.get_by_role("button", name="Logga ut"))


def _namndsekreterare(walk: Walk) -> None:
    page = walk.page
    walk.log_in("nils")
    walk.reach("Registrera nämndbeslut")
    fill_decision(page)
    walk.complete()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_case_from_start_to_decision_without_detours(page: Page, live_server: str, engine: Samverkan) -> None:
    processes.deploy(engine, SYSTEM, (ROOT / "samverkan_data" / "bpmn" / "samverkansstod.bpmn").read_bytes())
    accounts.add_user(engine, "karin", ["kontaktperson"], PASSWORD, display_name="Karin Persson")
    accounts.add_user(engine, "nils", ["namndsekreterare"], PASSWORD, display_name="Nils Berg")
    walk = Walk(page, live_server)
    walk.log_in("karin")
    _kontaktperson(walk)
    _namndsekreterare(walk)
    print(f"\nklick från start till beslut: {walk.clicks} (omvägar till nästa uppgift: {walk.detours})")

    # The decision is recorded and the case page (where the last press led) says who is next.
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("status")).to_contain_text("”Registrera nämndbeslut” är klar")
    expect(page.get_by_role("status")).to_contain_text("”Upprätta samverkansöverenskommelse” (kontaktperson)")
    assert browser.axe_violations(page) == []
    # Each step led to the next task of the same person: no trip over "Att göra" between them.
    # The one detour is the nämndsekreterare's, who starts from her inbox after logging in.
    assert walk.detours == 1, walk.detours
