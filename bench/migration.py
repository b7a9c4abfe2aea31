"""Time the preview and the move of 10,000 running cases to a new version (SQLite and PostgreSQL).

Five real cases are run through the engine to five positions of samverkansstöd (before the
first meeting, at it, early resident involvement, the application, the assessment); each is then
copied with fresh task ids until there are ``--cases`` of them. Version 2 changes the first
meeting's reminder (14 to 7 days), so the cases waiting there get their timer planned again.
Targets (issue 19): preview ≤ 5 s, move ≥ 500 cases/s on PostgreSQL.
Usage: .venv/bin/python bench/migration.py [--cases 10000] [--move N] (``--move``: time moving only N of them)
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import copy_cases, pg_schema  # noqa: E402
from engine import cases, migration, processes, queries, reference  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.context import SYSTEM, Samverkan, User  # noqa: E402
from engine.db import create_schema, make_engine  # noqa: E402
from engine.workflow_cache import WorkflowCache  # noqa: E402
from samverkan_cli.sample import sample_data  # noqa: E402

MODEL = ROOT / "samverkan_data" / "bpmn" / "samverkansstod.bpmn"
START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
KIM = User("kim", frozenset({"kontaktperson", "namndsekreterare", "admin"}))
OWNER = User("petra", frozenset({"processagare"}))
PATHS = ((), ("registrera_initiativ",), ("registrera_initiativ", "forsta_mote"),
         ("registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering"),
         ("registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan"))  # fmt: skip
REMINDER = '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P14D"</bpmn:timeDuration>'


def _templates(engine: Samverkan) -> list[int]:
    made = []
    for path in PATHS:
        case_id = cases.start_case(engine, KIM, "samverkansstod", "Mall")
        for element in path:
            [task] = [t for t in queries.get_case(engine, case_id)["open_tasks"] if t["element_id"] == element]
            data = sample_data(element, engine.forms.schema(element))
            cases.complete_task(engine, KIM, task["id"], data)
        made.append(case_id)
    return made


def run(url: str, count: int, move: int | None = None) -> tuple[float, float, int]:
    engine = Samverkan(db=make_engine(url), clock=FixedClock(START))
    engine.workflows = WorkflowCache(size=0)  # every move decodes its case, as after a restart
    create_schema(engine.db)
    reference.load_example_areas(engine)
    processes.deploy(engine, SYSTEM, MODEL.read_bytes())
    copy_cases(engine, _templates(engine), count)
    xml = MODEL.read_text(encoding="utf-8").replace(REMINDER, REMINDER.replace("P14D", "P7D"))
    processes.deploy(engine, SYSTEM, xml.encode(), "Påminnelse om första mötet efter 7 dagar")
    began = time.perf_counter()
    preview = migration.preview(engine, OWNER, "samverkansstod", 1, 2)
    preview_s = time.perf_counter() - began
    assert len(preview.movable) == count and not preview.blocked, preview.blocked[:3]
    chosen = None if move is None else preview.movable[:move]
    began = time.perf_counter()
    moved = migration.migrate(engine, OWNER, "samverkansstod", 1, 2, chosen)
    move_s = time.perf_counter() - began
    assert len(moved.movable) == (count if move is None else move), moved.blocked[:3]
    engine.db.dispose()
    return preview_s, move_s, len(moved.movable)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--move", type=int, default=None, help="move only this many (default: all)")
    args = parser.parse_args()
    count, move = args.cases, args.move
    results: list[tuple[str, float, float, int]] = []
    with tempfile.TemporaryDirectory() as tmp:
        results.append(("SQLite", *run(f"sqlite:///{Path(tmp) / 'migration.sqlite3'}", count, move)))
    with pg_schema() as url:
        results.append(("PostgreSQL", *run(url, count, move)))
    moving = f"{move:,} of them" if move is not None else "all"
    print(f"Preview of {count:,} running cases, moving {moving} from version 1 to 2 (a transaction per case)")
    print(
        f"{'database':<12} {'preview s':>10} {'move s':>9} {'cases/s':>9}   targets: preview ≤ 5 s, ≥ 500 cases/s (PG)"
    )
    for database, preview_s, move_s, n in results:
        print(f"{database:<12} {preview_s:>10.2f} {move_s:>9.1f} {n / move_s:>9.0f}")
    figures = {db: {"preview_s": p, "cases_per_s": n / m} for db, p, m, n in results}
    print("RESULT " + json.dumps({"migration": {"cases": count, **figures}}))


if __name__ == "__main__":
    main()
