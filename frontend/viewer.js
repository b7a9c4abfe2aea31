// Read-only diagrams (overview, case position): bpmn-js NavigatedViewer plus its CSS.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";

import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";

window.SamverkanViewer = NavigatedViewer;

async function open(container, xmlUrl) {
  const viewer = new NavigatedViewer({ container });
  const xml = await (await fetch(xmlUrl, { credentials: "same-origin" })).text();
  await viewer.importXML(xml);
  viewer.get("canvas").zoom("fit-viewport");
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
  const viewer = await open(container, container.dataset.xmlUrl);
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

  for (const [id, { waiting, overdue }] of Object.entries(counts)) {
    const element = registry.get(id);
    if (!element) continue;
    const name = element.businessObject.name || id;
    const holder = document.createElement("div");
    holder.className = "count-badges";
    if (waiting) {
      const b = badge(String(waiting), `${waiting} ärenden väntar i ${name}`, false);
      b.addEventListener("click", () => show(id, false));
      holder.append(b);
    }
    if (overdue) {
      const b = badge(String(overdue), `${overdue} försenade i ${name}`, true);
      b.addEventListener("click", () => show(id, true));
      holder.append(" ", b);
    }
    overlays.add(id, "counts", { position: { top: -12, right: 12 }, html: holder });
  }
  viewer.get("eventBus").on("element.click", ({ element }) => {
    if (element.type !== "bpmn:Process" && counts[element.id] !== undefined) show(element.id, false);
  });
}

async function casePosition(container) {
  const position = await (await fetch(container.dataset.positionUrl, { credentials: "same-origin" })).json();
  const viewer = await open(container, position.xml_url);
  window.samverkanViewer = viewer;
  const canvas = viewer.get("canvas");
  const registry = viewer.get("elementRegistry");
  for (const id of position.passed) if (registry.get(id)) canvas.addMarker(id, "case-passed");
  for (const id of position.active) if (registry.get(id)) canvas.addMarker(id, "case-active");
}

document.addEventListener("DOMContentLoaded", () => {
  const overviewBox = document.getElementById("overview-diagram");
  if (overviewBox) overview(overviewBox);
  const caseBox = document.getElementById("case-diagram");
  if (caseBox) casePosition(caseBox);
});
