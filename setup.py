"""Build hook: the wheel and the sdist carry the bundled front-end assets.

The pages load bpmn-js bundles from ``web/static/build/`` (made by ``node build/assets.mjs``
from ``frontend/`` and npm packages; git ignores them). Building from the repository with
node and ``node_modules`` present bundles them afresh; building from an sdist (no
``node_modules``) uses the bundles the sdist carries. Without either, a wheel or sdist build
fails with one line saying what to run: a package without them answers 404 for the diagrams
and the modeler. An editable install only warns (``make assets`` comes after it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

ROOT = Path(__file__).resolve().parent
ASSETS = ROOT / "web" / "static" / "build"
REQUIRED = ("viewer.js", "viewer.css", "modeler.js", "modeler.css", "bpmn-navigated-viewer.js")
HINT = "run `npm ci && node build/assets.mjs` (or `make assets`) in the repository first"


def bundle_assets(required: bool) -> None:
    node = shutil.which("node")
    if node and (ROOT / "node_modules").is_dir() and (ROOT / "build" / "assets.mjs").is_file():
        subprocess.run([node, "build/assets.mjs"], cwd=ROOT, check=True)
    missing = [name for name in REQUIRED if not (ASSETS / name).is_file()]
    if not missing:
        return
    message = f"samverkan: front-end assets missing in web/static/build ({', '.join(missing)}): {HINT}"
    if required:
        raise SystemExit(message)
    print(f"warning: {message}", file=sys.stderr)


class BuildPy(build_py):
    def run(self) -> None:
        bundle_assets(required=not getattr(self, "editable_mode", False))
        super().run()


class Sdist(sdist):
    def run(self) -> None:
        bundle_assets(required=True)
        super().run()


# build/ holds our asset scripts: setuptools builds elsewhere (and so does not prune build/ from the sdist).
setup(cmdclass={"build_py": BuildPy, "sdist": Sdist}, options={"build": {"build_base": ".setuptools-build"}})
