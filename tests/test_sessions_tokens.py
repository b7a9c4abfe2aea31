"""Logout ends the session on the server, tokens expire and can be revoked at once, the login
limit and the cookie key are shared by every process."""

from __future__ import annotations

import dataclasses
import os
import re
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from engine import accounts, schema
from engine.clock import FixedClock
from engine.context import Samverkan
from engine.login_limit import LoginLimiter
from tests.browserless import Visitor
from tests.http import ApiClient

SAMVERKAN = str(Path(sys.executable).parent / "samverkan")
PASSWORD = "rätt-lösenord"


def test_a_cookie_saved_before_logout_does_not_work_after_it(live_server: str, engine: Samverkan) -> None:
    accounts.add_user(engine, "karin", ["kontaktperson"], PASSWORD)
    browser = Visitor(live_server)
    assert browser.log_in("karin", PASSWORD).status == 302
    assert browser.get("/").status == 200
    saved = browser.cookie
    other = Visitor(live_server)
    assert other.log_in("karin", PASSWORD).status == 302  # the same person in another browser
    assert browser.post("/logout").status == 302
    replay = Visitor(live_server, cookie=saved)
    page = replay.get("/")
    assert page.status == 302 and page.location is not None and page.location.startswith("/login")
    assert other.get("/").status == 200  # only the session that logged out ended
    with engine.db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.login_sessions)).scalar_one() == 1


def test_delete_current_token_stops_it_at_once(api: ApiClient) -> None:
    kim = api.as_user("kim", "kontaktperson")
    second = api.as_user("kim", "kontaktperson")
    assert kim.get("/cases").status == 200
    answer = kim.request("DELETE", "/tokens/current")
    assert (answer.status, answer.raw) == (204, b"")
    assert kim.get("/cases").status == 401
    assert kim.request("DELETE", "/tokens/current").status == 401
    assert second.get("/cases").status == 200  # the user's other tokens go on working


def test_tokens_expire_after_the_configured_days(api: ApiClient, clock: FixedClock, engine: Samverkan) -> None:
    kim = api.as_user("kim", "kontaktperson")
    engine.settings = dataclasses.replace(engine.settings, token_days=1)  # SAMVERKAN_TOKEN_DAYS=1
    short = api.as_user("kim", "kontaktperson")
    clock.advance(hours=23)
    assert (kim.get("/cases").status, short.get("/cases").status) == (200, 200)
    clock.advance(hours=2)
    assert (kim.get("/cases").status, short.get("/cases").status) == (200, 401)
    clock.advance(days=89)
    assert kim.get("/cases").status == 401


def test_samverkan_token_prints_only_a_token_that_expires_in_90_days(
    engine: Samverkan, database_url: str, tmp_path: Path
) -> None:
    accounts.add_user(engine, "kim", ["kontaktperson"])
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("SAMVERKAN_TOKEN_DAYS", None)
    run = subprocess.run(
        [SAMVERKAN, "token", "kim"], env=env, cwd=tmp_path, capture_output=True, text=True, check=True, timeout=120
    )
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}\n", run.stdout) and run.stderr == ""
    with engine.db.connect() as conn:
        row = conn.execute(select(schema.api_tokens)).one()
    assert row.expires_at - row.created_at == timedelta(days=90)


def test_the_login_limit_is_shared_by_every_process(engine: Samverkan, database_url: str, clock: FixedClock) -> None:
    other_process = Samverkan.from_url(database_url, clock=clock)
    here, there = LoginLimiter(engine), LoginLimiter(other_process)
    key = "karin|127.0.0.1"
    for limiter in (here, there, here, there, here):
        assert limiter.attempt(key)
    assert not there.attempt(key) and not here.attempt(key)
    assert here.blocked(key) and there.blocked(key) and here.tries(key) == 5
    assert here.attempt("nils|127.0.0.1")  # other keys are not affected
    clock.advance(minutes=5, seconds=1)
    assert there.attempt(key)
    with engine.db.connect() as conn:  # the old rows were pruned when the new one came
        assert conn.execute(select(func.count()).select_from(schema.login_attempts)).scalar_one() == 1
    here.reset(key)
    assert here.tries(key) == 0
    other_process.db.dispose()


def test_the_generated_cookie_key_is_one_file_all_processes_agree_on(tmp_path: Path) -> None:
    # The module alone, not the web package: eight processes start fast and race for the file.
    module = Path(__file__).resolve().parent.parent / "web" / "secret_key.py"
    script = (
        "import importlib.util, sys; from pathlib import Path; "
        f"spec = importlib.util.spec_from_file_location('secret_key', {str(module)!r}); "
        "m = importlib.util.module_from_spec(spec); spec.loader.exec_module(m); "
        "print(m.load_or_create(Path(sys.argv[1])))"
    )
    path = tmp_path / "instance" / "secret_key"
    started = [
        subprocess.Popen([sys.executable, "-c", script, str(path)], stdout=subprocess.PIPE, text=True) for _ in range(8)
    ]
    keys = {p.communicate(timeout=60)[0].strip() for p in started}
    assert len(keys) == 1 and len(keys.pop()) == 64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary files left


def test_a_token_deleted_in_the_database_is_refused_on_the_next_request(api: ApiClient, engine: Samverkan) -> None:
    """No per-process cache may outlive a revocation made elsewhere (another process, an admin)."""
    kim = api.as_user("kim", "kontaktperson")
    assert kim.get("/cases").status == 200
    with engine.db.begin() as conn:
        conn.execute(schema.api_tokens.delete())
    assert kim.get("/cases").status == 401


def test_who_is_logged_in_is_read_outside_a_transaction_on_connections_closed_with_the_engine(
    engine: Samverkan,
) -> None:
    accounts.add_user(engine, "kim", ["kontaktperson"])
    token = accounts.new_token(engine, "kim")
    with engine.single_read() as conn:
        driver = conn.connection.driver_connection
        pool = conn.engine.pool
    assert accounts.user_for_token(engine, token) == accounts.user_for_token(engine, token)
    if engine.db.dialect.name == "postgresql":
        # A pool of its own whose connections stay in autocommit: no BEGIN, no switching back and forth.
        assert driver is not None and driver.autocommit
        assert pool is not engine.db.pool and pool.checkedin() == 1
        with engine.write() as conn:
            assert not conn.connection.driver_connection.autocommit  # type: ignore[union-attr]
    engine.db.dispose()
    assert pool.checkedin() == 0
