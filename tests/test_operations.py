"""What operations watch: the health check, /metrics, request ids in the logs, ProxyFix."""

from __future__ import annotations

import dataclasses
import http.client
import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pythonjsonlogger.json import JsonFormatter

from engine.clock import FixedClock
from engine.context import Samverkan
from engine.logs import RequestIdFilter, dict_config
from engine.settings import Settings
from tests.http import ApiClient
from tests.samverkansstod import Driver
from web import create_app

SAMVERKAN = str(Path(sys.executable).parent / "samverkan")


def _get(base: str, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    url = urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    conn.request("GET", path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, dict(response.getheaders()), body


def _metrics(base: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    status, _headers, body = _get(base, "/metrics")
    assert status == 200, body
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(body.decode())
        for sample in family.samples
    }


def test_health_says_when_a_worker_last_swept(live_server: str, database_url: str, tmp_path: Path) -> None:
    status, _headers, body = _get(live_server, "/api/v1/health")
    answer = json.loads(body)
    assert (status, answer["status"], answer["database"]) == (200, "ok", "ok")
    assert answer["worker"] == {
        "status": "none",
        "last_sweep_at": None,
        "seconds_since_last_sweep": None,
        "active_workers": 0,
    }
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("SAMVERKAN_SMTP_URL", None)
    subprocess.run([SAMVERKAN, "worker", "--once"], env=env, cwd=tmp_path, check=True, capture_output=True, timeout=120)
    worker = json.loads(_get(live_server, "/api/v1/health")[2])["worker"]
    assert worker["status"] == "ok" and worker["active_workers"] == 1
    assert 0 <= worker["seconds_since_last_sweep"] < 60  # wall-clock time, though the server's clock is fixed
    figures = _metrics(live_server)
    assert sum(v for (name, _), v in figures.items() if name == "samverkan_worker_sweeps_total") == 1
    assert figures[("samverkan_workers_active", ())] == 1


@pytest.fixture
def broken_database(database_url: str, tmp_path: Path) -> Iterator[Samverkan]:
    """An engine whose database does not answer: a folder that is not there, a port nobody listens on."""
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'saknas' / 'db.sqlite3'}"
    else:
        url = "postgresql+psycopg://postgres@127.0.0.1:1/test?connect_timeout=2"
    engine = Samverkan.from_url(url)
    yield engine
    engine.db.dispose()


def test_health_is_503_with_a_json_body_when_the_database_does_not_answer(broken_database: Samverkan) -> None:
    client = create_app({"TESTING": True, "SECRET_KEY": "x" * 32}, engine=broken_database).test_client()
    response = client.get("/api/v1/health")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "error",
        "database": "error",
        "error": {"code": "database_unavailable", "message": "Databasen svarar inte.", "details": []},
    }
    assert client.get("/metrics").data.decode().count("samverkan_database_up 0.0") == 1


def test_metrics_count_steps_requests_per_route_and_what_waits(
    live_server: str, api: ApiClient, drive: Driver, clock: FixedClock
) -> None:
    before = _metrics(live_server)
    kim = api.as_user("kim", "kontaktperson")
    case = kim.post("/cases", {"process_id": "samverkansstod", "title": "Torgfest"}).body
    assert kim.get(f"/cases/{case['id']}").status == 200
    drive.complete(case["id"], "registrera_initiativ")
    after = _metrics(live_server)

    def delta(name: str, **labels: str) -> float:
        key = (name, tuple(sorted(labels.items())))
        return after.get(key, 0.0) - before.get(key, 0.0)

    assert delta("samverkan_steps_total", kind="start") == 1
    assert delta("samverkan_steps_total", kind="complete") == 1
    route = "/api/v1/cases/<int:case_id>"
    assert delta("samverkan_http_request_duration_seconds_count", method="GET", endpoint=route) == 1
    assert delta("samverkan_http_requests_total", method="POST", endpoint="/api/v1/cases", status="201") == 1
    assert not any(f"/api/v1/cases/{case['id']}" in dict(labels).get("endpoint", "") for _, labels in after)
    assert after[("samverkan_cases_active", ())] == 1
    waiting = after[("samverkan_timers_waiting", ())]
    assert waiting >= 1 and after[("samverkan_timers_due", ())] == after[("samverkan_timers_late", ())] == 0

    clock.advance(days=400)  # every deadline of the first meeting has passed; no worker has swept
    late = _metrics(live_server)
    assert late[("samverkan_timers_due", ())] == late[("samverkan_timers_late", ())] == waiting
    assert late[("samverkan_notifications_queued", ())] == late[("samverkan_notifications_failed", ())] == 0


def test_metrics_are_for_this_machine_or_the_token(engine: Samverkan) -> None:
    client = create_app({"TESTING": True, "SECRET_KEY": "x" * 32}, engine=engine).test_client()
    assert client.get("/metrics").status_code == 200  # the test client comes from 127.0.0.1
    assert client.get("/metrics", headers={"X-Forwarded-For": "127.0.0.1"}).status_code == 403  # via a proxy
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 403
    engine.settings = dataclasses.replace(engine.settings, metrics_token="hemlig-token")
    client = create_app({"TESTING": True, "SECRET_KEY": "x" * 32}, engine=engine).test_client()
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer fel"}).status_code == 403
    remote = {"REMOTE_ADDR": "10.1.2.3"}
    assert (
        client.get("/metrics", headers={"Authorization": "Bearer hemlig-token"}, environ_base=remote).status_code == 200
    )


class _Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_every_response_and_log_line_carries_the_request_id(engine: Samverkan) -> None:
    client = create_app({"TESTING": True, "SECRET_KEY": "x" * 32}, engine=engine).test_client()
    handler = _Records()
    access = logging.getLogger("samverkan.http")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    try:
        given = client.get("/api/v1/health", headers={"X-Request-ID": "nginx-4f2a"})
        made = client.get("/finns-inte", headers={"X-Request-ID": "inte ett id\x7f"})
    finally:
        access.removeHandler(handler)
    assert given.headers["X-Request-ID"] == "nginx-4f2a"
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["X-Request-ID"]) and made.status_code == 404
    lines = [(r.request_id, r.getMessage().split(" ")[:3]) for r in handler.records]  # type: ignore[attr-defined]
    assert lines == [
        ("nginx-4f2a", ["GET", "/api/v1/health", "200"]),
        (made.headers["X-Request-ID"], ["GET", "/finns-inte", "404"]),
    ]


def test_json_log_lines_have_the_fields_a_collector_needs() -> None:
    config = dict_config(dataclasses.replace(Settings.defaults(), log_format="json"))
    options: dict[str, Any] = dict(config["formatters"]["samverkan"])
    formatter = JsonFormatter(**{k: v for k, v in options.items() if k != "()"})
    record = logging.LogRecord("samverkan.http", logging.INFO, __file__, 1, "GET %s 200", ("/",), None)
    record.request_id, record.status = "abc", 200
    line = json.loads(formatter.format(record))
    assert {line[k] for k in ("level", "logger", "request_id", "message")} == {
        "INFO",
        "samverkan.http",
        "abc",
        "GET / 200",
    }
    assert line["status"] == 200 and "time" in line


def test_behind_a_proxy_the_client_address_and_https_come_from_its_headers(engine: Samverkan) -> None:
    from engine import accounts

    accounts.add_user(engine, "kim", ["kontaktperson"], "lösenord-123")
    engine.settings = dataclasses.replace(engine.settings, proxy_hops=1)
    client = create_app({"TESTING": True, "SECRET_KEY": "x" * 32}, engine=engine).test_client()
    forwarded = {"X-Forwarded-For": "10.9.8.7", "X-Forwarded-Proto": "https"}
    assert client.get("/metrics", headers=forwarded).status_code == 403  # the client is 10.9.8.7, not us
    page = client.get("/login", headers=forwarded)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    login = client.post(
        "/login",
        data={"username": "kim", "password": "lösenord-123", "csrf_token": token.group(1), "next": ""},
        headers=forwarded,
    )
    assert login.status_code == 302 and "; Secure" in login.headers["Set-Cookie"]
