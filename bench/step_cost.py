"""Cost of one durable step vs the same step in raw, in-memory SpiffWorkflow.

Completes the `ansok` user task of tests/bpmn/two_lanes.bpmn (user task, exclusive gateway,
end / next user task) N times: through the engine on SQLite and PostgreSQL (one transaction:
load, run, save, indexes, history), and in raw SpiffWorkflow with no database.
Prints a table of median and p95 per step and the ratio to raw, all measured in one run.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from engine import cases, processes, queries  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.context import Samverkan, User  # noqa: E402
from engine.db import create_schema, make_engine  # noqa: E402
from engine.forms import FormLibrary  # noqa: E402

BPMN = (ROOT / "tests" / "bpmn" / "two_lanes.bpmn").read_bytes()
FORMS = FormLibrary(ROOT / "tests" / "forms")
OWNER = User("bench", frozenset({"processagare", "kontaktperson"}))
DATA = {"belopp": 20000, "beskrivning": "Bänkar"}
N = int(os.environ.get("BENCH_N", "300"))
PG = os.environ.get("SAMVERKAN_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def raw_spiff() -> list[float]:
    from lxml import etree
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.spiff.parser.process import VALIDATOR, SpiffBpmnParser
    from SpiffWorkflow.util.task import TaskState

    parser = SpiffBpmnParser(validator=VALIDATOR)
    parser.add_bpmn_xml(etree.fromstring(BPMN).getroottree(), filename="two_lanes.bpmn")
    spec = parser.get_spec("handlaggning")
    times = []
    for _ in range(N):
        workflow = BpmnWorkflow(spec)
        workflow.do_engine_steps()
        [task] = workflow.get_tasks(state=TaskState.READY, manual=True)
        start = time.perf_counter()
        task.data.update(DATA)
        task.run()
        workflow.do_engine_steps()
        times.append(time.perf_counter() - start)
    return times


def durable(url: str) -> list[float]:
    engine = Samverkan(db=make_engine(url), clock=FixedClock(datetime(2027, 3, 1, tzinfo=UTC)), forms=FORMS)
    create_schema(engine.db)
    processes.deploy(engine, OWNER, BPMN)
    task_ids = []
    for i in range(N):
        case_id = cases.start_case(engine, OWNER, "handlaggning", f"Bänk {i}", "start_a")
        task_ids.append(queries.get_case(engine, case_id)["open_tasks"][0]["id"])
    times = []
    for task_id in task_ids:
        start = time.perf_counter()
        cases.complete_task(engine, OWNER, task_id, DATA)
        times.append(time.perf_counter() - start)
    engine.db.dispose()
    return times


def _with_pg_schema(run: Callable[[str], list[float]]) -> list[float] | None:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    try:
        admin = create_engine(PG, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
    except Exception as err:  # no PostgreSQL here: report and go on with SQLite only
        print(f"(PostgreSQL hoppas över: {err.__class__.__name__})")
        return None
    try:
        return run(f"{PG}?options=-csearch_path%3D{name}")
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))


def main() -> None:
    raw = raw_spiff()
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = durable(f"sqlite:///{tmp}/bench.sqlite3")
    pg = _with_pg_schema(durable)
    raw_p50, raw_p95 = _percentiles(raw)
    print(f"Complete one user task, n={N} (ms)")
    print(f"{'variant':<28}{'p50':>10}{'p95':>10}{'p50 / raw':>12}")
    for label, samples in (("raw SpiffWorkflow (memory)", raw), ("engine, SQLite", sqlite), ("engine, PostgreSQL", pg)):
        if samples is None:
            continue
        p50, p95 = _percentiles(samples)
        print(f"{label:<28}{p50 * 1000:>10.2f}{p95 * 1000:>10.2f}{p50 / raw_p50:>11.1f}x")


if __name__ == "__main__":
    main()
