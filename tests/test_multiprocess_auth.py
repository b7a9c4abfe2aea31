"""Sessions, logout, tokens and the login limit across four gunicorn worker processes.

The server is ``samverkan serve --workers 4`` on an instance folder that ``samverkan init`` just
made. Each worker has its own engine and memory; only the database and the instance folder are
shared. No ``SAMVERKAN_SECRET_KEY`` is set: the workers must agree on the key kept there.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine import accounts
from engine.context import Samverkan
from tests.browserless import Visitor

SAMVERKAN = str(Path(sys.executable).parent / "samverkan")
WORKERS = 4
PASSWORD = "rätt-lösenord"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def gunicorn(engine: Samverkan, database_url: str, tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMVERKAN_")}
    env.update(DATABASE_URL=database_url, SAMVERKAN_HOME=str(tmp_path / "ny-instans"))
    subprocess.run([SAMVERKAN, "init"], cwd=tmp_path, env=env, check=True, capture_output=True, timeout=120)
    assert not (tmp_path / "ny-instans" / "secret_key").exists()
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [SAMVERKAN, "serve", "--workers", str(WORKERS), "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60  # a guard against hanging, not a speed claim
    while time.monotonic() < deadline:
        try:
            if Visitor(base).get("/api/v1/health").status == 200:
                break
        except OSError:
            time.sleep(0.1)
    else:
        raise AssertionError((tmp_path / "gunicorn.log").read_text())
    yield base
    server.send_signal(signal.SIGINT)  # quick shutdown: nothing is left to finish
    server.wait(timeout=60)
    log.close()


def _api(base: str, method: str, path: str, token: str) -> int:
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30)
    conn.request(method, "/api/v1" + path, headers={"Authorization": f"Bearer {token}"})
    status = conn.getresponse().status
    conn.close()
    return status


def _twenty_logins_work_on_every_worker(base: str) -> None:
    outcomes: Counter[str] = Counter()
    for _ in range(20):
        browser = Visitor(base)
        logged_in = browser.log_in("karin", PASSWORD).status == 302
        outcomes["ok" if logged_in and all(browser.get("/").status == 200 for _ in range(3)) else "refused"] += 1
    assert outcomes == {"ok": 20}


def _a_cookie_saved_before_logout_is_refused_by_every_worker(base: str) -> None:
    browser = Visitor(base)
    assert browser.log_in("karin", PASSWORD).status == 302
    assert all(browser.get("/").status == 200 for _ in range(12))
    saved = browser.cookie
    assert browser.post("/logout").status == 302
    assert [Visitor(base, cookie=saved).get("/").status for _ in range(12)] == [302] * 12


def _a_deleted_token_is_refused_at_once_by_every_worker(base: str, token: str) -> None:
    assert [_api(base, "GET", "/cases", token) for _ in range(40)] == [200] * 40  # every worker has seen it
    assert _api(base, "DELETE", "/tokens/current", token) == 204
    assert [_api(base, "GET", "/cases", token) for _ in range(40)] == [401] * 40


def _the_login_limit_holds_across_workers(base: str) -> None:
    answers: Counter[str] = Counter()
    for _ in range(16):
        page = Visitor(base).log_in("nils", "fel")
        answers["wrong" if "Fel användarnamn eller lösenord." in page.text else "locked"] += 1
    assert answers == {"wrong": 5, "locked": 11}
    assert Visitor(base).log_in("nils", PASSWORD).status == 429


def test_sessions_tokens_and_the_login_limit_hold_across_four_workers(gunicorn: str, engine: Samverkan) -> None:
    """One server for the four checks: starting four workers takes longer than the checks."""
    accounts.add_user(engine, "karin", ["kontaktperson"], PASSWORD)
    accounts.add_user(engine, "nils", ["namndsekreterare"], PASSWORD)
    _twenty_logins_work_on_every_worker(gunicorn)
    _a_cookie_saved_before_logout_is_refused_by_every_worker(gunicorn)
    _a_deleted_token_is_refused_at_once_by_every_worker(gunicorn, accounts.new_token(engine, "karin"))
    _the_login_limit_holds_across_workers(gunicorn)
