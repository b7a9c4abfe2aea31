"""``samverkan worker`` as real processes: two at once, one killed mid-sweep, catch-up on the real model."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine import cases, processes, schema
from engine.clock import FixedClock
from engine.context import Samverkan, User
from tests.samverkansstod import TO_DECISION, Driver

BPMN = Path(__file__).parent / "bpmn" / "wait_timer.bpmn"
SAMVERKAN = str(Path(sys.executable).parent / "samverkan")
OWNER = User("ägare", frozenset({"processagare"}))
KP = User("kim", frozenset({"kontaktperson"}))
CASES = 1000


def _worker(database_url: str, cwd: Path, *args: str) -> subprocess.Popen[str]:
    """A worker process; its output goes to a file, so an unread pipe can never block it."""
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("SAMVERKAN_SMTP_URL", None)
    log = tempfile.NamedTemporaryFile("w+", dir=cwd, suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen([SAMVERKAN, "worker", *args], env=env, cwd=cwd, stdout=log, stderr=log, text=True)
    process.log = log  # type: ignore[attr-defined]
    return process


def _output(process: subprocess.Popen[str]) -> str:
    log = process.log  # type: ignore[attr-defined]
    log.seek(0)
    text = str(log.read())
    log.close()
    return text


def _finish(process: subprocess.Popen[str]) -> str:
    process.wait(timeout=600)  # a guard against hanging, not a speed claim
    output = _output(process)
    assert process.returncode == 0, output
    return output


def _fired_per_case(engine: Samverkan) -> dict[int, int]:
    h = schema.history
    with engine.db.connect() as conn:
        rows = conn.execute(select(h.c.case_id, func.count()).where(h.c.action == "timer").group_by(h.c.case_id)).all()
    return {case_id: count for case_id, count in rows}


def _waiting_cases(engine: Samverkan, count: int) -> None:
    processes.deploy(engine, OWNER, BPMN.read_bytes())
    for n in range(count):
        cases.start_case(engine, KP, "vanta", f"Ärende {n}")


@pytest.fixture
def due(engine: Samverkan, clock: FixedClock) -> str:
    """1,000 cases whose one-hour timers are all due a day later; returns that instant."""
    _waiting_cases(engine, CASES)
    return (clock.now() + timedelta(days=1)).isoformat()


def test_two_workers_fire_every_timer_exactly_once(
    engine: Samverkan, database_url: str, due: str, tmp_path: Path
) -> None:
    workers = [_worker(database_url, tmp_path, "--once", "--now", due) for _ in range(2)]
    for worker in workers:
        _finish(worker)
    fired = _fired_per_case(engine)
    assert len(fired) == CASES and set(fired.values()) == {1}
    with engine.db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.timers)).scalar_one() == 0
        statuses = conn.execute(select(schema.cases.c.status, func.count()).group_by(schema.cases.c.status)).all()
    assert statuses == [("completed", CASES)]


def test_a_worker_killed_mid_sweep_loses_no_timer_and_fires_none_twice(
    engine: Samverkan, database_url: str, due: str, tmp_path: Path
) -> None:
    worker = _worker(database_url, tmp_path, "--once", "--now", due)
    deadline = time.monotonic() + 120  # a guard against hanging, not a speed claim
    while sum(_fired_per_case(engine).values()) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    _output(worker)
    fired_before = sum(_fired_per_case(engine).values())
    assert 20 <= fired_before < CASES, "the worker was meant to die in the middle of its sweep"

    # Restarted after the claim timeout, it takes over what the dead worker had claimed.
    later = (datetime.fromisoformat(due) + timedelta(minutes=10)).isoformat()
    _finish(_worker(database_url, tmp_path, "--once", "--now", later))
    fired = _fired_per_case(engine)
    assert len(fired) == CASES and set(fired.values()) == {1}
    with engine.db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.timers)).scalar_one() == 0


def test_a_rerun_at_the_same_instant_right_after_kill_9_fires_everything_exactly_once(
    engine: Samverkan, database_url: str, due: str, tmp_path: Path
) -> None:
    """The dead worker's claims end with its process: no five minutes' wait, no second --now needed."""
    worker = _worker(database_url, tmp_path, "--once", "--now", due)
    deadline = time.monotonic() + 120  # a guard against hanging, not a speed claim
    while sum(_fired_per_case(engine).values()) < 20 and time.monotonic() < deadline:
        time.sleep(0.01)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    _output(worker)
    assert 20 <= sum(_fired_per_case(engine).values()) < CASES, "the worker was meant to die mid-sweep"
    with engine.db.connect() as conn:
        left_claimed = conn.execute(
            select(func.count()).select_from(schema.timers).where(schema.timers.c.state == "firing")
        ).scalar_one()

    rerun = _finish(_worker(database_url, tmp_path, "--once", "--now", due))
    fired = _fired_per_case(engine)
    assert len(fired) == CASES and set(fired.values()) == {1}
    with engine.db.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.timers)).scalar_one() == 0
    if left_claimed:
        assert "claimed by a stopped worker are waiting again" in rerun


@pytest.mark.parametrize("now", ["2027-03-01T09:00:00", "i morgon"])
def test_now_must_be_a_timezone_aware_instant(engine: Samverkan, database_url: str, tmp_path: Path, now: str) -> None:
    worker = _worker(database_url, tmp_path, "--once", "--now", now)
    worker.wait(timeout=120)
    err = _output(worker)
    assert worker.returncode == 2
    assert len(err.strip().splitlines()) == 1 and "tidszon" in err


def test_catch_up_after_90_days_closes_the_komplettering_case_after_its_reminder(
    drive: Driver, database_url: str, clock: FixedClock, tmp_path: Path
) -> None:
    case_id = drive.start()
    drive.walk(case_id, *TO_DECISION[:-1])
    drive.complete(case_id, "bedomning", rekommendation="komplettering")
    drive.complete(case_id, "begar_komplettering")
    assert drive.case(case_id)["active_elements"] == ["registrera_komplettering"]
    before = len(drive.history(case_id))

    later = (clock.now() + timedelta(days=90)).isoformat()
    for _ in range(2):  # a second sweep of the same instant finds nothing left to do
        _finish(_worker(database_url, tmp_path, "--once", "--now", later))

    case = drive.case(case_id)
    assert (case["status"], case["end_event"]) == ("completed", "slut_utan_beslut")
    assert drive.history(case_id)[before:] == [
        ("timer", "paminnelse_komplettering"),
        ("reminder", "registrera_komplettering"),
        ("timer", "tidsgrans_komplettering"),
        ("cancelled", "registrera_komplettering"),
        ("ended", "slut_utan_beslut"),
    ]
