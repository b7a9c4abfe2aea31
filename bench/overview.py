"""Server time of the managers' overview with 10,000 active cases spread over the flow.

Rows are bulk-inserted straight into cases/tasks/timers (a read benchmark needs no real
workflow state), then the tables are ANALYZEd as autovacuum would eventually do: without
statistics PostgreSQL guesses a handful of rows and picks nested loops (seconds per page).
Prints one table, SQLite and PostgreSQL (a schema of its own, dropped afterwards) side by
side: p50/p95 of `/overview` (page, logged in as chef), `GET /api/v1/overview` and `/areas`
over N requests each through Flask's test client, plus a line `RESULT {json}`.
Usage: python bench/overview.py [--cases 10000] [--requests 30] [--no-analyze] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import chef_clients, optional_pg_schema, percentiles  # noqa: E402
from engine import processes, reference, schema  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.context import SYSTEM, Samverkan  # noqa: E402
from engine.db import create_schema, make_engine  # noqa: E402

NOW = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
PATHS = ("/overview", "/api/v1/overview", "/areas")


def populate(engine: Samverkan, n: int) -> None:
    processes.deploy(engine, SYSTEM, (ROOT / "samverkan_data" / "bpmn" / "samverkansstod.bpmn").read_bytes())
    with engine.db.connect() as conn:
        definition = engine.definition(conn, "samverkansstod", 1)
    tasks = [e for e in definition.elements.values() if e.kind == "userTask"]
    waits = [e for e in definition.elements.values() if e.kind == "intermediateCatchEvent" and e.timer_kind]
    areas = [a["id"] for a in reference.list_areas(engine)]
    case_rows, task_rows, timer_rows = [], [], []
    for i in range(1, n + 1):
        created = NOW - timedelta(days=i % 400)
        at_timer = waits and i % 10 == 0
        element = waits[i % len(waits)] if at_timer else tasks[i % len(tasks)]
        case_rows.append(
            {
                "id": i,
                "title": f"Bänkärende {i}",
                "process_id": "samverkansstod",
                "process_version": 1,
                "status": "active",
                "area": areas[i % len(areas)],
                "phase": element.phase,
                "start_event": "start_aktorsinitiativ",
                "created_at": created,
                "updated_at": created,
                "created_by": "bench",
                "lock_version": 1,
                "state": {},
                "data": {"beviljat_belopp_sek": 50000 + i} if i % 3 == 0 else {},
                "active_elements": [element.id],
                "is_demo": True,
            }
        )
        if at_timer:
            timer_rows.append(
                {
                    "id": str(uuid.uuid4()),
                    "case_id": i,
                    "element_id": element.id,
                    "attached_to": None,
                    "due_at": NOW + timedelta(days=i % 30),
                    "state": "waiting",
                    "attempts": 0,
                }
            )
        else:
            task_rows.append(
                {
                    "id": str(uuid.uuid4()),
                    "case_id": i,
                    "element_id": element.id,
                    "name": element.name,
                    "role": element.role or "kontaktperson",
                    "phase": element.phase,
                    "created_at": created,
                    "due_at": created + timedelta(days=14 + i % 60),
                    "state": "open",
                }
            )
    with engine.db.begin() as conn:
        for table, rows in ((schema.cases, case_rows), (schema.tasks, task_rows), (schema.timers, timer_rows)):
            for start in range(0, len(rows), 2000):
                conn.execute(table.insert(), rows[start : start + 2000])


def measure(client: object, path: str, n: int) -> tuple[float, float]:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(path)  # type: ignore[attr-defined]
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return percentiles(times)


def analyze(engine: Samverkan) -> None:
    """Fresh statistics for the bulk-loaded tables only (a bare ANALYZE would walk every schema)."""
    tables = ", ".join(t.name for t in (schema.cases, schema.tasks, schema.timers, schema.history))
    with engine.db.begin() as conn:
        conn.exec_driver_sql(f"ANALYZE {tables}" if conn.dialect.name == "postgresql" else "ANALYZE")


def empty_engine(url: str) -> Samverkan:
    """An engine at NOW on ``url`` with the tables and the example areas, nothing else."""
    engine = Samverkan(db=make_engine(url), clock=FixedClock(NOW))
    create_schema(engine.db)
    reference.load_example_areas(engine)
    return engine


def run(url: str, cases: int, requests: int, fresh_stats: bool) -> dict[str, tuple[float, float]]:
    engine = empty_engine(url)
    try:
        started = time.perf_counter()
        populate(engine, cases)
        if fresh_stats:
            analyze(engine)
        elapsed = time.perf_counter() - started
        print(f"{cases} aktiva ärenden inlagda på {elapsed:.1f} s ({engine.db.dialect.name})", flush=True)
        page, api = chef_clients(engine)
        results = {}
        for path in PATHS:
            client = api if path.startswith("/api/") else page
            client.get(path)  # warm: templates, process definition, pool
            results[path] = measure(client, path, requests)
        return results
    finally:
        engine.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--no-analyze", action="store_true", help="skip ANALYZE after the bulk insert")
    parser.add_argument("--database-url", help="only this database instead of SQLite and PostgreSQL")
    args = parser.parse_args()
    fresh_stats = not args.no_analyze
    table: dict[str, dict[str, tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if args.database_url:
            table[make_engine(args.database_url).dialect.name] = run(
                args.database_url, args.cases, args.requests, fresh_stats
            )
        else:
            table["sqlite"] = run(f"sqlite:///{tmp}/bench.sqlite3", args.cases, args.requests, fresh_stats)
            with optional_pg_schema("bench_overview") as url:
                if url is not None:
                    table["postgresql"] = run(url, args.cases, args.requests, fresh_stats)
    print(f"\nServertid, {args.cases} aktiva ärenden, n={args.requests} per sökväg, ms (mål < 150 för översikten)")
    header = "".join(f"{db + ' p50':>16}{db + ' p95':>16}" for db in table)
    print(f"{'sökväg':<20}{header}")
    for path in PATHS:
        cells = "".join(f"{table[db][path][0]:>16.1f}{table[db][path][1]:>16.1f}" for db in table)
        print(f"{path:<20}{cells}")
    summary = {
        f"{db} {path} p50/p95 ms": f"{p50:.1f} / {p95:.1f}"
        for db, paths in table.items()
        for path, (p50, p95) in paths.items()
    }
    print("RESULT " + json.dumps({"overview": summary}))


if __name__ == "__main__":
    main()
