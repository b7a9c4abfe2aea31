"""Schemathesis against the live API on both databases: no input may give a 5xx.

The schemathesis command line runs its examples, coverage, fuzzing and stateful phases against
``/api/v1/openapi.json`` over real HTTP with an admin token. The server itself counts every
response of 500 or more (a WSGI wrapper), so the assertion does not depend on how schemathesis
groups its findings.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import make_server

from engine import accounts, cases, processes
from engine.context import SYSTEM, Samverkan, User
from engine.roles import ROLES

SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
MODEL = Path(__file__).resolve().parent.parent / "samverkan_data" / "bpmn" / "samverkansstod.bpmn"
MAX_EXAMPLES = 75


@dataclass
class ServerErrors:
    """Every answer of 500 or more the app gave, as ``(status, method, path)``."""

    seen: list[tuple[int, str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wrap(self, app: Callable[..., Iterable[bytes]]) -> Callable[..., Iterable[bytes]]:
        def counted(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            def start(status: str, headers: list[tuple[str, str]], *args: Any) -> Any:
                if int(status.split(" ", 1)[0]) >= 500:
                    with self.lock:
                        self.seen.append((int(status[:3]), environ["REQUEST_METHOD"], environ["PATH_INFO"]))
                return start_response(status, headers, *args)

            return app(environ, start)

        return counted


@pytest.fixture
def fuzzed_server(engine: Samverkan, tmp_path: Path) -> Iterator[tuple[str, ServerErrors]]:
    """The real app (not in testing mode, so errors become 500 answers) with a few cases to find."""
    from web import create_app

    processes.deploy(engine, SYSTEM, MODEL.read_bytes())
    starter = User("kim", frozenset({"kontaktperson"}))
    for title in ("Torgfest på Möllan", "Läxhjälp i Rosengård"):
        cases.start_case(engine, starter, "samverkansstod", title, "start_aktorsinitiativ")
    app = create_app({"ATTACHMENTS_DIR": str(tmp_path / "bilagor")}, engine=engine)
    errors = ServerErrors()
    app.wsgi_app = errors.wrap(app.wsgi_app)  # type: ignore[method-assign]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", errors
    server.shutdown()
    thread.join()


def test_schemathesis_finds_no_server_error(
    fuzzed_server: tuple[str, ServerErrors], engine: Samverkan, tmp_path: Path
) -> None:
    base, errors = fuzzed_server
    accounts.add_user(engine, "alla", sorted(ROLES), "lösenord-123")
    token = accounts.new_token(engine, "alla")
    run = subprocess.run(
        [
            SCHEMATHESIS,
            "run",
            f"{base}/api/v1/openapi.json",
            "--header",
            f"Authorization: Bearer {token}",
            "--checks",
            "not_a_server_error",
            "--max-examples",
            str(MAX_EXAMPLES),
            "--seed",
            "20261202",
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--suppress-health-check",
            "all",
            "--request-timeout",
            "20",
            "--continue-on-failure",
            # Revoking the run's own token would leave every later request a 401; its own test
            # is in test_sessions_tokens.py.
            "--exclude-path",
            "/tokens/current",
            "--no-color",
        ],
        cwd=tmp_path,
        check=False,
        capture_output=True,
        text=True,
        timeout=900,  # a guard against hanging, not a speed claim (the API grows; the machine may be shared)
    )
    found = sorted(set(errors.seen))
    print(f"{len(errors.seen)} answers >= 500 over {len(found)} distinct requests: {found}")
    assert errors.seen == [], run.stdout[-6000:]
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
