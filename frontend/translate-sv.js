// Swedish labels for the parts of bpmn-js and the properties panel that people see most.
const SV = {
  General: "Allmänt",
  Name: "Namn",
  ID: "Id",
  Documentation: "Dokumentation",
  "Element documentation": "Elementets dokumentation",
  Timer: "Timer",
  Type: "Typ",
  Value: "Värde",
  Date: "Datum",
  Duration: "Varaktighet",
  Cycle: "Cykel",
  "<none>": "<ingen>",
  Condition: "Villkor",
  "Condition expression": "Villkorsuttryck",
  "Process ID": "Process-id",
  "Process name": "Processnamn",
  Executable: "Körbar",
  "Element must have a unique ID.": "Elementet måste ha ett unikt id.",
  "ID must not contain spaces.": "Id får inte innehålla mellanslag.",
};

function translate(template, replacements) {
  const text = SV[template] || template;
  return text.replace(/{([^}]+)}/g, (_, key) => (replacements && key in replacements ? replacements[key] : `{${key}}`));
}

export default { translate: ["value", translate] };
