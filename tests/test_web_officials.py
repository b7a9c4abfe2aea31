"""Officials' web through a real browser: the Done-when walk from new case to nämndbeslut.

Runs Debian's Chromium over real HTTP against the real forms/ and bpmn/samverkansstod.bpmn,
checks every page with axe-core and writes screenshots to docs/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from engine import processes
from engine.context import SYSTEM, Samverkan
from tests import browser
from tests.browser import SCREENSHOTS, base_url, browser_type_launch_args  # noqa: F401 - fixtures
from tests.case_forms import fill_application, fill_assessment, fill_decision, fill_residents

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def real_server(live_server: str, engine: Samverkan) -> tuple[str, Samverkan]:
    """The app with samverkansstod.bpmn deployed, served over HTTP."""
    processes.deploy(engine, SYSTEM, (ROOT / "samverkan_data" / "bpmn" / "samverkansstod.bpmn").read_bytes())
    return live_server, engine


def log_in(page: Page, url: str, engine: Samverkan, username: str, role: str) -> None:
    browser.log_in(page, url, engine, username, role)
    expect(page.get_by_role("heading", level=1)).to_have_text("Att göra")


def check_page(page: Page, name: str) -> None:
    """No axe-core violations, and a full-page screenshot for docs/screenshots/."""
    browser.inject_axe(page)
    result = page.evaluate("() => axe.run(document)")
    problems = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert problems == [], f"{name}: {problems}"
    assert page.locator("h1").count() == 1
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def complete(page: Page, then: str) -> None:
    """Slutför, and land where the work continues: the next task's page or the case page."""
    page.get_by_role("button", name="Slutför").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(then))


def open_task(page: Page, name: str) -> None:
    """The page we are on after the last action is already this task's (no trip over the inbox)."""
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(name))


def _register_initiative(page: Page) -> None:
    """registrera_initiativ: a row added without JavaScript, other cases in the area, an error fixed."""
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera initiativ")
    page.get_by_label("Namn").first.fill("Fastighetsägare Syd AB")
    page.get_by_role("button", name="Lägg till rad").click()
    expect(page.get_by_label("Namn")).to_have_count(2)
    expect(page.get_by_label("Namn").first).to_have_value("Fastighetsägare Syd AB")
    page.get_by_label("Typ av aktör").first.select_option(label="Fastighetsägare")
    page.get_by_label("Namn").nth(1).fill("Sofielunds hyresgästförening")
    page.get_by_label("Typ av aktör").nth(1).select_option(label="Förening")
    page.get_by_label("Område").select_option(label="Sofielund")
    page.get_by_label("Plats").fill("Norra Grängesbergsgatan")
    page.get_by_role("button", name="Visa andra ärenden i området").click()
    expect(page.get_by_role("heading", name=re.compile("Andra pågående ärenden"))).to_be_visible()
    page.get_by_role("button", name="Slutför").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Idé")
    expect(page.get_by_label("Plats")).to_have_value("Norra Grängesbergsgatan")
    check_page(page, "04-registrera-initiativ-fel")
    page.get_by_role("link", name=re.compile("Idé")).click()
    page.get_by_label("Idé").fill("Gemensam upprustning av gatan med boende och fastighetsägare.")
    complete(page, "Håll första möte")
    expect(page.get_by_role("status")).to_contain_text(
        "”Registrera initiativ” är klar. Nästa steg i ärendet är ”Håll första möte”. Du har tagit den"
    )
    page.get_by_role("link", name="Att göra").click()
    expect(page.get_by_role("cell", name=re.compile("^Du"))).to_be_visible()  # taken for her
    check_page(page, "05-att-gora")
    page.get_by_role("link", name="Håll första möte").first.click()


def _meeting_and_residents(page: Page) -> None:
    """forsta_mote, then tidig_boendeinvolvering with 0 residents comes back with the reason."""
    open_task(page, "Håll första möte")
    page.get_by_label("Datum för mötet").fill("2027-03-05")
    page.get_by_label("Namn").first.fill("Karin Persson")
    page.get_by_label("Processen och kriterierna har förklarats").check()
    check_page(page, "06-forsta-mote")
    complete(page, "Registrera tidig boendeinvolvering")

    # tidig_boendeinvolvering with 0 residents comes back with the reason shown, and says so.
    open_task(page, "Registrera tidig boendeinvolvering")
    page.get_by_label("Antal boende som nåtts").fill("0")
    complete(page, "Registrera tidig boendeinvolvering")
    expect(page.get_by_role("status")).to_contain_text("ärendet går inte vidare än")
    expect(page.get_by_role("status")).not_to_contain_text("klar")
    expect(page.get_by_role("heading", name="Återkoppling")).to_be_visible()
    expect(page.get_by_text("Inga boende har nåtts ännu")).to_be_visible()
    check_page(page, "07-tidig-boendeinvolvering-aterkoppling")
    fill_residents(page)
    complete(page, "Registrera ansökan")


def _application_and_assessment(page: Page) -> None:
    """registrera_ansokan with a draft and an inline error fixed, then bedomning."""
    open_task(page, "Registrera ansökan")
    fill_application(page, "Fastighetsägare Syd AB", "tolv")
    page.get_by_role("button", name="Spara utkast").click()
    expect(page.get_by_role("status")).to_contain_text("Utkastet är sparat")
    expect(page.get_by_label("Syfte och mål")).to_have_value("Tryggare gata.")
    page.get_by_role("button", name="Slutför").click()
    expect(page.get_by_role("alert")).to_contain_text("Ange ett heltal")
    check_page(page, "08-registrera-ansokan-fel")
    page.get_by_role("group", name="Sökt stöd från staden").get_by_label("Belopp (kr)").fill("80000")
    complete(page, "Bedöm ansökan")

    open_task(page, "Bedöm ansökan")
    fill_assessment(page)
    check_page(page, "09-bedomning")
    complete(page, "Trygghetsvandring Sofielund")  # nothing more for her: the case page says who is next
    expect(page.get_by_role("status")).to_contain_text(
        "Ärendet väntar nu på ”Registrera nämndbeslut” (nämndsekreterare)"
    )


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_kontaktperson_to_namndbeslut(page: Page, real_server: tuple[str, Samverkan]) -> None:
    url, samverkan = real_server
    page.goto(f"{url}/")
    expect(page).to_have_url(re.compile("/login"))
    check_page(page, "01-logga-in")
    log_in(page, url, samverkan, "karin", "kontaktperson")
    check_page(page, "02-att-gora-tom")

    page.get_by_role("link", name="Nytt ärende").click()
    page.get_by_role("button", name="Starta ärendet").click()
    expect(page.get_by_role("alert")).to_contain_text("Välj hur initiativet kom till")
    check_page(page, "03-nytt-arende-fel")
    page.get_by_label("Aktörer kontaktar staden").check()
    page.get_by_label("Titel").fill("Trygghetsvandring Sofielund")
    page.get_by_role("button", name="Starta ärendet").click()

    _register_initiative(page)
    _meeting_and_residents(page)
    _application_and_assessment(page)

    # The nämndsekreterare records the board's decision.
    page.get_by_role("button", name="Logga ut").click()
    log_in(page, url, samverkan, "nils", "namndsekreterare")
    expect(page.get_by_role("link", name="Registrera nämndbeslut")).to_be_visible()
    check_page(page, "10-att-gora-namndsekreterare")
    page.get_by_role("button", name=re.compile("Ta uppgiften")).first.click()
    open_task(page, "Registrera nämndbeslut")
    expect(page.get_by_role("status")).to_contain_text("Du har tagit uppgiften ”Registrera nämndbeslut”")
    fill_decision(page)
    check_page(page, "11-namndbeslut")
    complete(page, "Trygghetsvandring Sofielund")
    expect(page.get_by_role("status")).to_contain_text("Ärendet väntar nu på ”Upprätta samverkansöverenskommelse”")

    # Back to the kontaktperson: the case page with history and position in words.
    page.get_by_role("button", name="Logga ut").click()
    log_in(page, url, samverkan, "karin", "kontaktperson")
    page.goto(f"{url}/cases/1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Trygghetsvandring Sofielund")
    expect(page.get_by_text(re.compile(r"Väntar på: .+, (Kontaktperson|Nämndsekreterare)"))).to_be_visible()
    expect(page.get_by_role("heading", name="Historik")).to_be_visible()
    expect(page.get_by_role("rowheader", name="K5 Boende involverade från början")).to_be_visible()
    expect(page.get_by_role("definition").get_by_text("Beviljat", exact=True)).to_be_visible()
    check_page(page, "12-arende")


def test_pages_need_login_and_role(page: Page, live_server: str, engine: Samverkan) -> None:
    for path in ("/", "/cases/new", "/tasks/x", "/cases/1"):
        page.goto(f"{live_server}{path}")
        expect(page).to_have_url(re.compile(r"/login\?next="))
    log_in(page, live_server, engine, "nils", "namndsekreterare")
    response = page.goto(f"{live_server}/cases/new")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Du har inte behörighet")
