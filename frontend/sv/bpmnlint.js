// Swedish for bpmn-js-bpmnlint (button, overlays) and the bpmnlint rule messages, which the
// plugin passes to `translate` as they are. Messages with a name in them are PATTERNS.
const SUBJECTS = { Process: "Processen", SubProcess: "Delprocessen", "Sub process": "Delprocessen" };
const subject = (type) => SUBJECTS[type] || type;

export default {
  "Toggle linting overlays": "Visa eller dölj modellkontrollens markeringar",
  "No Issues": "Inga anmärkningar",
  "Issues for child elements": "Anmärkningar på underliggande element",
  // bpmnlint rules (bpmnlint/rules/*.js)
  "Element is missing bpmndi": "Elementet saknar diagraminformation (BPMN DI)",
  "Element is outside of parent boundary": "Elementet ligger utanför sin omgivande ram",
  "Element overlaps with other element": "Elementet överlappar ett annat element",
  "A <Sequence Flow> outgoing from an <Event-based Gateway> must not be conditional":
    "Ett sekvensflöde från en händelsebaserad gateway får inte ha villkor",
  "Sequence flow is missing condition": "Sekvensflödet saknar villkor",
  "A <Start Event> is not allowed in <Ad Hoc Sub Process>": "En starthändelse får inte ligga i en ad hoc-delprocess",
  "An <End Event> is not allowed in <Ad Hoc Sub Process>": "En sluthändelse får inte ligga i en ad hoc-delprocess",
  "Start event is missing event definition": "Starthändelsen saknar händelsetyp",
  "Start event must be blank": "Starthändelsen måste vara utan händelsetyp",
  "Link event is missing link name": "Länkhändelsen saknar länknamn",
  "An <Event-based Gateway> must have at least 2 outgoing <Sequence Flows>":
    "En händelsebaserad gateway måste ha minst två utgående sekvensflöden",
  "Conditional event is missing a condition": "Villkorshändelsen saknar villkor",
  "Element is an implicit end": "Flödet slutar här utan sluthändelse",
  "Element is an implicit start": "Flödet börjar här utan starthändelse",
  "Element is missing label/name": "Elementet saknar namn",
  "Element is not connected": "Elementet är inte kopplat till flödet",
  "Event has multiple event definitions": "Händelsen har flera händelsetyper",
  "Flow splits implicitly": "Flödet delas utan gateway",
  "Gateway forks and joins": "Gatewayen både förenar och delar flöden",
  "Gateway is superfluous. It only has one source and target.":
    "Gatewayen är överflödig: den har bara ett inkommande och ett utgående flöde.",
  "Incoming flows do not join": "Flera inkommande flöden utan förenande gateway",
  // frontend/lint/concurrent-join.cjs
  "Incoming flows can arrive together and do not join":
    "Inkommande flöden kan komma samtidigt men förenas inte (steget körs en gång per flöde): lägg en parallell gateway före",
  "Sequence flow has superfluous label": "Sekvensflödet har en överflödig etikett",
  "SequenceFlow is a duplicate": "Sekvensflödet är en dubblett",
  "Termination is superfluous.": "Sluthändelsen av typen avsluta allt är överflödig.",
  "Element is missing name": "Elementet saknar namn",
  "Element is unused": "Elementet används inte",
  "Element name is not unique": "Elementets namn är inte unikt",
  "Duplicate outgoing sequence flows": "Dubbla utgående sekvensflöden",
  "Duplicate incoming sequence flows": "Dubbla inkommande sekvensflöden",
};

export const PATTERNS = [
  [/^(.+) has multiple blank start events$/, (m) => `${subject(m[1])} har flera starthändelser utan händelsetyp`],
  [/^(.+) is missing end event$/, (m) => `${subject(m[1])} saknar sluthändelse`],
  [/^(.+) is missing start event$/, (m) => `${subject(m[1])} saknar starthändelse`],
  [/^Element type <(.+)> is discouraged$/, (m) => `Elementtypen <${m[1]}> bör undvikas`],
  [/^Duplicate link catch event with link name <(.*)> in scope$/, (m) => `Flera väntande länkhändelser heter <${m[1]}>`],
  [
    /^Link (catch|throw) event with link name <(.*)> missing in scope$/,
    (m) => `Det finns ingen ${m[1] === "catch" ? "väntande" : "utlösande"} länkhändelse som heter <${m[2]}>`,
  ],
];

/** The lint button: "0 fel, 1 varning", with the plural bpmn-js-bpmnlint leaves to us. */
export function lintButton(replacements) {
  const warnings = Number(replacements.warnings);
  return `${replacements.errors} fel, ${warnings} ${warnings === 1 ? "varning" : "varningar"}`;
}
