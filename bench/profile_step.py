"""Where a durable step's time goes: a pyinstrument profile of completing `bedomning`.

Not part of `make bench` (it prints a call tree, not figures). Run it after a change to the
hot path: `.venv/bin/python bench/profile_step.py [sqlite|postgresql]`. The profiler slows
Python code about twofold, so read the tree for shares, not for milliseconds.
"""

from __future__ import annotations

import sys
import tempfile

from pyinstrument import Profiler
from step_cost import KP, STEP, _data, _with_pg_schema, prepared

from engine import cases


def profile(url: str) -> list[float]:
    engine, task_ids = prepared(url)
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
