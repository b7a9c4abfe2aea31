"""Cost of one durable step vs the same step in raw, in-memory SpiffWorkflow.

The step: complete `bedomning` (tillstyrk) of the samverkansstöd model, which runs the
gateway and opens `namndbeslut`. Durable = through the engine (one transaction: load the
case, run SpiffWorkflow, save state, case row, task and timer indexes, history) on SQLite
and PostgreSQL. Raw = the same completion on a workflow already in memory, no database,
no serialization. Prints median and p95 per step and the ratio to raw, measured in one run.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import JSON, Column, Integer, MetaData, Table, bindparam, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import optional_pg_schema, percentiles  # noqa: E402
from engine import cases, processes, queries, reference  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.context import SYSTEM, Samverkan, User  # noqa: E402
from engine.db import create_schema, make_engine, writer  # noqa: E402
from engine.forms import FormLibrary  # noqa: E402
from engine.runtime import Runtime  # noqa: E402
from engine.workflow_cache import WorkflowCache  # noqa: E402
from samverkan_cli.sample import sample_data  # noqa: E402

MODEL = (ROOT / "samverkan_data" / "bpmn" / "samverkansstod.bpmn").read_bytes()
FORMS = FormLibrary()
KP = User("bench", frozenset({"kontaktperson"}))
SPINE = ("registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan")
STEP = "bedomning"
N = int(os.environ.get("BENCH_N", "200"))


def _data(element: str) -> dict[str, object]:
    return sample_data(element, FORMS.schema(element))


def raw_spiff() -> list[float]:
    clock = FixedClock(datetime(2027, 3, 1, tzinfo=UTC))
    runtime = Runtime()
    at = clock.now()
    engine = Samverkan(db=make_engine("sqlite://"), clock=clock)
    definition = engine.reader.load(MODEL)
    times = []
    for _ in range(N):
        workflow = runtime.create(definition, "start_aktorsinitiativ")
        runtime.run(workflow, at)
        for element in SPINE:
            [task] = runtime.open_user_tasks(workflow)
            runtime.complete(workflow, task.id, _data(element), at)
            runtime.run(workflow, at)
        [task] = runtime.open_user_tasks(workflow)
        data = _data(STEP)
        start = time.perf_counter()
        runtime.complete(workflow, task.id, data, at)
        runtime.run(workflow, at)
        times.append(time.perf_counter() - start)
    return times


def prepared(url: str, cached: bool = True) -> tuple[Samverkan, list[str]]:
    """An engine on ``url`` with N cases, each waiting at `bedomning`; returns those task ids."""
    engine = Samverkan(db=make_engine(url), clock=FixedClock(datetime(2027, 3, 1, tzinfo=UTC)), forms=FORMS)
    if not cached:
        engine.workflows = WorkflowCache(size=0)  # every step decodes the stored state
    create_schema(engine.db)
    reference.load_example_areas(engine)
    processes.deploy(engine, SYSTEM, MODEL)
    task_ids = []
    for i in range(N):
        case_id = cases.start_case(engine, KP, "samverkansstod", f"Bänk {i}", "start_aktorsinitiativ")
        for element in SPINE:
            [task] = queries.get_case(engine, case_id)["open_tasks"]
            cases.complete_task(engine, KP, task["id"], _data(element))
        task_ids.append(queries.get_case(engine, case_id)["open_tasks"][0]["id"])
    return engine, task_ids


def durable(url: str, cached: bool = True) -> list[float]:
    engine, task_ids = prepared(url, cached)
    times = []
    data = _data(STEP)
    for task_id in task_ids:
        start = time.perf_counter()
        cases.complete_task(engine, KP, task_id, data)
        times.append(time.perf_counter() - start)
    engine.db.dispose()
    return times


def floor(url: str) -> list[float]:
    """The least a durable step can cost on this database: read a row, write it back, commit.

    Same stack (SQLAlchemy, the driver, our JSON), one ~5 kB JSON value, no engine at all.
    """
    db = make_engine(url)
    table = Table("floor_probe", MetaData(), Column("id", Integer, primary_key=True), Column("state", JSON))
    table.create(db)
    value = {"tasks": [[uuid.uuid4().hex, i, [i + 1], 64, f"steg_{i}", 1.0, False, None, {}] for i in range(60)]}
    with db.begin() as conn:
        conn.execute(table.insert(), {"id": 1, "state": value})
    read = select(table.c.state).where(table.c.id == 1)
    write = table.update().where(table.c.id == 1).values(state=bindparam("state"))
    times = []
    for _ in range(N):
        start = time.perf_counter()
        with writer(db).begin() as conn:
            conn.execute(read).scalar_one()
            conn.execute(write, {"state": value})
        times.append(time.perf_counter() - start)
    db.dispose()
    return times


def _with_pg_schema(run: Callable[[str], list[float]]) -> list[float] | None:
    with optional_pg_schema() as url:
        return None if url is None else run(url)


def main() -> None:
    raw = raw_spiff()
    with tempfile.TemporaryDirectory() as tmp:
        runs: dict[str, list[float] | None] = {
            "sqlite": durable(f"sqlite:///{tmp}/bench.sqlite3"),
            "sqlite_decoded": durable(f"sqlite:///{tmp}/decoded.sqlite3", cached=False),
            "sqlite_floor": floor(f"sqlite:///{tmp}/floor.sqlite3"),
        }
    runs["postgresql"] = _with_pg_schema(durable)
    runs["postgresql_decoded"] = _with_pg_schema(lambda url: durable(url, cached=False))
    runs["postgresql_floor"] = _with_pg_schema(floor)
    raw_p50, _ = percentiles(raw)
    labels = {
        "sqlite": "engine, SQLite",
        "sqlite_decoded": "  the same, state decoded",
        "sqlite_floor": "  database floor (read+write+commit)",
        "postgresql": "engine, PostgreSQL",
        "postgresql_decoded": "  the same, state decoded",
        "postgresql_floor": "  database floor (read+write+commit)",
    }
    print(f"Complete `{STEP}` of the samverkansstöd model, n={N} (ms)")
    print(f"{'variant':<38}{'p50':>9}{'p95':>9}{'p50 / raw':>11}")
    summary = {"raw_ms": raw_p50 * 1000}
    for key, samples in [("raw", raw), *runs.items()]:
        if samples is None:
            continue
        p50, p95 = percentiles(samples)
        label = labels.get(key, "raw SpiffWorkflow (in memory)")
        print(f"{label:<38}{p50 * 1000:>9.2f}{p95 * 1000:>9.2f}{p50 / raw_p50:>10.1f}x")
        summary[f"{key}_ms"] = p50 * 1000
    print("RESULT " + json.dumps({"step": summary}))


if __name__ == "__main__":
    main()
