"""The sdist and wheel hold everything: built from the repository, installed in a fresh venv
outside it, ``samverkan init`` and ``samverkan serve --workers 2`` work and a browser sees the
overview diagram and the modeler load (no 404 for a bundled asset).

The fresh venv gets the package from the wheel only; its dependencies come from the test venv
through a ``.pth`` line (no download; a ``.pth`` line adds a folder but runs none of the test
venv's own ``.pth`` files, so the editable install of the repository stays out).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile
from collections.abc import Iterator
from email.parser import Parser
from pathlib import Path

import pytest
from playwright.sync_api import Page, Response, expect

from tests.browser import base_url, browser_type_launch_args  # noqa: F401
from tests.browserless import Visitor

ROOT = Path(__file__).resolve().parent.parent
PACKAGED = [
    "web/static/build/viewer.js",
    "web/static/build/modeler.js",
    "web/static/build/modeler.css",
    "web/static/build/bpmn-navigated-viewer.js",
    "web/templates/overview.html",
    "web/templates/tillganglighet.html",
    "web/static/samverkan.css",
    "samverkan_data/bpmn/samverkansstod.bpmn",
    "samverkan_data/bpmn/samverkansstod.toml",
    "samverkan_data/forms/bedomning.json",
    "engine/migrations/env.py",
    "engine/migrations/versions/0001_initial_schema.py",
]
PASSWORD = "lösenord-123"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """``python -m build``: the sdist from the repository, then the wheel from the sdist."""
    out = tmp_path_factory.mktemp("dist")
    built = subprocess.run(
        [sys.executable, "-m", "build", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    return out


def test_the_sdist_and_the_wheel_hold_everything(dist: Path) -> None:
    [sdist] = dist.glob("samverkan-*.tar.gz")
    with tarfile.open(sdist) as archive:
        top = archive.getnames()[0].split("/")[0]
        in_sdist = {name.removeprefix(f"{top}/") for name in archive.getnames()}
    [wheel] = dist.glob("samverkan-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        in_wheel = set(archive.namelist())
        metadata = Parser().parsestr(
            archive.read(next(n for n in in_wheel if n.endswith(".dist-info/METADATA"))).decode()
        )
    assert set(PACKAGED) <= in_sdist and set(PACKAGED) <= in_wheel
    assert {"frontend/modeler.js", "build/assets.mjs", "package-lock.json", "deploy/samverkan-web.service"} <= in_sdist
    assert not any("tools/" in name or name.endswith("axe.min.js") for name in in_wheel)
    required = {line.split(";")[0].replace(" ", "") for line in metadata.get_all("Requires-Dist") or []}
    assert {"gunicorn==27.0.1", "prometheus-client==0.26.0"} <= required


@pytest.fixture(scope="module")
def installed(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    [wheel] = dist.glob("samverkan-*.whl")
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)]
    subprocess.run(pip, check=True, timeout=300)
    site = Path(
        subprocess.check_output(
            [str(venv / "bin" / "python"), "-c", "import site; print(site.getsitepackages()[0])"], text=True
        ).strip()
    )
    (site / "dependencies-from-the-test-venv.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv


def _environment() -> dict[str, str]:
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SAMVERKAN_", "PYTHON", "VIRTUAL_ENV")) and k != "DATABASE_URL"
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(installed: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    place = tmp_path_factory.mktemp("drift")
    samverkan = str(installed / "bin" / "samverkan")
    python = str(installed / "bin" / "python")
    env = _environment()
    where = subprocess.check_output(
        [python, "-c", "import web, samverkan_data; print(web.__file__, samverkan_data.__file__)"],
        cwd=place,
        env=env,
        text=True,
    )
    assert all(path.startswith(str(installed)) for path in where.split()), where
    init = subprocess.run(
        [samverkan, "init"], cwd=place, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert init.returncode == 0 and "Databasen är klar." in init.stdout, init.stderr
    add = [samverkan, "user", "add", "ulla", "--role", "chef", "--role", "processagare", "--password", PASSWORD]
    subprocess.run(add, cwd=place, env=env, check=True, capture_output=True, timeout=120)
    port = _free_port()
    log = (place / "serve.log").open("w")
    process = subprocess.Popen(
        [samverkan, "serve", "--workers", "2", "--port", str(port)], cwd=place, env=env, stdout=log, stderr=log
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # a guard against hanging, not a speed claim
    while time.monotonic() < deadline:
        try:
            if Visitor(base).get("/api/v1/health").status == 200:
                break
        except OSError:
            time.sleep(0.2)
    else:
        raise AssertionError((place / "serve.log").read_text())
    yield base
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    log.close()


def test_the_installed_package_serves_the_diagram_and_the_modeler(page: Page, server: str) -> None:
    page.set_default_timeout(20_000)
    failed: list[str] = []

    def note(response: Response) -> None:
        if response.status >= 400:
            failed.append(f"{response.status} {response.url}")

    page.on("response", note)
    page.goto(f"{server}/login")
    page.get_by_label("Användarnamn").fill("ulla")
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Att göra")
    page.goto(f"{server}/overview")
    expect(page.locator('.djs-element[data-element-id="bedomning"]')).to_be_visible()
    page.goto(f"{server}/modeler/samverkansstod")
    expect(page.locator(".djs-palette")).to_be_visible()
    expect(page.locator('.djs-element[data-element-id="namndbeslut"]')).to_be_visible()
    assert failed == []
