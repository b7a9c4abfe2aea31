"""Where a durable step's time goes: a pyinstrument profile of completing `bedomning`.

Not part of `make bench` (it prints a call tree, not figures). Run it after a change to the
hot path: `.venv/bin/python bench/profile_step.py [sqlite|postgresql]`. The profiler slows
Python code about twofold, so read the tree for shares, not for milliseconds.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import UTC, datetime

from pyinstrument import Profiler

from step_cost import FORMS, KP, MODEL, SPINE, STEP, _data, _with_pg_schema  # isort: skip

from engine import cases, processes, queries, reference  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.context import SYSTEM, Samverkan  # noqa: E402
from engine.db import create_schema, make_engine  # noqa: E402

N = 200


def profile(url: str) -> list[float]:
    engine = Samverkan(db=make_engine(url), clock=FixedClock(datetime(2027, 3, 1, tzinfo=UTC)), forms=FORMS)
    create_schema(engine.db)
    reference.load_example_areas(engine)
    processes.deploy(engine, SYSTEM, MODEL)
    task_ids = []
    for i in range(N):
        case_id = cases.start_case(engine, KP, "samverkansstod", f"Profil {i}", "start_aktorsinitiativ")
        for element in SPINE:
            [task] = queries.get_case(engine, case_id)["open_tasks"]
            cases.complete_task(engine, KP, task["id"], _data(element))
        task_ids.append(queries.get_case(engine, case_id)["open_tasks"][0]["id"])
    data = _data(STEP)
    profiler = Profiler(interval=0.0001)
    profiler.start()
    for task_id in task_ids:
        cases.complete_task(engine, KP, task_id, data)
    profiler.stop()
    print(profiler.output_text(unicode=True, color=False))
    engine.db.dispose()
    return []


def main() -> None:
    if sys.argv[1:] == ["postgresql"]:
        _with_pg_schema(profile)
        return
    with tempfile.TemporaryDirectory() as tmp:
        profile(f"sqlite:///{tmp}/profile.sqlite3")


if __name__ == "__main__":
    main()
