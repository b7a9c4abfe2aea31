"""A whole case by keyboard only (WCAG 2.1.1): no mouse, no `fill` or `click`, only Tab, Shift+Tab,
Enter, Space, the arrow keys and typing, from registration to the nämnd's decision as the
kontaktperson, the chef (who follows the case in the overview and its diagram) and the
nämndsekreterare. Every field is reached by Tab in page order, so a control that Tab skips, a
control without a name or a form that needs a mouse fails the test."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import Page, expect

from engine import accounts, processes
from engine.context import SYSTEM, Samverkan
from tests.browser import PASSWORD, axe_violations, base_url, browser_type_launch_args, database_url  # noqa: F401
from tests.samverkansstod import MODEL

MAX_TABS = 400

# What the focused element is, as a keyboard user meets it: its kind and accessible name.
FOCUSED = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return null;
    const text = (n) => (n ? n.textContent.replace(/\\s+/g, ' ').trim() : '');
    const group = e.closest('fieldset');
    const name = e.getAttribute('aria-label') || (e.labels && e.labels.length ? text(e.labels[0]) : text(e));
    const siblings = e.type === 'radio' || e.type === 'checkbox'
        ? [...(group || document).querySelectorAll(`input[name="${e.name}"]`)] : [];
    return {
        tag: e.tagName.toLowerCase(), type: e.type || '', role: e.getAttribute('role') || '', name,
        value: e.value ?? '', checked: !!e.checked, groupChecked: siblings.some((s) => s.checked),
        legend: group ? text(group.querySelector('legend')) : '', inForm: !!e.closest('form.form'),
        numeric: e.inputMode === 'numeric',
    };
}"""


class Keyboard:
    """Moves focus with Tab only and acts on what has focus; counts the key presses (shown with -s)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.presses = 0  # Tab, Enter, Space, arrows
        self.typed = 0  # characters typed into fields

    def press(self, key: str) -> None:
        self.presses += 1
        self.page.keyboard.press(key)

    def type(self, text: str) -> None:
        self.typed += len(text)
        self.page.keyboard.type(text)

    def focused(self) -> dict[str, Any]:
        found: dict[str, Any] | None = self.page.evaluate(FOCUSED)
        return found or {"tag": "", "type": "", "role": "", "name": "", "inForm": False}

    def tab_to(self, name: str | re.Pattern[str], kind: str | None = None) -> dict[str, Any]:
        """Tab (from where focus is) until an element of `kind` named `name` has focus."""
        pattern = name if isinstance(name, re.Pattern) else re.compile(rf"^{re.escape(name)}$")
        seen: list[str] = []
        for _ in range(MAX_TABS):
            self.press("Tab")
            now = self.focused()
            seen.append(now["name"])
            if pattern.search(now["name"]) and kind in (None, now["tag"], now["role"]):
                return now
        raise AssertionError(f"Tab never reached {pattern.pattern!r}; passed {seen[:60]}")

    def follow(self, key: str = "Enter") -> None:
        """Press a key that loads another page (a link, a submit button) and wait for that page."""
        with self.page.expect_navigation():
            self.press(key)

    def activate(self, name: str | re.Pattern[str], kind: str | None = None) -> None:
        """Tab to a link or button that loads a page and press Enter."""
        self.tab_to(name, kind)
        self.follow()

    def choose(self, option: str | re.Pattern[str]) -> None:
        """In a radio group, arrow down until `option` is focused (and so checked)."""
        pattern = option if isinstance(option, re.Pattern) else re.compile(rf"^{re.escape(option)}$")
        for _ in range(20):
            now = self.focused()
            if pattern.search(now["name"]):
                if not now["checked"]:  # Tab onto a group with nothing chosen focuses without checking
                    self.press("Space")
                return
            self.press("ArrowDown")
        raise AssertionError(f"no option {pattern.pattern!r} in {self.focused()['legend']!r}")

    def select(self, option: str) -> None:
        """In a closed select, arrow down until `option` is selected."""
        for _ in range(40):
            if self.page.evaluate("() => document.activeElement.selectedOptions[0]?.text") == option:
                return
            self.press("ArrowDown")
        raise AssertionError(f"no option {option!r} in {self.focused()['name']!r}")


def answer(field: dict[str, Any], answers: dict[str, str]) -> str | None:
    """The value for a field: the test's own when its label (or group) matches, else any sensible one."""
    for pattern, value in answers.items():
        if re.search(pattern, field["name"]) or (field["legend"] and re.search(pattern, field["legend"])):
            return value
    return None


def answer_field(keys: Keyboard, field: dict[str, Any], given: str | None) -> None:
    """Answer the focused field as a keyboard user would; optional fields ("(frivilligt)") are left
    empty unless the test gives a value."""
    optional = "(frivilligt)" in field["name"] or "(frivilligt)" in field["legend"]
    skip = optional and given is None
    if field["type"] == "radio":
        if given is not None:
            keys.choose(given)
        elif not field["groupChecked"] and not skip:
            keys.press("Space")
    elif field["type"] == "checkbox":
        if not field["checked"] and (given == "ja" or (not field["groupChecked"] and not skip)):
            keys.press("Space")
    elif field["tag"] == "select":
        if given is not None:
            keys.select(given)
        elif not field["value"] and not skip:
            keys.press("ArrowDown")
    elif field["type"] == "date" and not field["value"] and not skip:
        # The date field's segments in the browser's order (Chromium here: month/day/year whatever
        # the page's language); typing digits moves from one to the next.
        year, month, day = (given or "2027-02-20").split("-")
        keys.type(month + day + year)
    elif field["type"] in ("text", "textarea") and not field["value"] and not skip:
        keys.type(given or ("5" if field["numeric"] else f"{field['name']}: skrivet med tangentbordet."))


def fill_form(keys: Keyboard, answers: dict[str, str]) -> None:
    """Tab through the task form from the top, answer every field, then "Slutför" with Enter."""
    seen: list[str] = []
    for _ in range(MAX_TABS):
        keys.press("Tab")
        field = keys.focused()
        seen.append(field["name"])
        if field["tag"] == "button" and field["name"] == "Slutför":
            keys.follow()
            return
        if field["inForm"]:
            answer_field(keys, field, answer(field, answers))
    raise AssertionError(f"Tab never reached Slutför; passed {seen[:40]}")


def finished(keys: Keyboard) -> None:
    """The form went through: no error summary, a Swedish message about what happened."""
    page = keys.page
    errors = page.locator(".error-summary")
    assert not errors.count(), errors.inner_text()
    expect(page.get_by_role("status").first).to_contain_text(re.compile("slutförd|klar|väntar", re.I))


def log_in(keys: Keyboard, url: str, username: str) -> None:
    keys.page.goto(f"{url}/login")
    expect(keys.page.get_by_label("Användarnamn")).to_be_focused()
    keys.type(username)
    keys.press("Tab")
    keys.type(PASSWORD)
    keys.follow()
    expect(keys.page.get_by_role("heading", level=1)).to_have_text("Att göra")


def log_out(keys: Keyboard) -> None:
    keys.activate("Logga ut", "button")
    expect(keys.page.get_by_label("Användarnamn")).to_be_visible()


def do_task(keys: Keyboard, task: str, answers: dict[str, str]) -> None:
    """The task's form and "Slutför": where the last action landed when it is this task (the next task
    in the same case), else from "Att göra" in the menu and the task's link."""
    heading = keys.page.get_by_role("heading", level=1)
    if heading.inner_text() != task:
        keys.activate(re.compile("^Att göra"), "a")
        keys.activate(task, "a")
    expect(heading).to_have_text(task)
    fill_form(keys, answers)
    finished(keys)


def kontaktperson_registers_and_assesses(keys: Keyboard, url: str) -> None:
    log_in(keys, url, "kim")
    keys.activate("Nytt ärende", "a")
    keys.tab_to("Aktörer kontaktar staden")
    keys.press("Space")
    keys.tab_to("Titel")
    keys.type("Belysning på Lönngatan")
    keys.activate("Starta ärendet", "button")
    do_task(keys, "Registrera initiativ", {"Område": "Sofielund", "Typ av aktör": "Fastighetsägare"})
    do_task(keys, "Håll första möte", {"Datum för mötet": "2027-02-20"})
    do_task(keys, "Registrera tidig boendeinvolvering", {"Antal boende": "14", "Datum": "2027-02-25"})
    do_task(
        keys, "Registrera ansökan", {"Planerad start": "2027-05-01", "Planerat slut": "2028-04-30", "Belopp": "80000"}
    )
    do_task(keys, "Bedöm ansökan mot kriterierna", {"Bedömning": "Uppfyllt", "Rekommendation": "Tillstyrk"})
    log_out(keys)


def chef_follows_the_case(keys: Keyboard, url: str) -> None:
    """The overview's badge for the step, the case from its list, the diagram by keys."""
    page = keys.page
    log_in(keys, url, "cecilia")
    keys.activate(re.compile("^Översikt"), "a")
    expect(page.get_by_role("group", name="Visa diagrammet")).to_be_visible()
    keys.tab_to(re.compile("^Processdiagram"), "application")
    zoom = page.evaluate("() => window.samverkanViewer.get('canvas').zoom()")
    keys.press("-")
    assert page.evaluate("() => window.samverkanViewer.get('canvas').zoom()") < zoom
    keys.press("0")
    keys.tab_to(re.compile("^1 ärende väntar i Registrera nämndbeslut"), "button")
    keys.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("Ärenden i Registrera nämndbeslut"))).to_be_focused()
    keys.activate("Belysning på Lönngatan", "a")
    expect(page.get_by_role("heading", level=1)).to_have_text("Belysning på Lönngatan")
    expect(page.get_by_role("group", name="Visa diagrammet")).to_be_visible()
    keys.tab_to(re.compile("^Processdiagram"), "application")
    before = page.evaluate("() => window.samverkanViewer.get('canvas').viewbox().x")
    keys.press("ArrowRight")
    assert page.evaluate("() => window.samverkanViewer.get('canvas').viewbox().x") > before
    keys.press("0")
    assert axe_violations(page) == []
    log_out(keys)


def namndsekreterare_decides(keys: Keyboard, url: str) -> None:
    page = keys.page
    log_in(keys, url, "nils")
    keys.activate(re.compile("^Ta uppgiften"), "button")
    # Taking a task opens it, with a message that says so.
    expect(page.get_by_role("status")).to_contain_text("Du har tagit uppgiften")
    expect(page.get_by_role("heading", level=1)).to_have_text("Registrera nämndbeslut")
    do_task(
        keys,
        "Registrera nämndbeslut",
        {
            "Sammanträdesdatum": "2027-02-28",
            "Diarienummer": "TN-2027-0042",
            "^Beslut": "Beviljat",
            "Beviljat belopp": "80000",
            "Stödperiodens start": "2027-05-01",
            "Stödperiodens slut": "2028-04-30",
        },
    )
    keys.activate(re.compile("^Områden"), "a")
    keys.activate("Belysning på Lönngatan", "a")
    expect(page.get_by_role("heading", level=1)).to_have_text("Belysning på Lönngatan")
    expect(page.get_by_role("definition").get_by_text("Beviljat", exact=True)).to_be_visible()


def test_a_whole_case_by_keyboard_only(page: Page, live_server: str, engine: Samverkan) -> None:
    page.set_default_timeout(10_000)
    page.set_viewport_size({"width": 1280, "height": 900})
    processes.deploy(engine, SYSTEM, MODEL.read_bytes())
    for username, role in (("kim", "kontaktperson"), ("cecilia", "chef"), ("nils", "namndsekreterare")):
        accounts.add_user(engine, username, [role], PASSWORD, display_name=username.title())
    keys = Keyboard(page)
    kontaktperson_registers_and_assesses(keys, live_server)
    chef_follows_the_case(keys, live_server)
    namndsekreterare_decides(keys, live_server)
    print(f"Från registrering till beslut: {keys.presses} tangenttryckningar och {keys.typed} skrivna tecken")
