"""Managers and officials in a real browser: filters in the inbox, assigning, handläggare, absence, areas."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from engine import accounts, area_coordination, queries
from engine.context import SYSTEM, Samverkan
from tests.browser import (  # noqa: F401
    PASSWORD,
    SCREENSHOTS,
    axe_violations,
    base_url,
    browser_type_launch_args,
    database_url,
    log_in,
)
from tests.samverkansstod import TO_DECISION, Driver
from tests.test_reflow_browser import OVERFLOW


def _reflows(page: Page, *urls: str) -> None:
    """Each page fits 320 CSS px without a horizontal page scrollbar (WCAG 1.4.10)."""
    page.set_viewport_size({"width": 320, "height": 640})
    for url in urls:
        page.goto(url)
        assert page.evaluate(OVERFLOW) is None, url
    page.set_viewport_size({"width": 1280, "height": 900})


def _people(engine: Samverkan) -> None:
    for username, name, roles in (
        ("kim", "Kim Berg", ["kontaktperson"]),
        ("kajsa", "Kajsa Lind", ["kontaktperson"]),
        ("nils", "Nils Åkesson", ["namndsekreterare"]),
    ):
        accounts.add_user(engine, username, roles, PASSWORD, display_name=name)


def test_inbox_filters_live_in_the_url_with_counts(
    page: Page, live_server: str, engine: Samverkan, drive: Driver
) -> None:
    page.set_default_timeout(10_000)
    _people(engine)
    for title, area in (("Torgfest", "sofielund"), ("Läxhjälp", "rosengard"), ("Odling", "rosengard")):
        drive.complete(drive.start(title=title), "registrera_initiativ", omrade=area)
    drive.start(title="Nytt initiativ")
    log_in(page, live_server, engine, "kim")

    inbox = page.get_by_role("table")
    expect(inbox.get_by_role("row")).to_have_count(5)  # header + 4
    page.get_by_label("Område").select_option(label="Rosengård (2)")
    page.get_by_role("button", name="Filtrera").click()
    expect(page).to_have_url(re.compile(r"/\?.*\barea=rosengard"))  # the form's own query: bookmarkable
    expect(inbox.get_by_role("row")).to_have_count(3)
    expect(inbox.get_by_role("link", name="Läxhjälp")).to_be_visible()
    expect(page.get_by_role("table").get_by_text("4 öppna uppgifter")).to_have_count(0)
    expect(page.get_by_text("2 öppna uppgifter av 4")).to_be_visible()

    inbox.get_by_role("button", name="Ta uppgiften Håll första möte i Odling").click()
    page.goto(f"{live_server}/?who=mine")
    expect(page.get_by_label("Visa")).to_have_value("mine")
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(2)
    expect(page.get_by_role("table").get_by_role("link", name="Odling")).to_be_visible()
    expect(page.get_by_label("Visa").locator("option", has_text="Ingen har tagit (3)")).to_have_count(1)

    page.goto(f"{live_server}/?phase=Initiering&overdue=1")
    expect(page.get_by_text("Inga uppgifter matchar filtret.")).to_be_visible()
    drive.advance(30)  # the first meetings are now late
    page.reload()
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(4)
    expect(page.get_by_label("Bara försenade (3)")).to_be_checked()
    # Cells under their headers: Uppgift, Ärende, Område, Förfallodag, Handläggare, Tagen av.
    row = page.get_by_role("table").get_by_role(
        "row", name=re.compile(r"^Håll första möte Odling Rosengård .*2027 Kim Berg Du")
    )
    expect(row).to_have_count(1)
    expect(page.get_by_role("link", name="Förfallodag")).to_have_count(0)  # sorted by due date: no sort link
    assert axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "att-gora-filter.png"), full_page=True)
    _reflows(page, page.url)


def test_a_chef_assigns_a_task_and_changes_the_handlaggare(
    page: Page, live_server: str, engine: Samverkan, drive: Driver
) -> None:
    page.set_default_timeout(10_000)
    _people(engine)
    case_id = drive.start(title="Sommargata på Bergsgatan")
    drive.complete(case_id, "registrera_initiativ", omrade="sofielund")
    area_coordination.set_coordinator(
        engine, SYSTEM, "sofielund", {"coordinator_name": "Amira Haddad", "meeting_place": "Mötesplats Sofielund"}
    )
    area_coordination.add_effort(engine, SYSTEM, "sofielund", {"programme": "BID Sofielund", "period": "2014–"})
    log_in(page, live_server, engine, "cecilia", "chef")
    page.goto(f"{live_server}/cases/{case_id}")
    expect(page.get_by_text("Ansvarig handläggare: Kim Berg")).to_be_visible()
    expect(page.get_by_text("Lokal samordnare")).to_be_visible()
    expect(page.get_by_text("BID Sofielund")).to_be_visible()

    page.get_by_label("Ge ”Håll första möte” till").select_option(label="Kajsa Lind")
    page.get_by_role("button", name="Tilldela Håll första möte").click()
    expect(page.get_by_text("Uppgiften är nu tilldelad Kajsa Lind.")).to_be_visible()
    expect(page.get_by_text("Uppgiften har tagits av kajsa")).to_be_visible()
    assert queries.get_case(engine, case_id)["open_tasks"][0]["assignee"] == "kajsa"

    page.get_by_label("Ny handläggare").select_option(label="Kajsa Lind")
    page.get_by_role("button", name="Byt handläggare").click()
    expect(page.get_by_text("Ansvarig handläggare: Kajsa Lind")).to_be_visible()
    page.get_by_role("region", name="Handläggare").screenshot(path=str(SCREENSHOTS / "arende-handlaggare.png"))
    expect(page.get_by_role("listitem").filter(has_text="Tilldelade uppgiften: Håll första möte")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text="Bytte handläggare")).to_be_visible()
    history = [e["action"] for e in queries.case_history(engine, case_id)]
    assert history.count("assigned") == 1 and history.count("handlaggare") == 1
    assert axe_violations(page) == []

    # Kajsa is away: her task moves to Kim, after a preview.
    page.get_by_role("link", name="Omfördela").click()
    page.get_by_label("Från (den som är borta)").select_option(label="Kajsa Lind")
    page.get_by_label("Till (den som tar över)").select_option(label="Nils Åkesson")
    page.get_by_role("button", name="Visa vad som flyttas").click()
    expect(page.get_by_text("Nils Åkesson har inte rollen kontaktperson.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile(r"^Flytta \d"))).to_have_count(0)
    page.get_by_label("Till (den som tar över)").select_option(label="Kim Berg")
    page.get_by_role("button", name="Visa vad som flyttas").click()
    expect(page.get_by_role("heading", name="Flyttas till Kim Berg (1)")).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "omfordela.png"), full_page=True)
    page.get_by_role("button", name="Flytta 1 uppgift").click()
    expect(page.get_by_text("1 uppgift flyttades från Kajsa Lind till Kim Berg.")).to_be_visible()
    assert queries.get_case(engine, case_id)["open_tasks"][0]["assignee"] == "kim"
    _reflows(page, f"{live_server}/cases/{case_id}", f"{live_server}/omfordela?from=kim&to=kajsa")


def test_the_area_page_shows_coordination_beside_the_cases(
    page: Page, live_server: str, engine: Samverkan, drive: Driver
) -> None:
    page.set_default_timeout(10_000)
    _people(engine)
    active = drive.start(title="Trygghetsvandring")
    drive.complete(active, "registrera_initiativ", omrade="sofielund")
    ended = drive.start(title="Avslagen idé")
    drive.complete(ended, "registrera_initiativ", omrade="sofielund")
    drive.walk(ended, *TO_DECISION[1:-1])
    drive.complete(ended, "bedomning", rekommendation="avstyrk")
    drive.complete(ended, "meddela_avslag")
    assert queries.get_case(engine, ended)["status"] == "completed"
    log_in(page, live_server, engine, "kajsa")
    page.goto(f"{live_server}/areas/sofielund")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sofielund")
    expect(page.get_by_text("Ingen lokal samordnare är angiven för området.")).to_be_visible()
    page.get_by_role("button", name="Spara samordnaren").click()  # empty is allowed: clears it
    page.get_by_label("Samordnarens namn").fill("Amira Haddad")
    page.get_by_label("Förvaltning", exact=True).fill("Stadskontoret")
    page.get_by_label("Kontakt", exact=True).first.fill("amira.haddad@malmo.se")
    page.get_by_label("Mötesplats").fill("Mötesplats Sofielund, Lantmannagatan 50")
    page.get_by_role("button", name="Spara samordnaren").click()
    expect(page.get_by_text("Samordnaren är sparad.")).to_be_visible()

    page.get_by_role("button", name="Lägg till insatsen").click()
    expect(page.get_by_role("alert")).to_contain_text("Fältet måste fyllas i.")
    assert axe_violations(page) == []
    page.get_by_label("Program eller insats").fill("Communities That Care")
    page.get_by_label("Ansvarig förvaltning").fill("Stadskontoret")
    page.get_by_label("Period").fill("2024–2027")
    page.get_by_role("button", name="Lägg till insatsen").click()
    efforts = page.get_by_role("table", name="1 insats i Sofielund")
    expect(efforts.get_by_role("row", name="Communities That Care Stadskontoret")).to_be_visible()
    expect(page.get_by_role("link", name="Trygghetsvandring")).to_be_visible()
    expect(page.get_by_role("heading", name="Pågående ärenden (1)")).to_be_visible()
    expect(page.get_by_role("heading", name="Avslutade ärenden (1)")).to_be_visible()
    expect(page.get_by_role("link", name="Avslagen idé")).to_be_visible()
    assert axe_violations(page) == []
    page.screenshot(path=str(SCREENSHOTS / "omrade.png"), full_page=True)
    _reflows(page, page.url, f"{live_server}/areas")
