// Typed BPMN events in Swedish, composed from their parts: the replace menu says "Timer boundary
// event (non-interrupting)", the properties panel header "Timer Boundary Event (Non Interrupting)".
const KINDS = {
  start: "Starthändelse",
  end: "Sluthändelse",
  boundary: "Gränshändelse",
  "intermediate catch": "Mellanliggande väntande händelse",
  "intermediate throw": "Mellanliggande utlösande händelse",
};
const DEFINITIONS = {
  message: "meddelande",
  timer: "timer",
  conditional: "villkor",
  signal: "signal",
  error: "fel",
  escalation: "eskalering",
  compensation: "kompensation",
  compensate: "kompensation",
  link: "länk",
  cancel: "annullering",
  terminate: "avsluta allt",
};
const EVENT = /^(?:(\w+) )?(start|end|boundary|intermediate catch|intermediate throw) event(?: \((non[- ]interrupting)\))?$/i;

export function translateEvent(text) {
  const match = EVENT.exec(text);
  if (!match) return null;
  const [, definition, kind, nonInterrupting] = match;
  const what = definition ? DEFINITIONS[definition.toLowerCase()] : null;
  if (definition && !what) return null;
  const details = [what, nonInterrupting && "icke-avbrytande"].filter(Boolean);
  return details.length ? `${KINDS[kind.toLowerCase()]} (${details.join(", ")})` : KINDS[kind.toLowerCase()];
}
