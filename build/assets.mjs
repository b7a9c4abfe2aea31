// Copies and bundles front-end assets from node_modules into web/static/build (no CDN).
import { cpSync, mkdirSync } from "node:fs";
import * as esbuild from "esbuild";
import { lintRules, ruleKey, ruleModule } from "./lint-config.mjs";

const out = "web/static/build";
mkdirSync(out, { recursive: true });
cpSync("node_modules/axe-core/axe.min.js", `${out}/axe.min.js`);
cpSync("node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js", `${out}/bpmn-navigated-viewer.js`);
cpSync("node_modules/bpmn-js/dist/assets", `${out}/bpmn-js`, { recursive: true });

// `import config from "bpmnlint-config:recommended"` packs a bpmnlint config for the browser
// (what bpmnlint-pack-config does): every rule module imported, a resolver over them.
const bpmnlintConfig = {
  name: "bpmnlint-config",
  setup(build) {
    build.onResolve({ filter: /^bpmnlint-config:/ }, (args) => ({ path: args.path.split(":")[1], namespace: "bpmnlint-config" }));
    build.onLoad({ filter: /.*/, namespace: "bpmnlint-config" }, (args) => {
      const rules = lintRules(args.path);
      const names = Object.keys(rules);
      const imports = names.map((n, i) => `import rule${i} from "${ruleModule(n)}";`).join("\n");
      const cache = names.map((n, i) => `  "${ruleKey(n)}": rule${i},`).join("\n");
      return {
        resolveDir: process.cwd(),
        contents: `${imports}
const cache = {
${cache}
};
export const resolver = {
  resolveRule(pkg, name) {
    const rule = cache[pkg + "/" + name];
    if (!rule) throw new Error("cannot resolve rule <" + pkg + "/" + name + ">");
    return rule;
  },
  resolveConfig(pkg, name) {
    throw new Error("cannot resolve config <" + name + "> in <" + pkg + ">");
  },
};
export const config = { rules: ${JSON.stringify(rules)} };
export default { resolver, config };
`,
      };
    });
  },
};

await esbuild.build({
  entryPoints: { modeler: "frontend/modeler.js", viewer: "frontend/viewer.js", diff: "frontend/diff.js" },
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2020",
  outdir: out,
  loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file", ".json": "json" },
  jsx: "automatic",
  jsxImportSource: "@bpmn-io/properties-panel/preact",
  plugins: [bpmnlintConfig],
  define: { "process.env.NODE_ENV": "\"production\"" },
  logLevel: "warning",
});
console.log(`assets -> ${out}`);
