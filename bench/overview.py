"""Server time of the managers' overview with 10,000 active cases spread over the flow.

Rows are bulk-inserted straight into cases/tasks/timers (a read benchmark needs no real
workflow state). Prints p50/p95 of `/overview` (page, logged in as chef) and
`GET /api/v1/overview` over N requests through Flask's test client.
Usage: python bench/overview.py [--cases 10000] [--requests 50] [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import accounts, processes, reference, schema  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.context import SYSTEM, Samverkan  # noqa: E402
from engine.db import create_schema, make_engine  # noqa: E402
from web import create_app  # noqa: E402

NOW = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)


def populate(engine: Samverkan, n: int) -> None:
    processes.deploy(engine, SYSTEM, (ROOT / "bpmn" / "samverkansstod.bpmn").read_bytes())
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
                "id": i, "title": f"Bänkärende {i}", "process_id": "samverkansstod", "process_version": 1,
                "status": "active", "area": areas[i % len(areas)], "phase": element.phase,
                "start_event": "start_aktorsinitiativ", "created_at": created, "updated_at": created,
                "created_by": "bench", "lock_version": 1, "state_version": 1, "state": {},
                "data": {"beviljat_belopp_sek": 50000 + i} if i % 3 == 0 else {},
                "active_elements": [element.id], "is_demo": True,
            }
        )
        if at_timer:
            timer_rows.append(
                {"id": str(uuid.uuid4()), "case_id": i, "element_id": element.id, "attached_to": None,
                 "due_at": NOW + timedelta(days=i % 30), "state": "waiting", "attempts": 0}
            )
        else:
            task_rows.append(
                {"id": str(uuid.uuid4()), "case_id": i, "element_id": element.id, "name": element.name,
                 "role": element.role or "kontaktperson", "phase": element.phase, "created_at": created,
                 "due_at": created + timedelta(days=14 + i % 60), "state": "open"}
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
    times.sort()
    return statistics.median(times), times[max(0, int(len(times) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
        engine = Samverkan(db=make_engine(url), clock=FixedClock(NOW))
        create_schema(engine.db)
        reference.load_example_areas(engine)
        started = time.perf_counter()
        populate(engine, args.cases)
        elapsed = time.perf_counter() - started
        print(f"{args.cases} aktiva ärenden inlagda på {elapsed:.1f} s ({engine.db.dialect.name})")
        accounts.add_user(engine, "chef", ["chef"], "lösenord-123")
        token = accounts.new_token(engine, "chef")
        app = create_app({"TESTING": True}, engine=engine)
        page = app.test_client()
        with page.session_transaction() as session:
            session["username"] = "chef"
        api = app.test_client()
        api.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        print(f"{'sökväg':<22}{'p50 ms':>10}{'p95 ms':>10}  (n={args.requests})")
        for label, client, path in (
            ("/overview", page, "/overview"),
            ("/api/v1/overview", api, "/api/v1/overview"),
            ("/areas", page, "/areas"),
        ):
            p50, p95 = measure(client, path, args.requests)
            print(f"{label:<22}{p50:>10.1f}{p95:>10.1f}")


if __name__ == "__main__":
    main()
