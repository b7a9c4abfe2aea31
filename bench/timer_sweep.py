"""Time ``samverkan worker --once`` sweeping 10,000 due timers: SQLite with 1 worker, PostgreSQL with 1 and 2.

Each run gets a fresh copy of the same 10,000 waiting cases (one one-hour timer each, created
through the engine once per database kind), starts the worker processes together and waits for
all of them. The time includes process start-up; the start-up of a worker with nothing due is
printed alongside. Usage: .venv/bin/python bench/timer_sweep.py [--timers 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import PG, create_pg_schema, drop_pg_schema, schema_url  # noqa: E402
from engine import cases, processes, schema  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.context import Samverkan, User  # noqa: E402
from engine.db import create_schema, make_engine  # noqa: E402
from engine.forms import FormLibrary  # noqa: E402

SAMVERKAN = str(Path(sys.executable).parent / "samverkan")
START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
NOW = (START + timedelta(days=1)).isoformat()
OWNER = User("bench", frozenset({"processagare", "kontaktperson"}))


def populate(url: str, count: int) -> None:
    engine = Samverkan(db=make_engine(url), clock=FixedClock(START), forms=FormLibrary(ROOT / "tests" / "forms"))
    create_schema(engine.db)
    processes.deploy(engine, OWNER, (ROOT / "tests" / "bpmn" / "wait_timer.bpmn").read_bytes())
    for n in range(count):
        cases.start_case(engine, OWNER, "vanta", f"Ärende {n}")
    engine.db.dispose()


def pg_copy(template: str, count: int) -> str:
    """A new schema with the template's rows (same ids: each schema is its own world)."""
    name = create_pg_schema()
    create_schema(create_engine(schema_url(name)))
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    with admin.begin() as conn:
        for table in schema.metadata.sorted_tables:
            conn.execute(text(f'INSERT INTO "{name}".{table.name} SELECT * FROM "{template}".{table.name}'))
            if table.c.get("id") is not None:
                sequence = conn.execute(
                    text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": f'"{name}".{table.name}'}
                ).scalar_one_or_none()
                if sequence:  # copied rows keep their ids; the sequence must continue after them
                    conn.execute(
                        text(f'SELECT setval(:s, coalesce((SELECT max(id) FROM "{name}".{table.name}), 0) + 1, false)'),
                        {"s": sequence},
                    )
    admin.dispose()
    return name


def sweep(url: str, workers: int, workdir: Path) -> float:
    env = {**os.environ, "DATABASE_URL": url}
    env.pop("SAMVERKAN_SMTP_URL", None)
    began = time.perf_counter()
    procs = [
        subprocess.Popen(
            [SAMVERKAN, "worker", "--once", "--now", NOW],
            env=env,
            cwd=workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(workers)
    ]
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(err.decode())
    return time.perf_counter() - began


def fired(url: str) -> int:
    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.execute(
            select(func.count()).select_from(schema.history).where(schema.history.c.action == "timer")
        ).scalar_one()
    engine.dispose()
    return int(count)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--timers", type=int, default=10_000)
    count = parser.parse_args().timers
    rows: list[tuple[str, int, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        template = workdir / "template.sqlite3"
        populate(f"sqlite:///{template}", count)
        empty = workdir / "empty.sqlite3"
        create_schema(make_engine(f"sqlite:///{empty}"))
        idle = sweep(f"sqlite:///{empty}", 1, workdir)
        target = workdir / "run.sqlite3"
        shutil.copy(template, target)
        seconds = sweep(f"sqlite:///{target}", 1, workdir)
        assert fired(f"sqlite:///{target}") == count
        rows.append(("SQLite", 1, seconds, idle))

        pg_template = create_pg_schema()
        try:
            populate(schema_url(pg_template), count)
            for workers in (1, 2):
                name = pg_copy(pg_template, count)
                try:
                    seconds = sweep(schema_url(name), workers, workdir)
                    assert fired(schema_url(name)) == count
                    rows.append(("PostgreSQL", workers, seconds, idle))
                finally:
                    drop_pg_schema(name)
        finally:
            drop_pg_schema(pg_template)

    print(f"Sweeping {count} due timers with `samverkan worker --once` (wall clock, incl. process start-up)")
    print(f"{'database':<12} {'workers':>7} {'seconds':>9} {'timers/s':>9}")
    for database, workers, seconds, _ in rows:
        print(f"{database:<12} {workers:>7} {seconds:>9.1f} {count / seconds:>9.0f}")
    print(f"(a worker with nothing due takes {rows[0][3]:.1f} s to start and exit)")
    summary = {f"{database} {workers} worker(s) timers/s": count / seconds for database, workers, seconds, _ in rows}
    print("RESULT " + json.dumps({f"timer sweep, {count:,} due": summary}))


if __name__ == "__main__":
    main()
