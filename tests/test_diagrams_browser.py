"""Diagrams that fit: overview, case page and modeler at 1280 and 1400 px, zoom buttons, keys, drag."""

from __future__ import annotations

import re
from typing import Any

import pytest
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

VIEWBOX = """() => {
    const v = window.samverkanViewer.get('canvas').viewbox();
    return { scale: v.scale, x: v.x, y: v.y, width: v.width, height: v.height, inner: v.inner };
}"""

# The rendered size in CSS px of the first line of an element's label.
LABEL_PX = """(id) => {
    const text = document.querySelector(`.djs-element[data-element-id="${id}"] .djs-label`);
    return text.getBoundingClientRect().height / text.querySelectorAll('tspan').length;
}"""


def no_page_overflow(page: Page) -> bool:
    """No horizontal scrollbar: nothing wider than the page's box (the window less a vertical scrollbar)."""
    return bool(page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"))


def shows_whole_diagram(view: dict[str, Any]) -> bool:
    inner, slack = view["inner"], 1
    return bool(
        view["x"] <= inner["x"] + slack
        and view["y"] <= inner["y"] + slack
        and view["x"] + view["width"] >= inner["x"] + inner["width"] - slack
        and view["y"] + view["height"] >= inner["y"] + inner["height"] - slack
    )


def viewbox(page: Page) -> dict[str, Any]:
    result: dict[str, Any] = page.evaluate(VIEWBOX)
    return result


def wait_for_diagram(page: Page) -> None:
    expect(page.get_by_role("group", name="Visa diagrammet")).to_be_visible()


def scale(page: Page, diagram: str = "samverkanViewer") -> float:
    return float(page.evaluate(f"() => window.{diagram}.get('canvas').viewbox().scale"))


def inside_view(page: Page, element_id: str) -> bool:
    """The element lies wholly inside the visible part of the diagram."""
    return bool(
        page.evaluate(
            """(id) => {
                const v = window.samverkanViewer.get('canvas').viewbox();
                const e = window.samverkanViewer.get('elementRegistry').get(id);
                return e.x >= v.x && e.y >= v.y && e.x + e.width <= v.x + v.width && e.y + e.height <= v.y + v.height;
            }""",
            element_id,
        )
    )


def svg_within_box(page: Page, box: str) -> bool:
    return bool(
        page.evaluate(
            """(sel) => {
                const box = document.querySelector(sel).getBoundingClientRect();
                const svg = document.querySelector(`${sel} svg`).getBoundingClientRect();
                return svg.left >= box.left && svg.right <= box.right && svg.top >= box.top
                    && svg.bottom <= box.bottom && box.right <= document.documentElement.clientWidth;
            }""",
            box,
        )
    )


def check_overview(page: Page, url: str) -> None:
    """Opens readable on the steps where cases wait; "Anpassa" shows the whole process."""
    page.goto(f"{url}/overview")
    wait_for_diagram(page)
    assert no_page_overflow(page)
    assert svg_within_box(page, "#overview-diagram")
    opened = viewbox(page)
    for step in ("registrera_initiativ", "bedomning"):
        assert inside_view(page, step), step
    assert page.evaluate(LABEL_PX, "bedomning") >= 12
    controls = page.get_by_role("group", name="Visa diagrammet")
    controls.get_by_role("button", name="Anpassa").click()
    fitted = viewbox(page)
    assert shows_whole_diagram(fitted) and fitted["scale"] < opened["scale"]
    controls.get_by_role("button", name="Zooma in").click()
    assert scale(page) > fitted["scale"]
    controls.get_by_role("button", name="Anpassa").click()
    assert scale(page) == pytest.approx(fitted["scale"], rel=0.01)
    assert shows_whole_diagram(viewbox(page))
    # The badges keep their own size when the diagram is fitted small.
    badge = page.get_by_role("button", name="1 ärende väntar i Bedöm ansökan mot kriterierna")
    assert (badge.bounding_box() or {"height": 0})["height"] >= 18
    # A narrower window refits.
    width = page.viewport_size["width"] if page.viewport_size else 1280
    page.set_viewport_size({"width": 900, "height": 900})
    page.wait_for_function("(s) => window.samverkanViewer.get('canvas').zoom() < s - 0.01", arg=fitted["scale"])
    assert shows_whole_diagram(viewbox(page))
    page.set_viewport_size({"width": width, "height": 900})
    controls.get_by_role("button", name="Visa steg med ärenden").click()
    assert scale(page) == pytest.approx(opened["scale"], rel=0.01)
    assert inside_view(page, "bedomning")
    # Zoomed in on the first step, Tab to the badge of the other: its step comes into view.
    page.get_by_role("application", name=re.compile("^Processdiagram")).focus()
    for _ in range(3):
        page.keyboard.press("+")
    assert not inside_view(page, "bedomning")
    badge.focus()
    assert inside_view(page, "bedomning")


def check_element_page(page: Page, url: str) -> None:
    """A step's own page shows it in the diagram, centred, readable and marked."""
    page.goto(f"{url}/overview/elements/bedomning")
    expect(page.get_by_role("link", name="Torgfest på Möllan")).to_be_visible()
    wait_for_diagram(page)
    assert no_page_overflow(page) and svg_within_box(page, "#element-diagram")
    assert inside_view(page, "bedomning") and page.evaluate(LABEL_PX, "bedomning") >= 12
    expect(page.locator('.djs-overlays[data-container-id="bedomning"]').get_by_text("Valt steg")).to_be_visible()
    opened = scale(page)
    controls = page.get_by_role("group", name="Visa diagrammet")
    controls.get_by_role("button", name="Anpassa").click()
    assert shows_whole_diagram(viewbox(page))
    controls.get_by_role("button", name="Visa steget").click()
    assert scale(page) == pytest.approx(opened, rel=0.01) and inside_view(page, "bedomning")
    if page.viewport_size and page.viewport_size["width"] == 1280:
        page.screenshot(path=str(SCREENSHOTS / "overview-steg.png"), full_page=True)
    assert axe_violations(page) == []


def check_case_page_opens_on_the_step(page: Page, url: str, case_id: int) -> dict[str, Any]:
    """Opens on the current step, centred, its label readable, marked by more than colour."""
    page.goto(f"{url}/cases/{case_id}")
    wait_for_diagram(page)
    assert no_page_overflow(page)
    opened = viewbox(page)
    step = page.evaluate(
        """() => { const e = window.samverkanViewer.get('elementRegistry').get('bedomning');
                   return { x: e.x + e.width / 2, y: e.y + e.height / 2 }; }"""
    )
    assert abs(opened["x"] + opened["width"] / 2 - step["x"]) < 2
    assert abs(opened["y"] + opened["height"] / 2 - step["y"]) < 2
    assert inside_view(page, "bedomning") and svg_within_box(page, "#case-diagram")
    assert page.evaluate(LABEL_PX, "bedomning") >= 12
    active = page.locator('.djs-element.case-active[data-element-id="bedomning"] .djs-visual > :first-child')
    assert float(active.evaluate("(e) => getComputedStyle(e).strokeWidth").removesuffix("px")) >= 4
    expect(page.locator('.djs-overlays[data-container-id="bedomning"]').get_by_text("Ärendet är här")).to_be_visible()
    return opened


def check_case_buttons(page: Page, opened: dict[str, Any]) -> None:
    controls = page.get_by_role("group", name="Visa diagrammet")
    controls.get_by_role("button", name="Anpassa").click()
    fitted = viewbox(page)
    assert shows_whole_diagram(fitted) and fitted["scale"] < opened["scale"]
    controls.get_by_role("button", name="Zooma in").click()
    assert scale(page) > fitted["scale"]
    controls.get_by_role("button", name="Zooma ut").click()
    controls.get_by_role("button", name="Zooma ut").click()
    assert scale(page) < fitted["scale"]
    controls.get_by_role("button", name="Anpassa").click()
    assert scale(page) == pytest.approx(fitted["scale"], rel=0.01)
    controls.get_by_role("button", name="Visa nuvarande steg").click()
    assert scale(page) == pytest.approx(opened["scale"], rel=0.01)


def check_case_keys_and_drag(page: Page, opened: dict[str, Any]) -> None:
    """Tab reaches the diagram, which shows a focus ring; + - 0 and arrows; drag pans."""
    region = page.get_by_role("application", name=re.compile("^Processdiagram"))
    expect(region).to_have_attribute("aria-describedby", "case-diagram-help")
    page.get_by_role("button", name="Visa nuvarande steg").focus()
    page.keyboard.press("Tab")
    expect(region).to_be_focused()
    assert page.locator("#case-diagram").evaluate("(e) => getComputedStyle(e).outlineStyle") == "solid"
    page.keyboard.press("+")
    assert scale(page) > opened["scale"]
    page.keyboard.press("-")
    page.keyboard.press("-")
    assert scale(page) < opened["scale"]
    before = viewbox(page)
    page.keyboard.press("ArrowRight")
    assert viewbox(page)["x"] > before["x"]
    page.keyboard.press("ArrowDown")
    assert viewbox(page)["y"] > before["y"]
    page.keyboard.press("0")
    assert scale(page) == pytest.approx(opened["scale"], rel=0.01)

    box = page.locator("#case-diagram").bounding_box()
    assert box is not None
    before = viewbox(page)
    page.mouse.move(box["x"] + 40, box["y"] + box["height"] - 30)
    page.mouse.down()
    page.mouse.move(box["x"] + 240, box["y"] + box["height"] - 30, steps=5)
    page.mouse.up()
    assert viewbox(page)["x"] < before["x"] - 50


def check_modeler(page: Page, url: str) -> None:
    page.goto(f"{url}/modeler/samverkansstod")
    expect(page.get_by_role("status").filter(has_text="är inläst")).to_be_visible()
    assert no_page_overflow(page)
    fitted = scale(page, "samverkanModeler")
    page.get_by_role("button", name="Zooma in").click()
    assert scale(page, "samverkanModeler") > fitted
    page.get_by_role("button", name="Anpassa till fönstret").click()
    assert scale(page, "samverkanModeler") == pytest.approx(fitted, rel=0.01)


@pytest.mark.parametrize("width", [1280, 1400])
def test_diagrams_fit_the_page_and_zoom(
    page: Page, live_server: str, engine: Samverkan, drive: Driver, width: int
) -> None:
    page.set_default_timeout(10_000)
    page.set_viewport_size({"width": width, "height": 900})
    case_id = drive.start(title="Torgfest på Möllan")
    drive.walk(case_id, *INITIERING, "registrera_ansokan")
    drive.start(title="Nytt initiativ")
    log_in(page, live_server, engine, "alma", "admin", "processagare")

    check_overview(page, live_server)
    check_element_page(page, live_server)
    opened = check_case_page_opens_on_the_step(page, live_server, case_id)
    check_case_buttons(page, opened)
    check_case_keys_and_drag(page, opened)
    page.get_by_role("button", name="Visa nuvarande steg").click()
    if width == 1280:
        page.locator(".case-diagram").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "arende-diagram.png"))
    assert axe_violations(page) == []
    check_modeler(page, live_server)
