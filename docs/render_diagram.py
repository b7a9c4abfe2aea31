"""Render a BPMN file to PNG with bpmn-js in a local Chromium (no network).

Usage (from the repository root):

    .venv/bin/python docs/render_diagram.py [samverkan_data/bpmn/samverkansstod.bpmn] [docs/samverkansstod.png]

Needs node_modules/bpmn-js (npm) and Debian's /usr/bin/chromium. Never downloads browsers.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
BPMN_JS = ROOT / "node_modules" / "bpmn-js" / "dist"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PAGE = """<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>BPMN</title>
<style>html, body { margin: 0; padding: 0; background: #fff; }
#canvas { width: %(w)dpx; height: %(h)dpx; }</style></head>
<body><div id="canvas"></div></body></html>"""

RENDER = """async (xml) => {
  const viewer = new BpmnJS({ container: '#canvas' });
  const result = await viewer.importXML(xml);
  const canvas = viewer.get('canvas');
  canvas.zoom('fit-viewport', 'auto');
  return { warnings: result.warnings.map((w) => w.message) };
}"""


def render(bpmn: Path, png: Path, width: int = 4700, height: int = 1000) -> list[str]:
    xml = bpmn.read_text(encoding="utf-8")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            # Refuse every request: the page must not touch the network.
            page.route("**/*", lambda route: route.abort())
            page.set_content(PAGE % {"w": width, "h": height})
            for css in ("diagram-js.css", "bpmn-js.css"):
                page.add_style_tag(content=(BPMN_JS / "assets" / css).read_text(encoding="utf-8"))
            page.add_script_tag(
                content=(BPMN_JS / "bpmn-viewer.production.min.js").read_text(encoding="utf-8")
            )
            outcome = page.evaluate(RENDER, xml)
            page.wait_for_timeout(200)
            page.locator("#canvas").screenshot(path=str(png))
        finally:
            browser.close()
    return list(outcome.get("warnings", []))


def main(argv: list[str]) -> int:
    bpmn = Path(argv[1]) if len(argv) > 1 else ROOT / "samverkan_data" / "bpmn" / "samverkansstod.bpmn"
    png = Path(argv[2]) if len(argv) > 2 else ROOT / "docs" / "samverkansstod.png"
    warnings = render(bpmn, png)
    if warnings:
        print(json.dumps(warnings, ensure_ascii=False, indent=2), file=sys.stderr)
        return 1
    print(f"wrote {png}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
