"""Where the server's CPU for one `POST /api/v1/tasks/{id}/complete` goes, on PostgreSQL.

The HTTP bench (http_complete.py) measures the total from /proc; this one splits it. The app
runs in this process and is called as gunicorn calls it (WSGI, no socket), on cases another
process made, so every completion decodes the stored state as a gunicorn worker would. Each
part is user + system CPU of this process (``time.process_time``) summed over the completions,
by wrapping the part's function; parts nest as indented. The last rows are the driver's floor
on this machine: what psycopg alone spends per statement, without SQLAlchemy or our code.
"""

from __future__ import annotations

import functools
import json
import os
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from werkzeug.test import EnvironBuilder  # noqa: E402

from bench.common import PG, create_pg_schema, drop_pg_schema, schema_url  # noqa: E402
from bench.http_complete import _prepare  # noqa: E402

N = int(os.environ.get("BENCH_N", "600"))
WARM = 20
TARGET_MS = 1.5

# (label, module, owner attribute or None for a module function, function name); indented labels nest.
PARTS = (
    ("token lookup", "engine.accounts", None, "user_for_token"),
    ("complete_task (the use case)", "engine.cases", None, "complete_task"),
    ("  load task and case (query, state decode)", "engine.step", "Step", "for_task"),
    ("    state decode", "engine.runtime", "Runtime", "load"),
    ("  SpiffWorkflow: complete the task", "engine.runtime", "Runtime", "complete"),
    ("  SpiffWorkflow: run to the next wait", "engine.runtime", "Runtime", "run"),
    ("  save (state, case row, tasks, timers, history)", "engine.step", "Step", "save"),
    ("    state encode", "engine.runtime", "Runtime", "dump"),
    ("    write statements (values processed, sent or queued)", "engine.prepared", "Prepared", "execute"),
)


def _wrap(spent: Counter[str], label: str, module: str, owner: str | None, name: str) -> None:
    """Replace the function by one that adds its CPU to ``spent[label]`` (only the outermost call counts)."""
    target: Any = sys.modules[module] if owner is None else getattr(sys.modules[module], owner)
    inner: Callable[..., Any] = getattr(target, name)
    depth = [0]

    @functools.wraps(inner)
    def timed(*args: Any, **kwargs: Any) -> Any:
        depth[0] += 1
        start = time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            depth[0] -= 1
            if depth[0] == 0:
                spent[label] += time.process_time() - start

    setattr(target, name, timed)  # callers reach it through the module or class, so they see the wrapper


def split(url: str) -> tuple[float, dict[str, float]]:
    token, task_ids, data = _prepare(url, N + WARM)
    os.environ.update(DATABASE_URL=url, SAMVERKAN_SECRET_KEY="bench")
    import engine.accounts
    import engine.cases
    import engine.prepared
    import engine.runtime
    import engine.step
    from web import create_app

    del engine  # imported for sys.modules
    app = create_app()
    body = json.dumps({"data": data}).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    paths = [f"/api/v1/tasks/{task_id}/complete" for task_id in task_ids]
    environs = [EnvironBuilder(path=p, method="POST", data=body, headers=headers).get_environ() for p in paths]

    def start_response(status: str, _headers: Any, _exc: Any = None) -> None:
        if not status.startswith("200"):
            raise RuntimeError(f"completion answered {status}")

    def call(environ: dict[str, Any]) -> None:
        response = app(environ, start_response)
        b"".join(response)
        response.close()  # type: ignore[attr-defined]

    spent: Counter[str] = Counter()
    for label, module, owner, name in PARTS:
        _wrap(spent, label, module, owner, name)
    for environ in environs[:WARM]:
        call(environ)
    spent.clear()
    start = time.process_time()
    for environ in environs[WARM:]:
        call(environ)
    total = time.process_time() - start
    app.extensions["samverkan"].db.dispose()
    return total / N * 1000, {label: spent[label] / N * 1000 for label, *_ in PARTS}


def driver_floor() -> dict[str, float]:
    """psycopg alone, µs of CPU: one round trip (``SELECT 1``), and one insert queued in a pipeline."""
    conninfo = PG.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(conninfo, autocommit=True) as conn, conn.cursor() as cur:
        cur.execute("CREATE TEMPORARY TABLE floor_probe (id int, v text)")
        start = time.process_time()
        for _ in range(2000):
            cur.execute("SELECT 1")
            cur.fetchone()
        trip = (time.process_time() - start) / 2000 * 1e6
        queued = 0.0
        for _ in range(200):
            with conn.transaction(), conn.pipeline():
                start = time.process_time()
                for i in range(10):
                    cur.execute("INSERT INTO floor_probe (id, v) VALUES (%s, %s)", (i, "x"))
                queued += time.process_time() - start
    return {"round_trip_us": trip, "pipelined_statement_us": queued / 2000 * 1e6}


def main() -> None:
    name = create_pg_schema()
    try:
        total, parts = split(schema_url(name))
    finally:
        drop_pg_schema(name)
    floor = driver_floor()
    print(f"Server CPU of one completion, in process (WSGI, no socket), PostgreSQL, n={N} (ms per completion)")
    print(f"{'whole request':<58}{total:>8.2f}{100:>6.0f} %")
    for label, _module, _owner, _name in PARTS:
        print(f"  {label:<56}{parts[label]:>8.2f}{parts[label] / total * 100:>6.0f} %")
    rest = total - parts["token lookup"] - parts["complete_task (the use case)"]
    print(f"  {'the rest: Flask, request hooks, JSON in and out':<56}{rest:>8.2f}{rest / total * 100:>6.0f} %")
    print(f"target for the whole request (from /proc in http_complete): ≤ {TARGET_MS} ms")
    print("psycopg alone on this machine (µs of CPU):")
    print(f"  one round trip, SELECT 1{floor['round_trip_us']:>41.0f}")
    print(f"  one insert queued in a pipeline{floor['pipelined_statement_us']:>34.0f}")
    result = {
        "request ms": total,
        **{f"{label.strip()} ms": ms for label, ms in parts.items()},
        "rest (Flask, hooks, JSON) ms": rest,
        "psycopg round trip us": floor["round_trip_us"],
        "psycopg pipelined statement us": floor["pipelined_statement_us"],
    }
    print("RESULT " + json.dumps({"http_cpu": result}))


if __name__ == "__main__":
    main()
