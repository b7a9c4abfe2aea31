// Copies and bundles front-end assets from node_modules into web/static/build (no CDN).
import { cpSync, mkdirSync } from "node:fs";

const out = "web/static/build";
mkdirSync(out, { recursive: true });
cpSync("node_modules/axe-core/axe.min.js", `${out}/axe.min.js`);
cpSync("node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js", `${out}/bpmn-navigated-viewer.js`);
cpSync("node_modules/bpmn-js/dist/assets", `${out}/bpmn-js`, { recursive: true });
console.log(`assets -> ${out}`);
