"""Memory of one gunicorn worker after 10,000 completions across 10,000 cases, on PostgreSQL.

Starts gunicorn with ONE sync worker on a fresh PostgreSQL schema (so that one process sees
every case and its workflow cache), prepares ``--cases`` cases waiting at `registrera_initiativ`
(one case started through the engine, the rest copies of its rows with task ids of their own,
as bench/migration.py makes them), then completes that task in each case over real HTTP, one
after the other, and samples the worker's resident set (VmRSS) every 1,000 completions.
Prints the samples, the final RSS beside the target (issue 22: ≤ 200 MB; the workflow cache is
bounded by total task objects, not only by count), the stored state per case (its JSON as text,
and as PostgreSQL stores it) and the database's size per 1,000 of these cases, plus `RESULT {json}`.
Usage: .venv/bin/python bench/memory.py [--cases 10000] [--every 1000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from sqlalchemy import text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.common import copy_cases, create_pg_schema, drop_pg_schema, schema_bytes, schema_url  # noqa: E402
from bench.http_complete import Client, gunicorn, worker_rss_mb  # noqa: E402
from engine import accounts, cases, schema  # noqa: E402
from engine.context import Samverkan, User  # noqa: E402
from samverkan_cli.main import init  # noqa: E402
from samverkan_cli.sample import sample_data  # noqa: E402

TARGET_MB = 200
KP = User("bench", frozenset({"kontaktperson"}))
ELEMENT = "registrera_initiativ"


def _size(engine: Samverkan) -> int:
    with engine.db.connect() as conn:
        return schema_bytes(conn)


def _prepare(url: str, count: int) -> tuple[str, list[str], dict[str, object], int]:
    """``count`` cases waiting at `registrera_initiativ`.

    Returns a token, their task ids (in case order), the form data and the database's size before any case.
    """
    engine = Samverkan.from_url(url)
    init(engine)
    empty = _size(engine)
    accounts.add_user(engine, "bench", ["kontaktperson"])
    token = accounts.new_token(engine, "bench")
    template = cases.start_case(engine, KP, "samverkansstod", "Bänk", "start_aktorsinitiativ")
    copy_cases(engine, [template], count)
    t = schema.tasks
    with engine.db.begin() as conn:
        conn.exec_driver_sql("ANALYZE cases, tasks, timers")
        task_ids = list(
            conn.execute(
                t.select()
                .with_only_columns(t.c.id)
                .where(t.c.element_id == ELEMENT, t.c.state == "open")
                .order_by(t.c.case_id)
            ).scalars()
        )
    assert len(task_ids) == count, (len(task_ids), count)
    data = sample_data(ELEMENT, engine.forms.schema(ELEMENT))
    engine.db.dispose()
    return token, task_ids, data, empty


def _complete_all(
    port: int, master: int, token: str, task_ids: list[str], data: dict[str, object], every: int
) -> tuple[list[tuple[int, float]], list[int]]:
    """Complete each task over HTTP in turn; returns [(completions, worker RSS MB)] and the errors seen."""
    client = Client(port, token, data)
    samples = [(0, worker_rss_mb(master))]
    errors: list[int] = []
    for n, task_id in enumerate(task_ids, start=1):
        status = client.complete(task_id)
        if status != 200:
            errors.append(status)
        if n % every == 0 or n == len(task_ids):
            samples.append((n, worker_rss_mb(master)))
            print(f"  {n:>7,} fullföljda, arbetarens RSS {samples[-1][1]:.0f} MB", flush=True)
    client.close()
    return samples, errors


def _stored(url: str, count: int, empty: int) -> dict[str, float]:
    """Stored state per case (JSON text and as stored, bytes); what the cases add to the database per 1,000 (MB)."""
    engine = Samverkan.from_url(url)
    state = "SELECT avg(length(state::text)), avg(pg_column_size(state)) FROM cases"
    with engine.db.connect() as conn:
        as_text, as_stored = conn.execute(text(state)).one()
    size = _size(engine)
    engine.db.dispose()
    return {
        "state_bytes_per_case": float(as_text),
        "state_stored_bytes_per_case": float(as_stored),
        "db_mb_per_1000_cases": (size - empty) / count * 1000 / 1e6,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=1_000, help="sample the worker's RSS every N completions")
    args = parser.parse_args()
    name = create_pg_schema("bench_memory")
    url = schema_url(name)
    try:
        began = time.perf_counter()
        token, task_ids, data, empty = _prepare(url, args.cases)
        print(f"{args.cases:,} ärenden vid `{ELEMENT}` inlagda på {time.perf_counter() - began:.0f} s", flush=True)
        with gunicorn(url, 1) as (port, master):
            began = time.perf_counter()
            samples, errors = _complete_all(port, master, token, task_ids, data, args.every)
            seconds = time.perf_counter() - began
        stored = _stored(url, args.cases, empty)
    finally:
        drop_pg_schema(name)
    rss = samples[-1][1]
    print(f"\nPOST /api/v1/tasks/{{id}}/complete, {args.cases:,} ärenden, ett var, gunicorn 1 sync worker, PostgreSQL")
    print(f"({seconds:.0f} s, {len(errors)} fel)")
    print(f"{'completions':>12}{'RSS MB':>9}")
    for n, mb in samples:
        print(f"{n:>12,}{mb:>9.0f}")
    print(f"worker RSS after {samples[-1][0]:,} completions: {rss:.0f} MB   target ≤ {TARGET_MB} MB")
    print(
        f"stored state per case: {stored['state_bytes_per_case']:,.0f} bytes as JSON text,"
        f" {stored['state_stored_bytes_per_case']:,.0f} bytes as stored (compressed)"
    )
    per_thousand = stored["db_mb_per_1000_cases"]
    print(f"database growth per 1,000 of these cases (one step each, none finished): {per_thousand:.2f} MB")
    result = {
        "cases": args.cases,
        "completions": samples[-1][0],
        "errors": len(errors),
        "rss_mb_start": samples[0][1],
        "rss_mb_peak": max(mb for _, mb in samples),
        "rss_mb_after": rss,
        "target_mb": TARGET_MB,
        "samples": samples,
        **stored,
    }
    print("RESULT " + json.dumps({"memory": result}))


if __name__ == "__main__":
    main()
