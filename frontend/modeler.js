// The process owners' modeler: bpmn-js Modeler + properties panel + bpmnlint, wired to
// the page's session endpoints (validate, deploy, versions, form preview).
import BpmnModeler from "bpmn-js/lib/Modeler";
import { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule } from "bpmn-js-properties-panel";
import lintModule from "bpmn-js-bpmnlint";
import lintConfig from "bpmnlint-config:recommended";
import spiffModdle from "./spiffworkflow.json";
import { SpiffPropertiesModule, getProperty } from "./spiff-properties.js";
import translateModule, { TranslatedPanelModule, untranslated } from "./translate-sv.js";
import { escape, renderFormPreview } from "./form-preview.js";
import { DiagramView } from "./diagram-view.js";

import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";
import "@bpmn-io/properties-panel/dist/assets/properties-panel.css";
import "bpmn-js-bpmnlint/dist/assets/css/bpmn-js-bpmnlint.css";

const root = document.getElementById("modeler");
const cfg = root.dataset;
const $ = (sel) => root.querySelector(sel);

const modeler = new BpmnModeler({
  container: "#canvas",
  propertiesPanel: { parent: "#properties" },
  linting: { bpmnlint: lintConfig, active: true },
  additionalModules: [
    BpmnPropertiesPanelModule,
    BpmnPropertiesProviderModule,
    SpiffPropertiesModule,
    lintModule,
    translateModule,
    TranslatedPanelModule,
  ],
  moddleExtensions: { spiffworkflow: spiffModdle },
});
window.samverkanModeler = modeler;
window.samverkanUntranslated = untranslated;

const canvas = modeler.get("canvas");
// Fitted on load and whenever the box changes size, until the owner pans or zooms.
const view = new DiagramView(modeler, document.getElementById("canvas"));
const overlays = modeler.get("overlays");
const registry = modeler.get("elementRegistry");
const selection = modeler.get("selection");
let marked = [];

function status(text, kind = "info") {
  const box = $("#modeler-status");
  box.textContent = text;
  box.className = `modeler-status modeler-status--${kind}`;
}

function clearProblems() {
  for (const id of marked) {
    if (registry.get(id)) canvas.removeMarker(id, "samverkan-problem");
  }
  marked = [];
  overlays.remove({ type: "samverkan-problem" });
  $("#problem-list").innerHTML = "";
}

function selectElement(id) {
  const element = registry.get(id);
  if (!element) return;
  selection.select(element);
  canvas.scrollToElement(element);
}

function showProblems(problems, lintIssues = []) {
  clearProblems();
  const list = $("#problem-list");
  const all = [
    ...problems.map((p) => ({ ...p, source: "Server" })),
    ...lintIssues.map((p) => ({ ...p, source: `bpmnlint (${p.category === "error" ? "fel" : "varning"})` })),
  ];
  for (const problem of all) {
    const li = document.createElement("li");
    const label = problem.element_id ? `${problem.element_id}: ${problem.message}` : problem.message;
    if (problem.element_id && registry.get(problem.element_id)) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button button--link problem-link";
      button.textContent = label;
      button.addEventListener("click", () => selectElement(problem.element_id));
      li.append(`${problem.source}: `, button);
      if (problem.source === "Server") {
        canvas.addMarker(problem.element_id, "samverkan-problem");
        marked.push(problem.element_id);
        overlays.add(problem.element_id, "samverkan-problem", {
          position: { bottom: 4, left: 0 },
          html: `<div class="problem-overlay" role="note">${escape(problem.message)}</div>`,
        });
      }
    } else {
      li.textContent = `${problem.source}: ${label}`;
    }
    list.append(li);
  }
  return all.length;
}

/** bpmnlint's errors and warnings as text, for the problem list (its overlays show only on hover). */
async function lintIssues() {
  const linting = modeler.get("linting");
  const translate = modeler.get("translate");
  // linting.lint() answers reports per rule name: { rule: [{ id, message, category }] }.
  const byRule = await linting.lint();
  const found = [];
  for (const [rule, reports] of Object.entries(byRule || {})) {
    for (const report of reports) {
      found.push({ element_id: report.id, category: report.category, message: `${translate(report.message)} (${rule})` });
    }
  }
  return found;
}

async function currentXml() {
  const { xml } = await modeler.saveXML({ format: true });
  return xml;
}

async function post(url, fields) {
  const body = new FormData();
  body.append("csrf_token", cfg.csrf);
  for (const [key, value] of Object.entries(fields)) body.append(key, value);
  const response = await fetch(url, { method: "POST", body, credentials: "same-origin" });
  const data = await response.json().catch(() => ({}));
  return { status: response.status, data };
}

function xmlBlob(xml) {
  return new Blob([xml], { type: "application/xml" });
}

async function validate() {
  status("Validerar …");
  const xml = await currentXml();
  const [{ status: code, data }, lint] = await Promise.all([
    post(cfg.validateUrl, { file: xmlBlob(xml) }),
    lintIssues(),
  ]);
  if (code !== 200) {
    status((data.error && data.error.message) || "Valideringen misslyckades.", "error");
    return false;
  }
  const count = showProblems(data.problems, lint);
  if (data.problems.length) {
    status(`Processen har ${data.problems.length} fel som hindrar driftsättning.`, "error");
    return false;
  }
  status(count ? `Inga fel som hindrar driftsättning (${count} anmärkningar från bpmnlint).` : "Inga fel hittades.", "ok");
  return true;
}

async function deploy() {
  if (!(await validate())) return;
  status("Driftsätter …");
  const xml = await currentXml();
  const { status: code, data } = await post(cfg.deployUrl, { file: xmlBlob(xml), comment: $("#deploy-comment").value });
  if (code === 201 || code === 200) {
    status(
      data.created ? `Version ${data.version} är driftsatt.` : `Ingen ändring: samma som version ${data.version}.`,
      "ok",
    );
    $("#deploy-comment").value = "";
    const versions = await refreshVersions();
    if (data.created && versions) offerMigration(versions, data.version);
  } else if (code === 422 && data.error) {
    showProblems(data.error.details || []);
    status(data.error.message, "error");
  } else {
    status((data.error && data.error.message) || "Driftsättningen misslyckades.", "error");
  }
}

// Running cases stay on their versions; right after a deploy the owner is offered the preview of moving them.
function offerMigration(versions, deployed) {
  const waiting = Object.entries(versions.active_by_version).filter(([v, n]) => n > 0 && Number(v) !== deployed);
  if (!waiting.length) return;
  const total = waiting.reduce((sum, [, n]) => sum + n, 0);
  const offer = $("#migration-offer");
  const url = `${versions.migration_url}?from=${waiting[0][0]}&to=${deployed}`;
  offer.innerHTML = `${total} pågående ${total === 1 ? "ärende körs" : "ärenden körs"} på äldre versioner.
    <a href="${escape(url)}">Förhandsvisa flytt av pågående ärenden till version ${deployed}</a>`;
  offer.hidden = false;
}

function rollbackForm(v) {
  return `<form method="post" action="${escape(v.rollback_url)}"><input type="hidden" name="csrf_token" value="${escape(cfg.csrf)}">
    <button type="submit" class="button">Återställ version ${v.version}</button></form>`;
}

async function refreshVersions() {
  const response = await fetch(cfg.versionsUrl, { credentials: "same-origin" });
  if (!response.ok) return null;
  const data = await response.json();
  const body = $("#versions tbody");
  body.innerHTML = data.versions
    .slice()
    .reverse()
    .map(
      (v) => `<tr><td>${v.version}</td><td>${escape(v.deployed_by || "")}</td><td>${escape(v.deployed_label)}</td>
        <td>${escape(v.comment || "")}${v.based_on ? ` (bygger på version ${v.based_on})` : ""}</td><td>${v.active_cases}</td>
        <td><a href="${escape(v.download_url)}" download>Ladda ner version ${v.version}</a></td>
        <td>${v.migrate_url ? `<a href="${escape(v.migrate_url)}">Flytta ärenden från version ${v.version}</a>` : ""}</td>
        <td>${v.rollback_url ? rollbackForm(v) : ""}</td></tr>`,
    )
    .join("");
  $("#older-cases").textContent = data.older_summary;
  return data;
}

function download() {
  currentXml().then((xml) => {
    const link = document.createElement("a");
    link.href = URL.createObjectURL(xmlBlob(xml));
    link.download = `${cfg.processId}.bpmn`;
    document.body.append(link);
    link.click();
    link.remove();
  });
}

async function load(xml, message) {
  try {
    const { warnings } = await modeler.importXML(xml);
    clearProblems();
    view.fit();
    status(warnings.length ? `${message} (${warnings.length} varningar vid inläsning).` : message, "ok");
  } catch (err) {
    const text = /no diagram to display|inget diagram att visa/.test(err.message)
      ? "Filen saknar diagram (BPMN DI) och kan inte visas; rita den i en modellerare som sparar diagrammet."
      : `Filen kunde inte läsas: ${err.message}`;
    status(text, "error");
  }
}

async function previewForm(element) {
  const box = $("#form-preview");
  if (!element || element.type !== "bpmn:UserTask") {
    box.innerHTML = "<p>Välj en användaruppgift för att se dess formulär.</p>";
    return;
  }
  const name = getProperty(element, "form") || element.id;
  const response = await fetch(`${cfg.formsUrl}${encodeURIComponent(name)}.json`, { credentials: "same-origin" });
  if (!response.ok) {
    box.innerHTML = `<p>Formuläret forms/${escape(name)}.json finns inte.</p>`;
    return;
  }
  box.innerHTML = renderFormPreview(name, await response.json());
}

modeler.get("eventBus").on("selection.changed", ({ newSelection }) => {
  previewForm(newSelection.length === 1 ? newSelection[0] : null);
});

$("#btn-validate").addEventListener("click", validate);
$("#btn-deploy").addEventListener("click", deploy);
$("#btn-download").addEventListener("click", download);
$("#btn-undo").addEventListener("click", () => modeler.get("commandStack").undo());
$("#btn-redo").addEventListener("click", () => modeler.get("commandStack").redo());
$("#btn-zoom-in").addEventListener("click", () => view.zoom(1));
$("#btn-zoom-out").addEventListener("click", () => view.zoom(-1));
$("#btn-fit").addEventListener("click", () => view.fit());
$("#upload").addEventListener("change", async (event) => {
  const [file] = event.target.files;
  if (file) await load(await file.text(), `${file.name} är inläst. Validera och driftsätt för att spara.`);
  event.target.value = "";
});

fetch(cfg.xmlUrl, { credentials: "same-origin" })
  .then((r) => r.text())
  .then((xml) => load(xml, `Version ${cfg.version} är inläst.`));
