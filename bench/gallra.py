"""Time ``samverkan gallra`` over 10,000 cases ended four years ago, on SQLite and PostgreSQL.

One case is run through the real samverkansstöd model with personal values in every personal
field and a file (initiative, first meeting, early involvement, application, complement, declined);
its rows (case, tasks, history, attachment with its file) are then copied to make the rest. Each
database gets the dry run first, then the real run (one transaction per case), then a second run
that must find nothing. Usage: .venv/bin/python bench/gallra.py [--cases 10000]
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
from typing import Any

from sqlalchemy import Connection, func, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import pg_schema  # noqa: E402
from engine import attachments, reference, retention, schema  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.context import Samverkan  # noqa: E402
from engine.db import create_schema, make_engine  # noqa: E402
from engine.forms import FormLibrary  # noqa: E402
from tests.personal_case import ADA, BO, filled_case  # noqa: E402
from tests.samverkansstod import Driver  # noqa: E402

START = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
LATER = START + timedelta(days=4 * 365)
BATCH = 500


def _copies(conn: Connection, store: attachments.Store, count: int) -> None:
    """``count - 1`` copies of case 1 with everything on it (new ids; the file copied too)."""
    c, t, h, a = schema.cases, schema.tasks, schema.history, schema.attachments
    case = dict(conn.execute(select(c).where(c.c.id == 1)).one()._mapping)
    tasks = [dict(r._mapping) for r in conn.execute(select(t).where(t.c.case_id == 1))]
    history = [dict(r._mapping) for r in conn.execute(select(h).where(h.c.case_id == 1))]
    files = [dict(r._mapping) for r in conn.execute(select(a).where(a.c.case_id == 1))]
    content = {f["id"]: store.path(f["id"]).read_bytes() for f in files}
    for first in range(2, count + 1, BATCH):
        ids = range(first, min(first + BATCH, count + 1))
        case_rows, task_rows, history_rows, file_rows = [], [], [], []
        for case_id in ids:
            text_of: dict[str, str] = {}
            for row in tasks:
                text_of[row["id"]] = str(uuid.uuid4())
            for row in files:
                text_of[row["id"]] = str(uuid.uuid4())
                store.path(text_of[row["id"]]).write_bytes(content[row["id"]])
            case_rows.append({**_swap(case, text_of), "id": case_id})
            task_rows += [{**_swap(r, text_of), "case_id": case_id} for r in tasks]
            history_rows += [{**_swap(r, text_of), "case_id": case_id, "id": None} for r in history]
            file_rows += [{**_swap(r, text_of), "case_id": case_id} for r in files]
        conn.execute(c.insert(), case_rows)
        conn.execute(t.insert(), task_rows)
        conn.execute(h.insert(), [{k: v for k, v in r.items() if k != "id"} for r in history_rows])
        conn.execute(a.insert(), file_rows)


def _swap(row: dict[str, Any], ids: dict[str, str]) -> dict[str, Any]:
    """The row with every old task/attachment id replaced by its copy's (JSON included)."""
    out: dict[str, Any] = {}
    for key, value in row.items():
        if isinstance(value, str) and value in ids:
            out[key] = ids[value]
        elif isinstance(value, (dict, list)):
            encoded = json.dumps(value)
            for old, new in ids.items():
                encoded = encoded.replace(old, new)
            out[key] = json.loads(encoded)
        else:
            out[key] = value
    return out


def run(url: str, folder: Path, count: int) -> dict[str, float]:
    clock = FixedClock(START)
    engine = Samverkan(db=make_engine(url), clock=clock, forms=FormLibrary())
    create_schema(engine.db)
    reference.load_example_areas(engine)
    store = attachments.Store(folder)
    folder.mkdir(parents=True, exist_ok=True)
    filled_case(Driver(engine, clock), store, "Ljus på gården", ADA, BO)
    began = time.perf_counter()
    with engine.write() as conn:
        _copies(conn, store, count)
    built = time.perf_counter() - began
    clock.set(LATER)
    began = time.perf_counter()
    dry = retention.gallra(engine, store, dry_run=True)
    dry_s = time.perf_counter() - began
    began = time.perf_counter()
    done = retention.gallra(engine, store)
    run_s = time.perf_counter() - began
    began = time.perf_counter()
    again = retention.gallra(engine, store)
    again_s = time.perf_counter() - began
    assert len(dry.cases) == len(done.cases) == count and again.cases == []
    with engine.db.connect() as conn:
        left = conn.execute(select(func.count()).select_from(schema.attachments)).scalar_one()
    assert left == 0 and not any(folder.iterdir())
    engine.db.dispose()
    return {"build_s": built, "dry_s": dry_s, "run_s": run_s, "again_s": again_s}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    count = parser.parse_args().cases
    rows: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        rows["SQLite"] = run(f"sqlite:///{tmp}/gallra.sqlite3", Path(tmp) / "sqlite-files", count)
        with pg_schema() as url:
            rows["PostgreSQL"] = run(url, Path(tmp) / "pg-files", count)
    print(f"`samverkan gallra` over {count} cases ended four years ago (one transaction per case)")
    print(f"{'database':<12} {'dry run s':>10} {'gallra s':>9} {'cases/s':>8} {'2nd run s':>10}")
    for database, r in rows.items():
        print(f"{database:<12} {r['dry_s']:>10.1f} {r['run_s']:>9.1f} {count / r['run_s']:>8.0f} {r['again_s']:>10.2f}")
    summary = {f"{db} gallra s": r["run_s"] for db, r in rows.items()}
    summary |= {f"{db} dry run s": r["dry_s"] for db, r in rows.items()}
    print("RESULT " + json.dumps({f"gallra, {count:,} ended cases": summary}))


if __name__ == "__main__":
    main()
