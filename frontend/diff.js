// "What changed" between two versions: both diagrams side by side, elements coloured by
// bpmn-js-differ's comparison (added, removed, changed), with the list beside them.
import NavigatedViewer from "bpmn-js/lib/NavigatedViewer";
import { diff } from "bpmn-js-differ";

import "bpmn-js/dist/assets/diagram-js.css";
import "bpmn-js/dist/assets/bpmn-js.css";
import "bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css";

const KINDS = [
  ["_added", "diff-added", "Tillagt i version"],
  ["_removed", "diff-removed", "Borttaget i version"],
  ["_changed", "diff-changed", "Ändrat i version"],
];

async function viewer(container, url) {
  const response = await fetch(url, { credentials: "same-origin" });
  const view = new NavigatedViewer({ container });
  await view.importXML(await response.text());
  view.get("canvas").zoom("fit-viewport");
  const svg = view.get("canvas").getContainer().querySelector(":scope > svg");
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", container.dataset.label);
  return view;
}

function mark(view, id, marker) {
  if (view.get("elementRegistry").get(id)) view.get("canvas").addMarker(id, marker);
}

function label(element) {
  const type = (element.$type || "").replace("bpmn:", "");
  return element.name ? `${element.name} (${type}, ${element.id})` : `${type} ${element.id}`;
}

async function main() {
  const root = document.getElementById("version-diff");
  const cfg = root.dataset;
  const [before, after] = await Promise.all([
    viewer(document.getElementById("diagram-from"), cfg.fromUrl),
    viewer(document.getElementById("diagram-to"), cfg.toUrl),
  ]);
  const result = diff(before.getDefinitions(), after.getDefinitions());
  const list = document.getElementById("diff-list");
  const counts = [];
  for (const [key, marker, words] of KINDS) {
    const found = Object.entries(result[key]);
    counts.push(found.length);
    for (const [id, entry] of found) {
      const element = entry.model || entry;
      if (key !== "_added") mark(before, id, marker);
      if (key !== "_removed") mark(after, id, marker);
      const item = document.createElement("li");
      item.className = marker;
      const version = key === "_removed" ? cfg.from : cfg.to;
      const attrs = entry.attrs ? `: ${Object.keys(entry.attrs).join(", ")}` : "";
      item.textContent = `${words} ${version}: ${label(element)}${attrs}`;
      list.append(item);
    }
  }
  const [added, removed, changed] = counts;
  document.getElementById("diff-status").textContent =
    `${added} tillagda, ${removed} borttagna och ${changed} ändrade element mellan version ${cfg.from} och ${cfg.to}.`;
}

main().catch((err) => {
  document.getElementById("diff-status").textContent = `Jämförelsen kunde inte göras: ${err.message}`;
});
