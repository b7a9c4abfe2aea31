// Lints a BPMN file with the modeler's bpmnlint configuration (or, with --recommended, plain
// bpmnlint:recommended) and prints category, rule, element id and message per report, with the
// element's incoming flows where it has several (to judge joins). Usage:
//   node build/lint-model.mjs [samverkan_data/bpmn/samverkansstod.bpmn] [--recommended]
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { resolve } from "node:path";
// bpmn-moddle comes with bpmnlint (its dependency), the same parser bpmnlint's own CLI uses.
import { BpmnModdle } from "bpmn-moddle";
import { lintRules, ruleKey, ruleModule } from "./lint-config.mjs";

const require = createRequire(import.meta.url);
const { Linter } = require("bpmnlint");

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith("--")) || "samverkan_data/bpmn/samverkansstod.bpmn";
const rules = args.includes("--recommended") ? require("bpmnlint/config/recommended").rules : lintRules("recommended");

const moddle = new BpmnModdle();
const { rootElement, warnings } = await moddle.fromXML(readFileSync(file, "utf8"));
if (warnings.length) console.error(`${warnings.length} import warnings`);
// The browser bundle's resolver, in Node: our rules from frontend/lint/, the rest from bpmnlint.
const modules = Object.fromEntries(Object.keys(rules).map((n) => [ruleKey(n), ruleModule(n)]));
const resolver = {
  resolveRule(pkg, name) {
    const module = modules[`${pkg}/${name}`];
    if (!module) throw new Error(`cannot resolve rule <${pkg}/${name}>`);
    return require(module.startsWith("./") ? resolve(module) : module);
  },
  resolveConfig(pkg, name) {
    throw new Error(`cannot resolve config <${name}> in <${pkg}>`);
  },
};
const linter = new Linter({ config: { rules }, resolver });
const reports = await linter.lint(rootElement);

const flows = [];
(function walk(el) {
  if (!el || typeof el !== "object") return;
  if (el.$type === "bpmn:SequenceFlow") flows.push(el);
  for (const key of ["rootElements", "flowElements"]) (el[key] || []).forEach(walk);
})(rootElement);

let total = 0;
for (const [rule, found] of Object.entries(reports)) {
  for (const r of found) {
    total += 1;
    const into = flows.filter((f) => f.targetRef && f.targetRef.id === r.id);
    const incoming = into.length > 1 ? into.map((f) => `${f.id} (from ${f.sourceRef.id})`).join(", ") : "";
    console.log(`${r.category}\t${rule}\t${r.id}\t${r.message}${incoming ? `\tincoming: ${incoming}` : ""}`);
  }
}
console.log(`${total} reports`);
