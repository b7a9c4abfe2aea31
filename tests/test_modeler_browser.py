"""The process owners' modeler in a real browser against the real server (issue #8)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from engine import processes
from engine.context import Samverkan
from tests.browser import SCREENSHOTS, base_url, browser_type_launch_args, database_url, log_in  # noqa: F401
from tests.samverkansstod import Driver


def open_modeler(page: Page, live_server: str, engine: Samverkan) -> None:
    page.set_default_timeout(10_000)
    log_in(page, live_server, engine, "petra", "processagare")
    page.goto(f"{live_server}/modeler/samverkansstod")
    expect(page.get_by_role("heading", level=1)).to_have_text("Modellera Samverkansstöd")
    expect(page.get_by_role("status").filter(has_text="är inläst")).to_be_visible()


def select_element(page: Page, element_id: str) -> None:
    """Scroll the element into the canvas and click it, as a person would."""
    page.evaluate(
        """(id) => {
            const m = window.samverkanModeler, canvas = m.get('canvas');
            canvas.zoom(1);
            canvas.scrollToElement(m.get('elementRegistry').get(id), { top: 200, left: 300, right: 300, bottom: 200 });
        }""",
        element_id,
    )
    page.locator(f'.djs-element[data-element-id="{element_id}"]').first.click(force=True)


def test_owner_shortens_first_meeting_reminder_and_only_new_cases_get_it(
    page: Page, live_server: str, engine: Samverkan, drive: Driver
) -> None:
    old_case = drive.start(title="Före ändringen")
    drive.complete(old_case, "registrera_initiativ")
    open_modeler(page, live_server, engine)
    expect(page.get_by_text("1 pågående ärende (version 1: 1)")).to_be_visible()

    select_element(page, "paminnelse_forsta_mote")
    panel = page.locator("#properties")
    expect(panel.locator(".bio-properties-panel-header-label")).to_have_text("14 dagar utan första möte")
    expect(panel.get_by_text("Samverkan", exact=True)).to_be_visible()
    panel.get_by_text("Allmänt", exact=True).click()
    name = panel.get_by_label("Namn", exact=True)
    name.fill("7 dagar utan första möte")
    panel.get_by_text("Timer", exact=True).click()
    value = panel.get_by_label("Värde", exact=True)
    expect(value).to_have_value('"P14D"')
    value.fill('"P7D"')
    value.press("Tab")
    page.get_by_role("button", name="Validera").click()
    expect(page.locator("#modeler-status")).to_contain_text("Inga fel")
    page.locator("#canvas").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "modeler-timer.png"))
    page.get_by_label("Kommentar till versionen").fill("Påminnelse om första möte efter 7 dagar")
    page.get_by_role("button", name="Driftsätt").click()
    expect(page.locator("#modeler-status")).to_have_text("Version 2 är driftsatt.")
    expect(page.locator("#versions")).to_contain_text("Påminnelse om första möte efter 7 dagar")
    expect(page.get_by_role("link", name="Ladda ner version 2")).to_be_visible()
    # The running case stays on version 1; the deploy offers the preview of moving it at once.
    offer = page.get_by_role("link", name="Förhandsvisa flytt av pågående ärenden till version 2")
    expect(offer).to_have_attribute("href", "/modeler/samverkansstod/migration?from=1&to=2")
    expect(page.get_by_role("link", name="Flytta ärenden från version 1")).to_be_visible()

    assert [v["version"] for v in processes.list_versions(engine, "samverkansstod")] == [1, 2]
    assert 'name="phase" value="Initiering"' in processes.get_xml(engine, "samverkansstod", 2)
    new_case = drive.start(title="Efter ändringen")
    drive.complete(new_case, "registrera_initiativ")
    assert drive.case(new_case)["process_version"] == 2 and drive.case(old_case)["process_version"] == 1

    drive.advance(8)
    assert ("reminder", "forsta_mote") in drive.history(new_case)
    assert ("reminder", "forsta_mote") not in drive.history(old_case)
    drive.advance(7)
    assert ("reminder", "forsta_mote") in drive.history(old_case)


def test_bypassing_early_resident_involvement_is_refused_on_the_element(
    page: Page, live_server: str, engine: Samverkan, drive: Driver
) -> None:
    open_modeler(page, live_server, engine)
    # Reconnect the flow into tidig_boendeinvolvering so that it skips straight past it.
    page.evaluate(
        """() => {
            const m = window.samverkanModeler, registry = m.get('elementRegistry');
            const flow = registry.get('f_mote_tidig'), target = registry.get('rensa_aterkoppling');
            m.get('modeling').reconnectEnd(flow, target, { x: target.x, y: target.y + target.height / 2 });
        }"""
    )
    page.get_by_role("button", name="Validera").click()
    message = "Tidig boendeinvolvering måste ligga på varje väg från start till bedömning"
    expect(page.locator("#modeler-status")).to_contain_text("fel som hindrar driftsättning")
    overlay = page.locator('.djs-overlays[data-container-id="tidig_boendeinvolvering"] .problem-overlay')
    expect(overlay).to_contain_text(message)
    problem = page.get_by_role("button", name=f"tidig_boendeinvolvering: {message}", exact=False)
    problem.click()
    header = page.locator("#properties .bio-properties-panel-header-label")
    expect(header).to_have_text("Registrera tidig boendeinvolvering")
    page.locator("#canvas").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "modeler-ks-rule.png"))
    page.get_by_role("button", name="Driftsätt").click()
    expect(page.locator("#modeler-status")).to_contain_text("fel som hindrar driftsättning")
    assert [v["version"] for v in processes.list_versions(engine, "samverkansstod")] == [1]


def test_upload_file_from_another_modeler_and_preview_form(
    page: Page, live_server: str, engine: Samverkan, drive: Driver
) -> None:
    open_modeler(page, live_server, engine)
    select_element(page, "bedomning")
    expect(page.locator("#form-preview")).to_contain_text("forms/bedomning.json")
    made_elsewhere = Path(__file__).resolve().parent / "modeler" / "camunda_modeler.bpmn"
    page.locator("#upload").set_input_files(str(made_elsewhere))
    expect(page.locator("#modeler-status")).to_contain_text("camunda_modeler.bpmn är inläst")
    expect(page.locator('.djs-element[data-element-id="granska"]')).to_have_count(1)
    with page.expect_download() as download:
        page.get_by_role("button", name="Ladda ner .bpmn").click()
    assert b'id="enkel_granskning"' in Path(download.value.path()).read_bytes()
    page.locator("#upload").set_input_files(str(Path(__file__).resolve().parent / "bpmn" / "two_lanes.bpmn"))
    expect(page.locator("#modeler-status")).to_contain_text("saknar diagram")


def test_modeler_is_for_process_owners_only(page: Page, live_server: str, engine: Samverkan, drive: Driver) -> None:
    log_in(page, live_server, engine, "cecilia", "chef")
    response = page.goto(f"{live_server}/modeler/samverkansstod")
    assert response is not None and response.status == 403


# English strings bpmn-js, its properties panel and bpmnlint show unless translated (whole words).
ENGLISH = (
    "Errors",
    "Warnings",
    "No Issues",
    "Issues",
    "General",
    "Name",
    "ID",
    "Documentation",
    "Create",
    "Append",
    "Change type",
    "Change element",
    "Delete",
    "Connect",
    "Activate",
    "Toggle",
    "Search",
    "results",
    "found",
    "User Task",
    "Incoming flows",
    "Element is",
)

VISIBLE_UI_TEXT = """() => {
    const root = document.querySelector('.modeler-workspace');
    const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const parts = [root.innerText];
    for (const el of root.querySelectorAll('[title], [aria-label], [placeholder]')) {
        if (!shown(el)) continue;
        for (const name of ['title', 'aria-label', 'placeholder']) {
            if (el.hasAttribute(name)) parts.push(el.getAttribute(name));
        }
    }
    return parts.join('\\n');
}"""


def assert_no_english(page: Page, where: str) -> None:
    text = page.evaluate(VISIBLE_UI_TEXT)
    found = [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)]
    assert found == [], f"{where}: English UI text {found}"


def test_modeler_speaks_swedish_in_lint_palette_menus_and_properties(
    page: Page, live_server: str, engine: Samverkan, drive: Driver
) -> None:
    page.set_viewport_size({"width": 1280, "height": 900})
    open_modeler(page, live_server, engine)
    # A task without name or flows gives lint errors whatever the bundled model's state.
    page.evaluate(
        """() => {
            const m = window.samverkanModeler, registry = m.get('elementRegistry');
            const near = registry.get('bedomning'), task = m.get('elementFactory').createShape({ type: 'bpmn:Task' });
            m.get('modeling').createShape(task, { x: near.x + 60, y: near.y + 190 }, near.parent);
            window.lintProbe = task.id;
        }"""
    )
    button = page.locator(".bjsl-button")
    expect(button).to_have_text(re.compile(r"^\s*\d+ fel, \d+ varning(ar)?\s*$"))
    expect(button).to_have_attribute("title", "Visa eller dölj modellkontrollens markeringar")
    probe = page.evaluate("() => window.lintProbe")
    select_element(page, probe)
    page.locator(f'.djs-overlays[data-container-id="{probe}"] .bjsl-overlay').hover()
    issues = page.locator(f'.djs-overlays[data-container-id="{probe}"] .bjsl-issues')
    expect(issues).to_contain_text("Elementet saknar namn")
    expect(issues).to_contain_text("Elementet är inte kopplat till flödet")
    assert_no_english(page, "lint overlay")
    page.mouse.move(0, 0)

    select_element(page, "bedomning")
    panel = page.locator("#properties")
    expect(panel.locator(".bio-properties-panel-header-type")).to_have_text("Användaruppgift")
    for group in ("Allmänt", "Samverkan", "Dokumentation"):
        header = panel.locator(".bio-properties-panel-group-header", has_text=group)
        expect(header.get_by_role("button", name="Visa eller dölj avsnittet")).to_be_visible()
        header.click()
    expect(panel.get_by_label("Namn", exact=True)).to_have_value("Bedöm ansökan mot kriterierna")
    expect(panel.get_by_label("Id", exact=True)).to_have_value("bedomning")
    expect(panel.get_by_label("Elementets dokumentation")).to_be_visible()
    expect(panel.get_by_label("Fas")).to_have_value("Ansökan och bedömning")
    expect(panel.get_by_label("Formulär (forms/<namn>.json)")).to_be_visible()
    pad = page.locator(".djs-context-pad")
    for title in ("Lägg till uppgift efter", "Byt elementtyp", "Ta bort", "Koppla till ett annat element"):
        expect(pad.locator(f'.entry[title="{title}"]')).to_be_visible()
    palette = page.locator(".djs-palette")
    for title in ("Panorera (handverktyget)", "Skapa starthändelse", "Skapa gateway", "Skapa pool (deltagare)"):
        expect(palette.get_by_role("button", name=title, exact=True)).to_be_visible()
    assert_no_english(page, "properties panel, context pad and palette")
    page.locator(".modeler-workspace").scroll_into_view_if_needed()
    page.locator(f'.djs-overlays[data-container-id="{probe}"] .bjsl-overlay').hover()
    page.screenshot(path=str(SCREENSHOTS / "modeler-svenska.png"))
    page.mouse.move(0, 0)

    pad.locator('.entry[data-action="replace"]').click()
    menu = page.locator(".djs-popup")
    expect(menu.get_by_role("heading")).to_have_text("Byt elementtyp")
    expect(menu.get_by_text("Skriptuppgift")).to_be_visible()
    page.keyboard.type("skript")
    expect(menu.locator(".djs-popup-search-count")).to_have_text("1 träff")
    assert_no_english(page, "replace menu")
    page.keyboard.press("Escape")

    page.evaluate("() => window.samverkanModeler.get('searchPad').open()")
    expect(page.get_by_role("textbox", name="Sök i diagrammet")).to_be_visible()
    assert_no_english(page, "search")
    page.keyboard.press("Escape")

    # Every element's properties and replace menu asks only for templates we translate.
    missing = page.evaluate(
        """async () => {
            const m = window.samverkanModeler, popup = m.get('popupMenu');
            const frame = () => new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
            for (const element of m.get('elementRegistry').filter((e) => !e.labelTarget)) {
                m.get('selection').select(element);
                await frame();
                document.querySelectorAll('#properties .bio-properties-panel-group-header:not(.open)')
                    .forEach((h) => h.click());
                await frame();
                try { popup.open(element, 'bpmn-replace', { x: 100, y: 100 }); await frame(); } catch (e) {}
                popup.close();
            }
            return [...window.samverkanUntranslated];
        }"""
    )
    assert missing == []


def test_modeler_lint_flags_a_reminder_branch_led_back_into_the_flow(
    page: Page, live_server: str, engine: Samverkan, drive: Driver
) -> None:
    open_modeler(page, live_server, engine)
    expect(page.locator(".bjsl-button")).to_have_text(re.compile("Inga anmärkningar"))
    page.evaluate(
        """() => {
            const m = window.samverkanModeler, registry = m.get('elementRegistry');
            const flow = registry.get('f_paminnelse_mote'), target = registry.get('tidig_boendeinvolvering');
            m.get('modeling').reconnectEnd(flow, target, { x: target.x + 20, y: target.y + target.height });
        }"""
    )
    expect(page.locator(".bjsl-button")).to_have_text(re.compile(r"1 varning\b"))
    page.get_by_role("button", name="Validera").click()
    message = "Inkommande flöden kan komma samtidigt men förenas inte"
    expect(page.get_by_role("button", name=re.compile(f"^tidig_boendeinvolvering: {message}"))).to_be_visible()
    expect(page.locator("#problem-list")).to_contain_text("bpmnlint (varning)")


def test_bundled_model_is_lint_clean_in_our_modeler(
    page: Page, live_server: str, engine: Samverkan, drive: Driver
) -> None:
    """The model as shipped, in the modeler with our bpmnlint config: 0 errors and 0 warnings, said in Swedish."""
    open_modeler(page, live_server, engine)
    expect(page.locator(".bjsl-button")).to_have_text(re.compile(r"^\s*Inga anmärkningar\s*$"))
    reports = page.evaluate(
        """async () => {
            const byRule = await window.samverkanModeler.get('linting').lint();
            return Object.values(byRule).flat().map((r) => `${r.category} ${r.id}: ${r.message}`);
        }"""
    )
    assert reports == []
    page.get_by_role("button", name="Validera").click()
    expect(page.locator("#modeler-status")).to_have_text("Inga fel hittades.")
    select_element(page, "bedomning")
    expect(page.locator("#properties .bio-properties-panel-header-type")).to_have_text("Användaruppgift")
    assert_no_english(page, "lint button, status, context pad and properties")
    page.locator(".modeler-workspace").scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / "modeler-inga-anmarkningar.png"))
