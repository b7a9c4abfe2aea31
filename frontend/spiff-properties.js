// Properties panel group "Samverkan": the spiffworkflow extension properties our engine reads
// (phase, form, action), stored as <spiffworkflow:properties><spiffworkflow:property .../>.
import { SelectEntry, TextFieldEntry, isSelectEntryEdited, isTextFieldEntryEdited } from "@bpmn-io/properties-panel";
import { useService } from "bpmn-js-properties-panel";
import { getBusinessObject, is, isAny } from "bpmn-js/lib/util/ModelUtil";
import { jsx } from "@bpmn-io/properties-panel/preact/jsx-runtime";

export const PHASES = [
  "Initiering",
  "Ansökan och bedömning",
  "Beslut",
  "Samarbete",
  "Genomförande och uppföljning",
  "Avslut",
];

function propertiesOf(bo) {
  const ext = bo.get("extensionElements");
  return ext && ext.get("values").find((v) => is(v, "spiffworkflow:Properties"));
}

export function getProperty(element, name) {
  const props = propertiesOf(getBusinessObject(element));
  const prop = props && props.get("values").find((p) => p.name === name);
  return prop ? prop.value || "" : "";
}

function setProperty(element, name, value, { modeling, bpmnFactory, commandStack }) {
  const bo = getBusinessObject(element);
  const commands = [];
  let ext = bo.get("extensionElements");
  if (!ext) {
    ext = bpmnFactory.create("bpmn:ExtensionElements", { values: [] });
    ext.$parent = bo;
    commands.push({ cmd: "element.updateModdleProperties", context: { element, moddleElement: bo, properties: { extensionElements: ext } } });
  }
  let props = propertiesOf(bo);
  if (!props) {
    props = bpmnFactory.create("spiffworkflow:Properties", { values: [] });
    props.$parent = ext;
    commands.push({ cmd: "element.updateModdleProperties", context: { element, moddleElement: ext, properties: { values: [...ext.get("values"), props] } } });
  }
  const existing = props.get("values").find((p) => p.name === name);
  if (existing && value) {
    commands.push({ cmd: "element.updateModdleProperties", context: { element, moddleElement: existing, properties: { value } } });
  } else if (existing) {
    commands.push({ cmd: "element.updateModdleProperties", context: { element, moddleElement: props, properties: { values: props.get("values").filter((p) => p !== existing) } } });
  } else if (value) {
    const prop = bpmnFactory.create("spiffworkflow:Property", { name, value });
    prop.$parent = props;
    commands.push({ cmd: "element.updateModdleProperties", context: { element, moddleElement: props, properties: { values: [...props.get("values"), prop] } } });
  }
  if (commands.length) commandStack.execute("properties-panel.multi-command-executor", commands);
  void modeling;
}

function useServices() {
  return {
    modeling: useService("modeling"),
    bpmnFactory: useService("bpmnFactory"),
    commandStack: useService("commandStack"),
    debounce: useService("debounceInput"),
  };
}

function PhaseEntry({ element, id }) {
  const services = useServices();
  return jsx(SelectEntry, {
    element,
    id,
    label: "Fas",
    getValue: () => getProperty(element, "phase"),
    setValue: (value) => setProperty(element, "phase", value, services),
    getOptions: () => [{ value: "", label: "(ingen)" }, ...PHASES.map((p) => ({ value: p, label: p }))],
  });
}

function FormEntry({ element, id }) {
  const services = useServices();
  return jsx(TextFieldEntry, {
    element,
    id,
    label: "Formulär (forms/<namn>.json)",
    description: "Tomt: formuläret heter som uppgiftens id.",
    getValue: () => getProperty(element, "form"),
    setValue: (value) => setProperty(element, "form", (value || "").trim(), services),
    debounce: services.debounce,
  });
}

function ActionEntry({ element, id }) {
  const services = useServices();
  return jsx(SelectEntry, {
    element,
    id,
    label: "Timerns åtgärd",
    getValue: () => getProperty(element, "action"),
    setValue: (value) => setProperty(element, "action", value, services),
    getOptions: () => [
      { value: "", label: "(ingen)" },
      { value: "reminder", label: "Påminnelse (reminder)" },
      { value: "escalation", label: "Eskalering (escalation)" },
    ],
  });
}

function hasTimer(bo) {
  return (bo.get("eventDefinitions") || []).some((d) => is(d, "bpmn:TimerEventDefinition"));
}

export default function SpiffPropertiesProvider(propertiesPanel) {
  propertiesPanel.registerProvider(400, this);
}
SpiffPropertiesProvider.$inject = ["propertiesPanel"];

SpiffPropertiesProvider.prototype.getGroups = function (element) {
  return function (groups) {
    const bo = getBusinessObject(element);
    const entries = [];
    if (isAny(bo, ["bpmn:UserTask", "bpmn:Event"])) {
      entries.push({ id: "samverkan-phase", element, component: PhaseEntry, isEdited: isSelectEntryEdited });
    }
    if (is(bo, "bpmn:UserTask")) {
      entries.push({ id: "samverkan-form", element, component: FormEntry, isEdited: isTextFieldEntryEdited });
    }
    if (is(bo, "bpmn:BoundaryEvent") && hasTimer(bo)) {
      entries.push({ id: "samverkan-action", element, component: ActionEntry, isEdited: isSelectEntryEdited });
    }
    if (entries.length) {
      groups.splice(1, 0, { id: "samverkan", label: "Samverkan", entries });
    }
    return groups;
  };
};

export const SpiffPropertiesModule = {
  __init__: ["spiffPropertiesProvider"],
  spiffPropertiesProvider: ["type", SpiffPropertiesProvider],
};
