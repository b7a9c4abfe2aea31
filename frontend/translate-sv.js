// Swedish for the modeler: bpmn-js, its properties panel and bpmnlint, through bpmn-js's
// `translate` service. bpmn-js-i18n (npm) has no Swedish file and covers neither the properties
// panel nor bpmnlint, so the words are ours, in frontend/sv/.
import BPMN_JS from "./sv/bpmn-js.js";
import PANEL from "./sv/properties-panel.js";
import LINT, { PATTERNS, lintButton } from "./sv/bpmnlint.js";
import { translateEvent } from "./sv/events.js";

const SV = { ...BPMN_JS, ...PANEL, ...LINT };
const BY_LOWER_CASE = new Map(Object.entries(SV).map(([en, sv]) => [en.toLowerCase(), sv]));
const FUNCTIONS = { "{errors} Errors, {warnings} Warnings": lintButton };
const has = (object, key) => Object.prototype.hasOwnProperty.call(object, key);

/** English templates asked for but not translated (read by the browser tests). */
export const untranslated = new Set();

function lookup(template, replacements) {
  if (has(FUNCTIONS, template)) return FUNCTIONS[template](replacements || {});
  if (has(SV, template)) return SV[template];
  // The properties panel header spells types in title case ("User Task", "Sequence Flow").
  const lower = BY_LOWER_CASE.get(template.toLowerCase());
  if (lower !== undefined) return lower;
  const event = translateEvent(template);
  if (event) return event;
  for (const [pattern, build] of PATTERNS) {
    const match = pattern.exec(template);
    if (match) return build(match);
  }
  return null;
}

export function translate(template, replacements) {
  let text = lookup(String(template), replacements);
  if (text === null) {
    untranslated.add(template);
    text = String(template);
  }
  return text.replace(/{([^}]+)}/g, (_, key) => (replacements && key in replacements ? replacements[key] : `{${key}}`));
}

/**
 * The popup menu's live search count ("3 results found") is English text in diagram-js, not a
 * template. Preact renders it as text nodes [count, " ", "results", " found"] and keeps updating
 * those nodes, so only the words are rewritten, in place, never the nodes themselves.
 */
const COUNT_WORDS = { result: "träff", results: "träffar", " found": "" };

function PopupMenuText(canvas) {
  const container = canvas.getContainer();
  const rewrite = () => {
    for (const count of container.querySelectorAll(".djs-popup-search-count")) {
      for (const node of count.childNodes) {
        if (node.nodeType === Node.TEXT_NODE && has(COUNT_WORDS, node.data)) node.data = COUNT_WORDS[node.data];
      }
    }
  };
  new MutationObserver(rewrite).observe(container, { subtree: true, childList: true, characterData: true });
}
PopupMenuText.$inject = ["canvas"];

/**
 * @bpmn-io/properties-panel's groups fall back to English ("Toggle section", "Create") unless a
 * group carries `translate`; bpmn-js-properties-panel does not pass it, so this last provider does.
 */
function TranslatedGroups(propertiesPanel) {
  propertiesPanel.registerProvider(1, this);
}
TranslatedGroups.$inject = ["propertiesPanel"];
TranslatedGroups.prototype.getGroups = () => (groups) => groups.map((group) => ({ translate, ...group }));

/** The modeler's module: translate plus the popup menu text. */
export default {
  __init__: ["swedishPopupMenuText"],
  translate: ["value", translate],
  swedishPopupMenuText: ["type", PopupMenuText],
};

/** For a modeler with the properties panel. */
export const TranslatedPanelModule = {
  __init__: ["swedishPanelGroups"],
  swedishPanelGroups: ["type", TranslatedGroups],
};
