"""Production shape on one machine: two ``samverkan serve --workers 2`` and two ``samverkan worker``
on one PostgreSQL, as docs/drift.md sets up several hosts, with single sign-on against a real
OpenID Connect provider (tests/oidc_provider.py). Cases are started and their tasks
completed through both servers in turn, from several clients at once, while the workers fire
the cases' timers (two seconds, moved to the next working moment like every timer: the workers
act as of a far-future working day, ``--now``, so each timer is due at their next sweep).
Nothing may be lost or done twice: every case ends, every timer fired exactly once, every
completion is in the history once, and each server's /metrics adds up the steps its own
gunicorn processes did.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from engine import schema
from engine.db import make_engine
from tests.oidc_provider import Provider

TESTS = Path(__file__).resolve().parent
SAMVERKAN = str(Path(sys.executable).parent / "samverkan")
CASES = 16
WORKERS_NOW = "2099-06-03T10:00:00+02:00"  # a Wednesday
TIMERS = ("vanta_1", "vanta_2")
TASKS = ("handla", "handla_igen")

pytestmark = pytest.mark.slow


@pytest.fixture
def database_url(database_url: str) -> str:
    if not database_url.startswith("postgresql"):
        pytest.skip("several hosts share one PostgreSQL; SQLite is one machine's file")
    return database_url


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: TextIO
    path: Path

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.path.read_text(encoding="utf-8", errors="replace")


@dataclass
class Site:
    """One instance folder, the settings in the environment, the processes started on it."""

    folder: Path
    env: dict[str, str]
    processes: list[Process] = field(default_factory=list)

    def run(self, *args: str) -> str:
        done = subprocess.run(
            [SAMVERKAN, *args], cwd=self.folder, env=self.env, capture_output=True, text=True, timeout=300, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def start(self, name: str, *args: str, **env: str) -> Process:
        path = self.folder / f"{name}.log"
        log = path.open("w", encoding="utf-8")
        popen = subprocess.Popen(
            [SAMVERKAN, *args], cwd=self.folder, env={**self.env, **env}, stdout=log, stderr=subprocess.STDOUT
        )
        process = Process(name, popen, log, path)
        self.processes.append(process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            process.popen.send_signal(signal.SIGTERM)
        for process in self.processes:
            process.popen.wait(timeout=60)
            process.log.close()


@pytest.fixture
def provider() -> Iterator[Provider]:
    with Provider().running() as running:
        yield running


@pytest.fixture
def site(database_url: str, tmp_path: Path, provider: Provider) -> Iterator[Site]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAMVERKAN_")}
    env.update(
        DATABASE_URL=database_url,
        SAMVERKAN_HOME=str(tmp_path / "instans"),
        SAMVERKAN_FORMS_DIR=str(TESTS / "forms"),
        SAMVERKAN_SECRET_KEY="samma-nyckel-på-alla-servrar-0123456789abcdef",
        SAMVERKAN_OIDC_ISSUER=provider.issuer,
        SAMVERKAN_OIDC_CLIENT_ID="samverkan",
        SAMVERKAN_OIDC_CLIENT_SECRET="klienthemlighet",
        SAMVERKAN_OIDC_ROLE_MAP="SG-Samverkan-Kontakt=kontaktperson",
    )
    running = Site(tmp_path, env)
    yield running
    running.stop()


class Client:
    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.statuses: Counter[int] = Counter()

    def call(self, method: str, path: str, body: Any = None, request_id: str | None = None) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        if request_id:
            headers["X-Request-ID"] = request_id
        conn.request(method, f"/api/v1{path}", body=json.dumps(body) if body is not None else None, headers=headers)
        response = conn.getresponse()
        data = response.read()
        conn.close()
        self.statuses[response.status] += 1
        assert response.status in (200, 201), (method, path, response.status, data)
        return json.loads(data)


def _wait_until_up(process: Process, port: int) -> None:
    deadline = time.monotonic() + 90  # a guard against hanging, not a speed claim
    while time.monotonic() < deadline:
        assert process.popen.poll() is None, process.output()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(process.output())


def _walk(case_number: int, servers: list[Client]) -> tuple[int, Counter[int]]:
    """One case from start to end: each call goes to the next server in turn. Completions per server."""
    turn = case_number
    completed: Counter[int] = Counter()

    def server() -> Client:
        nonlocal turn
        turn += 1
        return servers[turn % len(servers)]

    case = server().call("POST", "/cases", {"process_id": "kort_vantan", "title": f"Ärende {case_number}"})
    done: set[str] = set()
    deadline = time.monotonic() + 180  # a guard against hanging, not a speed claim
    while case["status"] == "active":
        assert time.monotonic() < deadline, case
        for task in case["open_tasks"]:
            assert task["id"] not in done, f"task {task['element_id']} opened twice"
            target = server()
            target.call("POST", f"/tasks/{task['id']}/complete", {"data": {"anteckning": task["element_id"]}})
            completed[target.port] += 1
            done.add(task["id"])
        if not case["open_tasks"]:
            time.sleep(0.3)  # a timer is waiting for a worker
        case = server().call("GET", f"/cases/{case['id']}")
    assert case["status"] == "completed" and case["end_event"] == "slut"
    return case["id"], completed


def _steps(port: int) -> dict[str, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    conn.close()
    return {
        sample.labels["kind"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "samverkan_steps_total"
    }


def _sso_across_servers(provider: Provider, ports: list[int], admin: Client) -> None:
    """Signed in by the provider through server A, the session works on B (and every gunicorn
    process of both); deactivated through B, it stops on all of them at once."""
    provider.add_client("samverkan", "klienthemlighet", *(f"http://127.0.0.1:{p}/login/sso/callback" for p in ports))
    provider.add_person("sso-kim", ["SG-Samverkan-Kontakt"], "Kim Sso")
    browser = requests.Session()  # one cookie jar for 127.0.0.1, as behind a load balancer
    login = browser.get(f"http://127.0.0.1:{ports[0]}/login", timeout=30).text
    assert "Logga in med Malmö stads konto" in login
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login)
    assert csrf is not None
    off = browser.post(
        f"http://127.0.0.1:{ports[0]}/login/sso", data={"csrf_token": csrf.group(1)}, allow_redirects=False, timeout=30
    )
    assert off.headers["Location"].startswith(f"{provider.issuer}/authorize?")
    back = browser.post(off.headers["Location"], data={"who": "sso-kim"}, allow_redirects=False, timeout=30)
    assert browser.get(back.headers["Location"], allow_redirects=False, timeout=30).status_code == 302
    for port in ports * 4:  # enough requests to reach both gunicorn processes of each server
        page = browser.get(f"http://127.0.0.1:{port}/", allow_redirects=False, timeout=30)
        assert page.status_code == 200 and "Kim Sso" in page.text
    changed = admin.call("PATCH", "/users/sso-kim", {"active": False})
    assert changed["active"] is False and changed["sso"] is True
    for port in ports * 4:
        assert browser.get(f"http://127.0.0.1:{port}/", allow_redirects=False, timeout=30).status_code == 302


def test_two_servers_and_two_workers_on_one_database_lose_and_double_nothing(
    site: Site, database_url: str, provider: Provider
) -> None:
    site.run("init")
    site.run("deploy", str(TESTS / "bpmn" / "short_timers.bpmn"))
    site.run("user", "add", "kim", "--role", "kontaktperson")
    token = site.run("token", "kim").strip()
    ports = [_free_port(), _free_port()]
    servers = [
        site.start("web-a", "serve", "--workers", "2", "--port", str(ports[0]), SAMVERKAN_LOG_FORMAT="json"),
        site.start("web-b", "serve", "--workers", "2", "--port", str(ports[1])),
    ]
    for process, port in zip(servers, ports, strict=True):
        _wait_until_up(process, port)
    for name in ("worker-1", "worker-2"):
        site.start(name, "worker", "--interval", "0.5", "--now", WORKERS_NOW)
    clients = [Client(port, token) for port in ports]
    clients[0].call("GET", "/cases?status=active", request_id="prov-4711")
    site.run("user", "add", "ada", "--role", "admin")
    _sso_across_servers(provider, ports, Client(ports[1], site.run("token", "ada").strip()))

    with ThreadPoolExecutor(max_workers=6) as pool:
        walked = list(pool.map(lambda n: _walk(n, clients), range(CASES)))

    case_ids = sorted(case_id for case_id, _ in walked)
    completions = sum((c for _, c in walked), Counter[int]())
    assert sum(completions.values()) == CASES * len(TASKS) and all(completions[p] > 0 for p in ports)
    db = make_engine(database_url)
    with db.connect() as conn:
        history = conn.execute(
            select(schema.history.c.case_id, schema.history.c.action, schema.history.c.element_id)
        ).all()
        left = conn.execute(select(schema.timers.c.id)).all()
        cases = conn.execute(select(schema.cases.c.id, schema.cases.c.status, schema.cases.c.incident)).all()
        beats = conn.execute(select(schema.worker_heartbeats)).all()
    db.dispose()
    assert sorted(c.id for c in cases) == case_ids
    assert all(c.status == "completed" and c.incident is None for c in cases)
    assert left == []
    for case_id in case_ids:
        actions = Counter((row.action, row.element_id) for row in history if row.case_id == case_id)
        assert actions == Counter(
            {
                ("started", "start"): 1,
                ("completed", "handla"): 1,
                ("timer", "vanta_1"): 1,
                ("completed", "handla_igen"): 1,
                ("timer", "vanta_2"): 1,
                ("ended", "slut"): 1,
            }
        ), (case_id, actions)
    assert len(beats) == 2 and sum(b.timers_fired for b in beats) == CASES * len(TIMERS)

    # Each server's /metrics adds up its two gunicorn processes: exactly the completions sent to it.
    for port in ports:
        assert _steps(port).get("complete") == completions[port], port
    assert sum(_steps(port).get("start", 0) for port in ports) == CASES
    site.stop()
    json_lines = [json.loads(line) for line in servers[0].output().splitlines() if line.startswith("{")]
    tagged = [line for line in json_lines if line.get("request_id") == "prov-4711"]
    assert tagged and tagged[0]["path"] == "/api/v1/cases" and tagged[0]["status"] == 200
    assert all({"time", "level", "logger", "message", "request_id"} <= line.keys() for line in json_lines)
