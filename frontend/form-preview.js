// A read-only preview of a task's form from its JSON Schema: fields in order, as a list.
export function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

const WIDGETS = {
  text: "text",
  textarea: "lång text",
  sek: "belopp i kronor",
  date: "datum",
  radio: "val",
  select: "val",
  checkbox: "kryssruta",
  list: "lista",
  file: "fil",
};

function describe(field) {
  const widget = field["x-widget"];
  if (widget && WIDGETS[widget]) return WIDGETS[widget];
  if (field.enum) return "val";
  if (field.format === "date") return "datum";
  return { string: "text", integer: "heltal", number: "tal", boolean: "ja/nej", array: "lista", object: "grupp" }[field.type] || "fält";
}

function fields(schema) {
  const required = new Set(schema.required || []);
  const items = Object.entries(schema.properties || {}).map(([key, field]) => {
    const title = field.title || key;
    const options = field.enum ? ` (${(field["x-enum-titles"] || field.enum).map(escape).join(", ")})` : "";
    const nested = field.type === "object" && field.properties ? fields(field) : "";
    const rows = field.type === "array" && field.items && field.items.properties ? fields(field.items) : "";
    return `<li><strong>${escape(title)}</strong> – ${describe(field)}${options}${required.has(key) ? ", obligatoriskt" : ""}
      ${field.description ? `<br><span class="hint">${escape(field.description)}</span>` : ""}${nested}${rows}</li>`;
  });
  return `<ul class="form-preview__fields">${items.join("")}</ul>`;
}

export function renderFormPreview(name, schema) {
  return `<h3>${escape(schema.title || name)}</h3>
    <p class="hint">forms/${escape(name)}.json${schema.description ? ` – ${escape(schema.description)}` : ""}</p>
    ${fields(schema)}`;
}
