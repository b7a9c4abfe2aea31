// Read-only diagrams (overview, case position): bpmn-js NavigatedViewer plus its CSS, fitted to
// their box, with zoom buttons and keys. No inline script: data comes from data-* attributes
// and a JSON data island.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import { DiagramView } from "./diagram-view.js";

import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";

window.SamverkanViewer = NavigatedViewer;

const PAN = 60; // px per arrow key press; Shift moves four times as far

/**
 * The canvas SVG (focusable since diagram-js 15) becomes the keyboard region: it gets the
 * container's accessible name and help text, and + / - / 0 / arrow keys. Ctrl+arrows stay
 * diagram-js's own.
 */
function keyboardRegion(viewer, container, view) {
  const svg = viewer.get("canvas").getContainer().querySelector(":scope > svg");
  svg.setAttribute("role", "application");
  svg.setAttribute("aria-roledescription", "diagram");
  svg.setAttribute("aria-label", container.dataset.label);
  if (container.dataset.help) svg.setAttribute("aria-describedby", container.dataset.help);
  viewer.get("keyboard").addListener(({ keyEvent: event }) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return false;
    const far = event.shiftKey ? 4 : 1;
    const actions = {
      "+": () => view.zoom(1),
      "=": () => view.zoom(1),
      "-": () => view.zoom(-1),
      0: () => view.reset(),
      ArrowLeft: () => view.pan(PAN * far, 0),
      ArrowRight: () => view.pan(-PAN * far, 0),
      ArrowUp: () => view.pan(0, PAN * far),
      ArrowDown: () => view.pan(0, -PAN * far),
    };
    const action = actions[event.key];
    if (!action) return false;
    action();
    return true;
  });
}

/** Buttons in `[data-diagram-controls=<container id>]`, hidden until the diagram is there. */
function buttons(container, view) {
  const controls = document.querySelector(`[data-diagram-controls="${container.id}"]`);
  if (!controls) return;
  const actions = { "zoom-in": () => view.zoom(1), "zoom-out": () => view.zoom(-1), fit: () => view.fit(), focus: () => view.reset() };
  for (const button of controls.querySelectorAll("[data-diagram-action]")) {
    button.addEventListener("click", () => actions[button.dataset.diagramAction]());
  }
  controls.hidden = false;
}

async function open(container, xmlUrl, initial) {
  const viewer = new NavigatedViewer({ container });
  const xml = await (await fetch(xmlUrl, { credentials: "same-origin" })).text();
  await viewer.importXML(xml);
  const view = new DiagramView(viewer, container);
  // "0" and "Visa nuvarande steg" go back to how the page opened.
  view.reset = () => initial(view, viewer);
  view.reset();
  keyboardRegion(viewer, container, view);
  buttons(container, view);
  viewer.view = view;
  return viewer;
}

function badge(text, label, overdue) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = overdue ? "count-badge count-badge--overdue" : "count-badge";
  button.textContent = text;
  button.setAttribute("aria-label", label);
  return button;
}

async function overview(container) {
  const counts = JSON.parse(document.getElementById("overview-counts").textContent);
  // The whole process fitted into a page-wide box is drawn at about a quarter of its size, too
  // small to read at 1280 px: open on the steps where cases wait, in process order, at a readable
  // zoom ("Anpassa" shows all of it, the badges stay readable there).
  const viewer = await open(container, container.dataset.xmlUrl, (view, v) => {
    const registry = v.get("elementRegistry");
    const waiting = Object.keys(counts).map((id) => registry.get(id)).filter(Boolean);
    const shown = waiting.length ? waiting : registry.filter((e) => e.type === "bpmn:StartEvent");
    view.focus(shown.sort((a, b) => a.x - b.x || a.y - b.y));
  });
  window.samverkanViewer = viewer;
  const overlays = viewer.get("overlays");
  const registry = viewer.get("elementRegistry");
  const target = document.getElementById("element-cases");

  async function show(id, overdue) {
    const url = `${container.dataset.casesUrl}${encodeURIComponent(id)}?partial=1${overdue ? "&overdue=1" : ""}`;
    target.innerHTML = await (await fetch(url, { credentials: "same-origin" })).text();
    const heading = target.querySelector("h2");
    if (heading) heading.focus();
  }

  // A badge reached by Tab may lie outside the part of the diagram shown: bring its step into view
  // so that the focus can be seen (WCAG 2.4.7, 2.4.11).
  const reveal = (element) => () => {
    viewer.view.mode = "free";
    viewer.get("canvas").scrollToElement(element, { top: 40, bottom: 40, left: 60, right: 60 });
  };

  for (const [id, { waiting, overdue }] of Object.entries(counts)) {
    const element = registry.get(id);
    if (!element) continue;
    const name = element.businessObject.name || id;
    const holder = document.createElement("div");
    holder.className = "count-badges";
    if (waiting) {
      const b = badge(String(waiting), `${waiting} ${waiting === 1 ? "ärende väntar" : "ärenden väntar"} i ${name}`, false);
      b.addEventListener("click", () => show(id, false));
      b.addEventListener("focus", reveal(element));
      holder.append(b);
    }
    if (overdue) {
      const b = badge(String(overdue), `${overdue} ${overdue === 1 ? "försenat" : "försenade"} i ${name}`, true);
      b.addEventListener("click", () => show(id, true));
      b.addEventListener("focus", reveal(element));
      holder.append(" ", b);
    }
    // Never smaller than their own size: the numbers stay readable when the diagram is fitted.
    overlays.add(id, "counts", { position: { top: -12, right: 12 }, html: holder, scale: { min: 1 } });
  }
  viewer.get("eventBus").on("element.click", ({ element }) => {
    if (element.type !== "bpmn:Process" && counts[element.id] !== undefined) show(element.id, false);
  });
}

const isTask = (element) => Number(Boolean(element && element.type === "bpmn:UserTask"));

/** The case's current step: a thick outline and a text marker (not colour alone), centred. */
async function casePosition(container) {
  const position = await (await fetch(container.dataset.positionUrl, { credentials: "same-origin" })).json();
  let active = [];
  const viewer = await open(container, position.xml_url, (view, v) => {
    const registry = v.get("elementRegistry");
    // User tasks first: the step someone has to do is the one to show when not all fit.
    const ids = [...position.active].sort((a, b) => isTask(registry.get(b)) - isTask(registry.get(a)));
    active = ids.map((id) => registry.get(id)).filter(Boolean);
    view.focus(active);
  });
  window.samverkanViewer = viewer;
  const canvas = viewer.get("canvas");
  const overlays = viewer.get("overlays");
  const registry = viewer.get("elementRegistry");
  for (const id of position.passed) if (registry.get(id)) canvas.addMarker(id, "case-passed");
  for (const element of active) {
    canvas.addMarker(element.id, "case-active");
    const marker = document.createElement("div");
    marker.className = "case-active-marker";
    marker.textContent = "Ärendet är här";
    overlays.add(element.id, "case-active", { position: { top: -30, left: -4 }, html: marker, scale: { min: 1 } });
  }
}

/** A step of the overview on its own page: centred, marked as the case's step is. */
async function elementStep(container) {
  const id = container.dataset.element;
  const viewer = await open(container, container.dataset.xmlUrl, (view, v) => {
    const element = v.get("elementRegistry").get(id);
    view.focus(element ? [element] : []);
  });
  window.samverkanViewer = viewer;
  if (!viewer.get("elementRegistry").get(id)) return;
  viewer.get("canvas").addMarker(id, "case-active");
  const marker = document.createElement("div");
  marker.className = "case-active-marker";
  marker.textContent = "Valt steg";
  viewer.get("overlays").add(id, "case-active", { position: { top: -30, left: -4 }, html: marker, scale: { min: 1 } });
}

document.addEventListener("DOMContentLoaded", () => {
  const overviewBox = document.getElementById("overview-diagram");
  if (overviewBox) overview(overviewBox);
  const caseBox = document.getElementById("case-diagram");
  if (caseBox) casePosition(caseBox);
  const elementBox = document.getElementById("element-diagram");
  if (elementBox) elementStep(elementBox);
});
