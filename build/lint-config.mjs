// The modeler's bpmnlint rules: a bpmnlint config plus our overrides and rules, shared by the
// browser bundle (build/assets.mjs) and the command-line check (build/lint-model.mjs).
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** Our own rules: name in the config -> module (bpmnlint reads "samverkan/x" as package bpmnlint-plugin-samverkan). */
export const LOCAL_RULES = {
  "samverkan/concurrent-join": "frontend/lint/concurrent-join.cjs",
};

export const OVERRIDES = {
  // Our processes have one blank start event per way a case begins (aktörs-/stadsinitiativ).
  "single-blank-start-event": "off",
  // Our convention merges exclusive alternatives at the activity, with no merging gateway (every
  // exclusive gateway is a decision with conditions, tests/test_model_static.py); fake-join flags
  // all six such merges in samverkansstod.bpmn. samverkan/concurrent-join keeps what fake-join
  // guards against: flows that can carry tokens at the same time (see the rule's comment).
  "fake-join": "off",
  "samverkan/concurrent-join": "warn",
};

export function lintRules(name) {
  return { ...require(`bpmnlint/config/${name}`).rules, ...OVERRIDES };
}

/** Where a rule name's module is: our own, or one of bpmnlint's. */
export function ruleModule(name) {
  return LOCAL_RULES[name] ? `./${LOCAL_RULES[name]}` : `bpmnlint/rules/${name}`;
}

/** The key bpmnlint's resolver is asked for: package and rule name, as Linter#parseRuleName splits them. */
export function ruleKey(name) {
  const [plugin, rule] = name.includes("/") ? name.split("/") : ["", name];
  return plugin ? `bpmnlint-plugin-${plugin}/${rule}` : `bpmnlint/${rule}`;
}
