"""Fixtures: a real database per test (SQLite always, PostgreSQL when reachable), engine, HTTP."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from engine import accounts, reference
from engine.clock import FixedClock
from engine.context import Samverkan
from engine.db import create_schema, make_engine
from engine.forms import FORMS_DIR, FormLibrary
from engine.workflow_cache import WorkflowCache
from tests.http import ApiClient
from tests.samverkansstod import Driver

TESTS = Path(__file__).resolve().parent
PG_ADMIN_URL = os.environ.get("SAMVERKAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _pg_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=0.5):
            return True
    except OSError:
        return False


PG_AVAILABLE = _pg_reachable()
if os.environ.get("SAMVERKAN_REQUIRE_PG") == "1" and not PG_AVAILABLE:
    raise RuntimeError("PostgreSQL på 127.0.0.1:5432 krävs (SAMVERKAN_REQUIRE_PG=1) men svarar inte")


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of each kind; PostgreSQL gets a schema of its own per test."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.sqlite3'}"
        return
    if not PG_AVAILABLE:
        pytest.skip("PostgreSQL svarar inte på 127.0.0.1:5432")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
    try:
        yield f"{PG_ADMIN_URL}?options=-csearch_path%3D{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
        admin.dispose()


@pytest.fixture(autouse=True)
def _no_csp_violations(request: pytest.FixtureRequest) -> Iterator[None]:
    """Browser tests fail when the page breaks the Content-Security-Policy (Chromium logs each refusal)."""
    if "page" not in request.fixturenames:
        yield
        return
    page = request.getfixturevalue("page")
    refused: list[str] = []

    def note(message: Any) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", note)
    yield
    assert refused == []


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2027, 3, 1, 9, 0, tzinfo=UTC))


@pytest.fixture
def test_forms() -> FormLibrary:
    # The small test processes' forms, then the product's own (for the samverkansstöd model).
    return FormLibrary(TESTS / "forms", FORMS_DIR)


@pytest.fixture
def engine(database_url: str, clock: FixedClock, test_forms: FormLibrary) -> Iterator[Samverkan]:
    """An engine on a fresh schema, using the test forms and a clock that only moves when told."""
    samverkan = Samverkan(db=make_engine(database_url), clock=clock, forms=test_forms)
    if database_url.startswith("postgresql"):
        # Without the workflow cache every step decodes the stored state: SQLite runs cover the
        # cache, PostgreSQL runs the state encoding, on every test.
        samverkan.workflows = WorkflowCache(size=0)
    create_schema(samverkan.db)
    reference.load_example_areas(samverkan)
    yield samverkan
    samverkan.db.dispose()


@pytest.fixture
def live_server(engine: Samverkan, tmp_path: Path) -> Iterator[str]:
    """The real app served over HTTP on a free loopback port (attachments under tmp_path)."""
    from web import create_app

    app = create_app({"TESTING": True, "ATTACHMENTS_DIR": str(tmp_path / "bilagor")}, engine=engine)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def api(live_server: str, engine: Samverkan) -> ApiClient:
    """A client factory: ``api.as_role('kontaktperson')`` gives a client with that user's token."""
    return ApiClient(live_server, engine, accounts)


@pytest.fixture
def drive(engine: Samverkan, clock: FixedClock) -> Driver:
    """The real samverkansstöd model deployed on the test engine, driven as officials would."""
    return Driver(engine, clock)
