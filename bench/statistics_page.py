"""Server time of /statistik and GET /api/v1/statistics with 10,000 cases over three years.

Cases and their ``case_figures`` rows are bulk-inserted (a read benchmark needs no workflow
state): every start and end event, decisions with amounts, reports late and on time,
participants per target group, and some open reports past their deadline. Prints p50/p95 of
the page (logged in as chef), the API and the page filtered to one year and area, on SQLite
and PostgreSQL (a schema of its own, dropped afterwards), plus a line `RESULT {json}`.
Target: the page ≤ 300 ms.
Usage: python bench/statistics_page.py [--cases 10000] [--requests 20] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import chef_clients, optional_pg_schema, percentiles  # noqa: E402
from bench.overview import NOW, analyze, empty_engine  # noqa: E402
from engine import processes, reference, schema  # noqa: E402
from engine.context import SYSTEM, Samverkan  # noqa: E402
from engine.db import make_engine  # noqa: E402

TARGET_MS = 300
STARTS = ("start_aktorsinitiativ", "start_stadsinitiativ")
ENDS = (None, None, "slut_avslutat", "slut_avslag", "slut_avstyrkt", "slut_utan_beslut")
GROUPS = ("boende", "fastighetsagare", "naringsliv", "foreningsliv", "annan")


def populate(engine: Samverkan, n: int) -> None:
    processes.deploy(engine, SYSTEM, (ROOT / "samverkan_data" / "bpmn" / "samverkansstod.bpmn").read_bytes())
    areas = [a["id"] for a in reference.list_areas(engine)]
    case_rows, figure_rows, task_rows = [], [], []
    for i in range(1, n + 1):
        created = NOW - timedelta(days=i % 1095, hours=i % 24)
        end = ENDS[i % len(ENDS)]
        decided = created + timedelta(days=30 + i % 90)
        case_rows.append(
            {
                "id": i,
                "title": f"Bänkärende {i}",
                "process_id": "samverkansstod",
                "process_version": 1,
                "status": "completed" if end else "active",
                "end_event": end,
                "area": areas[i % len(areas)],
                "phase": "Avslut" if end else "Genomförande och uppföljning",
                "start_event": STARTS[i % 3 == 0],
                "created_at": created,
                "updated_at": created,
                "created_by": "bench",
                "lock_version": 1,
                "state": {},
                "data": {},
                "active_elements": [],
                "is_demo": True,
            }
        )
        if i % 5 == 0:
            continue  # not far enough for any figure
        granted = end not in ("slut_avslag", "slut_avstyrkt", "slut_utan_beslut") and i % 4 != 0
        reports = (i % 4) if granted else 0
        figure_rows.append(
            {
                "case_id": i,
                "applied_sek": 50_000 + (i % 40) * 5_000,
                "granted_sek": 40_000 + (i % 30) * 5_000 if granted else 0,
                "decision": ("beviljat" if i % 2 else "delvis_beviljat") if granted else "avslag",
                "decided_on": decided.date().isoformat(),
                "first_report_on": (decided + timedelta(days=150 + i % 60)).date().isoformat() if reports else None,
                "used_sek": reports * 20_000,
                "residents_reached": 10 + i % 90,
                "participants": {GROUPS[k]: (i * (k + 1)) % 80 for k in range(i % len(GROUPS) + 1)},
                "report_numbers": list(range(1, reports + 1)),
                "reports_submitted": reports,
                "reports_late": reports // 2,
                "figures_state": {},
                "updated_at": NOW,
            }
        )
        if granted and end is None and i % 7 == 0:
            task_rows.append(
                {
                    "id": str(uuid.uuid4()),
                    "case_id": i,
                    "element_id": "uppfoljningsrapport",
                    "name": "Lämna uppföljningsrapport",
                    "role": "kontaktperson",
                    "phase": "Genomförande och uppföljning",
                    "created_at": NOW - timedelta(days=40),
                    "due_at": NOW - timedelta(days=10),
                    "state": "open",
                    "context": {"uppfoljning_nr": reports + 1},
                }
            )
    with engine.db.begin() as conn:
        for table, rows in ((schema.cases, case_rows), (schema.case_figures, figure_rows), (schema.tasks, task_rows)):
            for start in range(0, len(rows), 2000):
                conn.execute(table.insert(), rows[start : start + 2000])


def measure(client: object, path: str, n: int) -> tuple[float, float, float]:
    """p50 and p95 wall time and p50 CPU time of this process, ms: the machine may be shared."""
    wall, cpu = [], []
    for _ in range(n):
        started, cpu_started = time.perf_counter(), time.process_time()
        response = client.get(path)  # type: ignore[attr-defined]
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return *percentiles(wall), statistics.median(cpu)


def run(url: str, cases: int, requests: int) -> dict[str, tuple[float, float, float]]:
    engine = empty_engine(url)
    try:
        started = time.perf_counter()
        populate(engine, cases)
        analyze(engine)
        with engine.db.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("ANALYZE case_figures")
        print(f"{cases} ärenden inlagda på {time.perf_counter() - started:.1f} s ({engine.db.dialect.name})")
        page, api = chef_clients(engine)
        area = reference.list_areas(engine)[0]["id"]
        paths = ("/statistik", "/api/v1/statistics", f"/statistik?year={NOW.year - 1}&area={area}")
        results = {}
        for path, label in zip(paths, PATHS, strict=True):
            client = api if path.startswith("/api/") else page
            client.get(path)  # warm: templates, process definition, pool
            results[label] = measure(client, path, requests)
        return results
    finally:
        engine.db.dispose()


PATHS = ("/statistik", "/api/v1/statistics", "/statistik?year=&area=")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database-url", help="only this database instead of SQLite and PostgreSQL")
    args = parser.parse_args()
    table: dict[str, dict[str, tuple[float, float, float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        if args.database_url:
            table[make_engine(args.database_url).dialect.name] = run(args.database_url, args.cases, args.requests)
        else:
            table["sqlite"] = run(f"sqlite:///{tmp}/bench.sqlite3", args.cases, args.requests)
            with optional_pg_schema("bench_statistics") as url:
                if url is not None:
                    table["postgresql"] = run(url, args.cases, args.requests)
    load = os.getloadavg()[0]
    print(f"\nServertid, {args.cases} ärenden, n={args.requests} per sökväg, ms (mål ≤ {TARGET_MS} för sidan)")
    print(f"belastning (load average, 1 min) efteråt: {load:.1f}")
    header = "".join(f"{db + ' p50':>16}{db + ' p95':>16}{db + ' cpu':>16}" for db in table)
    print(f"{'sökväg':<26}{header}")
    for path in PATHS:
        cells = "".join("".join(f"{v:>16.1f}" for v in table[db][path]) for db in table)
        print(f"{path:<26}{cells}")
    rows = [
        {"db": db, "path": path, "p50_ms": p50, "p95_ms": p95, "cpu_p50_ms": cpu}
        for db, paths in table.items()
        for path, (p50, p95, cpu) in paths.items()
    ]
    result = {"cases": args.cases, "target_ms": TARGET_MS, "load": load, "rows": rows}
    print("RESULT " + json.dumps({"statistics": result}))


if __name__ == "__main__":
    main()
