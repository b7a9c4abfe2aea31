"""Flat as the database grows: a database of 100,000 cases against one of 1,000.

Each database holds the same active workload (``--active`` cases waiting at `bedomning`, plus
the cases the step is measured on) and differs only in how many finished cases lie behind it
(90 % of the small one, the rest of the big one: years of history). Rows are shaped exactly as
the engine writes them: two template cases go through the engine (one left at `bedomning`, one
taken to its end), and their rows in every table (case row with its stored state, task index,
timers, history, notifications) are copied with new ids, the task and timer ids replaced inside
the stored state too. Bulk insert, then ANALYZE (as autovacuum would).

Measured in one process, small then big database of one kind, so that the ratio compares like
with like: one durable step (complete `bedomning`), the inbox page `/` and `GET /api/v1/tasks`
(as a kontaktperson), the case page of an active case and `/overview` (as chef), p50 over
``--requests`` requests through Flask's test client.

``--scale active=N`` instead builds one database with N active cases (no finished ones) and
times `/overview`, and ``--scale tasks=N`` one with N open tasks and times the inbox (p95): the
page `/` (its first 50 tasks, and page 2), `GET /api/v1/tasks` whole and its first 50.
Usage: python bench/growth.py [--cases 100000] [--small 1000] [--database sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import orjson  # noqa: E402
from sqlalchemy import func, select, text  # noqa: E402

from bench.common import PG, logged_in, percentiles, pg_schema, schema_bytes, with_token  # noqa: E402
from engine import accounts, cases, processes, queries, reference, schema  # noqa: E402
from engine.clock import FixedClock  # noqa: E402
from engine.context import SYSTEM, Samverkan, User  # noqa: E402
from engine.db import create_schema, make_engine  # noqa: E402
from engine.forms import FormLibrary  # noqa: E402
from samverkan_cli.sample import sample_data  # noqa: E402
from web import create_app  # noqa: E402

NOW = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
MODEL = (ROOT / "samverkan_data" / "bpmn" / "samverkansstod.bpmn").read_bytes()
FORMS = FormLibrary()
KP = User("kim", frozenset({"kontaktperson"}))
SPINE = ("registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering", "registrera_ansokan")
STEPS = 40
"""Cases per database on which the durable step is measured (real cases, made through the engine)."""
CHUNK = 2000
RECENT = 1000


def _complete(engine: Samverkan, case_id: int, element: str, **overrides: Any) -> None:
    [task] = [t for t in queries.get_case(engine, case_id)["open_tasks"] if t["element_id"] == element]
    cases.complete_task(engine, KP, task["id"], sample_data(element, FORMS.schema(element), **overrides))


def _active_case(engine: Samverkan, title: str) -> int:
    case_id = cases.start_case(engine, KP, "samverkansstod", title, "start_aktorsinitiativ")
    for element in SPINE:
        _complete(engine, case_id, element)
    return case_id


def _finished_case(engine: Samverkan) -> int:
    case_id = _active_case(engine, "Mall avslutat")
    _complete(engine, case_id, "bedomning", rekommendation="avstyrk")
    _complete(engine, case_id, "meddela_avslag")
    assert queries.get_case(engine, case_id)["status"] != "active"
    return case_id


TABLES = (schema.tasks, schema.timers, schema.history, schema.notifications)


def _rows_of(engine: Samverkan, case_id: int) -> dict[str, list[dict[str, Any]]]:
    """Every row the engine wrote for one case, by table (the case row under ``cases``)."""
    with engine.db.connect() as conn:
        found = {"cases": [dict(conn.execute(select(schema.cases).where(schema.cases.c.id == case_id)).one()._mapping)]}
        for table in TABLES:
            rows = conn.execute(select(table).where(table.c.case_id == case_id).order_by(table.c.id)).all()
            found[table.name] = [dict(r._mapping) for r in rows]
    return found


class Cloner:
    """Copies of a template case's rows with new ids (case id given, task and timer ids fresh)."""

    def __init__(self, template: dict[str, list[dict[str, Any]]]) -> None:
        self.template = template
        self.state_text = orjson.dumps(template["cases"][0]["state"]).decode()
        self.ids = [r["id"] for r in template["tasks"] + template["timers"]]

    def rows(self, case_id: int, created: datetime) -> dict[str, list[dict[str, Any]]]:
        fresh = {old: str(uuid.uuid4()) for old in self.ids}
        state = self.state_text
        for old, new in fresh.items():  # the compact state holds ids as hex, SpiffWorkflow's as text
            state = state.replace(old, new).replace(old.replace("-", ""), new.replace("-", ""))
        shift = created - self.template["cases"][0]["created_at"]
        out: dict[str, list[dict[str, Any]]] = {}
        case = dict(self.template["cases"][0], id=case_id, state=orjson.loads(state), title=f"Ärende {case_id}")
        case.update(created_at=case["created_at"] + shift, updated_at=case["updated_at"] + shift)
        out["cases"] = [case]
        for table in TABLES:
            copies = []
            for row in self.template[table.name]:
                copy = dict(row, case_id=case_id)
                if table.name in ("tasks", "timers"):
                    copy["id"] = fresh[row["id"]]
                else:
                    copy.pop("id")
                for column in ("created_at", "closed_at", "due_at", "at"):
                    if copy.get(column) is not None:
                        copy[column] = copy[column] + shift
                copies.append(copy)
            out[table.name] = copies
        return out


def bulk_insert(engine: Samverkan, cloners: list[tuple[Cloner, int]]) -> None:
    """``(cloner, count)`` pairs: that many copies each, the newest first.

    The newest thousand cases were started a day apart (back 2.7 years); older ones are packed
    a minute apart before that: a big database differs from a small one by its old history,
    and the overview's 24-month window holds the same cases in both.
    """
    with engine.db.connect() as conn:
        next_id = int(conn.execute(select(func.coalesce(func.max(schema.cases.c.id), 0))).scalar_one()) + 1
    pending: dict[str, list[dict[str, Any]]] = {"cases": [], **{t.name: [] for t in TABLES}}
    n = 0
    for cloner, count in cloners:
        for _ in range(count):
            created = NOW - timedelta(days=1 + min(n, RECENT), minutes=max(0, n - RECENT))
            for name, rows in cloner.rows(next_id + n, created).items():
                pending[name].extend(rows)
            n += 1
            if len(pending["cases"]) >= CHUNK:
                _flush(engine, pending)
    _flush(engine, pending)
    if engine.db.dialect.name == "postgresql":
        with engine.db.begin() as conn:
            for table in ("cases", "history", "notifications"):
                conn.execute(
                    text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                )
    analyze(engine)


def _flush(engine: Samverkan, pending: dict[str, list[dict[str, Any]]]) -> None:
    with engine.db.begin() as conn:
        for table in (schema.cases, *TABLES):
            if pending[table.name]:
                conn.execute(table.insert(), pending[table.name])
                pending[table.name].clear()


def analyze(engine: Samverkan) -> None:
    tables = ", ".join(t.name for t in (schema.cases, *TABLES))
    with engine.db.begin() as conn:
        conn.exec_driver_sql(f"ANALYZE {tables}" if conn.dialect.name == "postgresql" else "ANALYZE")


def vacuum(engine: Samverkan) -> None:
    """PostgreSQL: VACUUM the bulk-inserted tables, as autovacuum does after that many inserts.

    Since PostgreSQL 13 autovacuum vacuums insert-only tables too (autovacuum_vacuum_insert_threshold);
    until it has, the visibility map is empty and no index-only scan can skip the table rows. The
    scale runs measure a database in that steady state rather than the minute after a bulk load.
    """
    if engine.db.dialect.name != "postgresql":
        return
    tables = ", ".join(t.name for t in (schema.cases, *TABLES))
    with engine.db.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql(f"VACUUM (ANALYZE) {tables}")


def _timed(call: Callable[[], Any], n: int) -> tuple[float, float]:
    call()  # warm: templates, process definition, pool
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


class Site:
    """The app on one database, with a logged-in kontaktperson and chef (pages) and a token."""

    def __init__(self, engine: Samverkan) -> None:
        accounts.add_user(engine, "kim", ["kontaktperson"], "lösenord-123")
        accounts.add_user(engine, "chef", ["chef"], "lösenord-123")
        token = accounts.new_token(engine, "kim")
        app = create_app({"TESTING": True}, engine=engine)
        self.kim, self.chef = logged_in(app, engine, "kim"), logged_in(app, engine, "chef")
        self.api = with_token(app, token)

    @staticmethod
    def get(client: Any, path: str) -> Callable[[], None]:
        def call() -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        return call


def prepared(url: str) -> tuple[Samverkan, Cloner, Cloner]:
    engine = Samverkan(db=make_engine(url), clock=FixedClock(NOW), forms=FORMS)
    create_schema(engine.db)
    reference.load_example_areas(engine)
    processes.deploy(engine, SYSTEM, MODEL)
    active, finished = _active_case(engine, "Mall pågående"), _finished_case(engine)
    return engine, Cloner(_rows_of(engine, active)), Cloner(_rows_of(engine, finished))


def _interleaved(calls: list[Callable[[], Any]], n: int) -> list[tuple[float, float]]:
    """p50/p95 ms of each call, run in turns (a, b, a, b, ...) so that the machine's load hits all alike."""
    for call in calls:
        call()  # warm: templates, process definition, pool
    samples: list[list[float]] = [[] for _ in calls]
    for _ in range(n):
        for call, times in zip(calls, samples, strict=True):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
    return [percentiles(times) for times in samples]


class Measured:
    """One database made ready to measure: the step's cases, the site, a case page to show."""

    def __init__(self, engine: Samverkan) -> None:
        self.engine = engine
        self.step_tasks = []
        for i in range(STEPS):
            case_id = _active_case(engine, f"Steg {i}")
            self.step_tasks.append(queries.get_case(engine, case_id)["open_tasks"][0]["id"])
        self.case_id = case_id
        analyze(engine)
        self.site = Site(engine)
        self.data = sample_data("bedomning", FORMS.schema("bedomning"))

    def step(self) -> Callable[[], None]:
        tasks = iter(self.step_tasks)

        def call() -> None:
            cases.complete_task(self.engine, KP, next(tasks), self.data)

        return call

    def pages(self) -> dict[str, Callable[[], None]]:
        site = self.site
        return {
            "inbox /": site.get(site.kim, "/"),
            "GET /api/v1/tasks": site.get(site.api, "/api/v1/tasks"),
            "case page": site.get(site.kim, f"/cases/{self.case_id}"),
            "/overview": site.get(site.chef, "/overview"),
        }


def measure_side_by_side(dbs: list[Measured], requests: int) -> list[dict[str, tuple[float, float]]]:
    found: list[dict[str, tuple[float, float]]] = [{} for _ in dbs]
    for i, result in enumerate(_interleaved([db.step() for db in dbs], STEPS - 1)):
        found[i]["step"] = result
    for name in dbs[0].pages():
        for i, result in enumerate(_interleaved([db.pages()[name] for db in dbs], requests)):
            found[i][name] = result
    return found


def growth(url: str, small: int, big: int, active: int, requests: int) -> dict[str, Any]:
    """Small and big database of one kind, measured in turns; returns p50s, ratios and sizes."""
    results: dict[str, Any] = {}
    with database(url) as small_url, database(url) as big_url:
        dbs = []
        for total, db_url in ((small, small_url), (big, big_url)):
            engine, live, done = prepared(db_url)
            started = time.perf_counter()
            bulk_insert(engine, [(live, active), (done, total - active)])
            print(f"  {total:,} ärenden inlagda på {time.perf_counter() - started:.0f} s", flush=True)
            results[f"{total} bytes"] = size_of(engine)
            dbs.append(Measured(engine))
        results[small], results[big] = measure_side_by_side(dbs, requests)
        for db in dbs:
            db.engine.db.dispose()
    return results


def size_of(engine: Samverkan) -> int:
    with engine.db.connect() as conn:
        if conn.dialect.name == "postgresql":
            return schema_bytes(conn)
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(Path(str(engine.db.url.database)).stat().st_size)


@contextmanager
def database(url: str) -> Iterator[str]:
    """A fresh database: a new file for SQLite, a new schema (dropped afterwards) for PostgreSQL."""
    if url.startswith("sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/growth.sqlite3"
        return
    with pg_schema("bench_growth") as pg_url:
        yield pg_url


def scale(url: str, what: str, n: int, requests: int) -> dict[str, tuple[float, float]]:
    """One database with ``n`` active cases (``active``) or ``n`` open tasks (``tasks``), no history."""
    with database(url) as db_url:
        engine, live, _ = prepared(db_url)
        bulk_insert(engine, [(live, n)])
        vacuum(engine)
        site = Site(engine)
        if what == "active":
            found = {"/overview": _timed(site.get(site.chef, "/overview"), requests)}
        else:
            found = {
                "inbox /": _timed(site.get(site.kim, "/"), requests),
                "GET /api/v1/tasks": _timed(site.get(site.api, "/api/v1/tasks"), requests),
                "…?limit=50": _timed(site.get(site.api, "/api/v1/tasks?limit=50"), requests),
                "inbox / sida 2": _timed(site.get(site.kim, "/?page=2"), requests),
            }
        engine.db.dispose()
        return found


URLS = {"sqlite": "sqlite://", "postgresql": PG}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--active", type=int, default=100, help="active cases in both databases")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--database", choices=tuple(URLS), action="append")
    parser.add_argument("--scale", help="active=N or tasks=N: one database, absolute times")
    args = parser.parse_args()
    summary: dict[str, Any] = {}
    for kind in args.database or list(URLS):
        if args.scale:
            what, _, count = args.scale.partition("=")
            found = scale(URLS[kind], what, int(count), args.requests)
            print(f"{kind}, {int(count):,} {'aktiva ärenden' if what == 'active' else 'öppna uppgifter'} (ms)")
            for name, (p50, p95) in found.items():
                print(f"  {name:<22}{p50:>9.1f}{p95:>9.1f}")
                summary[f"{kind} {what}={count} {name}"] = {"p50_ms": p50, "p95_ms": p95}
            continue
        print(f"{kind}: {args.small:,} mot {args.cases:,} ärenden, {args.active} pågående i båda", flush=True)
        found = growth(URLS[kind], args.small, args.cases, args.active, args.requests)
        small, big = found[args.small], found[args.cases]
        print(f"  {'p50 ms':<22}{args.small:>10,}{args.cases:>10,}{'ratio':>8}")
        for name in small:
            ratio = big[name][0] / small[name][0]
            print(f"  {name:<22}{small[name][0]:>10.2f}{big[name][0]:>10.2f}{ratio:>8.2f}")
            summary[f"{kind} {name}"] = {"small_ms": small[name][0], "big_ms": big[name][0], "ratio": ratio}
        per_thousand = (found[f"{args.cases} bytes"] - found[f"{args.small} bytes"]) / (args.cases - args.small) * 1000
        print(f"  databasens storlek per 1 000 avslutade ärenden: {per_thousand / 1e6:.2f} MB")
        summary[f"{kind} MB per 1,000 finished cases"] = per_thousand / 1e6
    print("RESULT " + json.dumps({"growth_db": summary, "growth_db_args": {"small": args.small, "big": args.cases}}))


if __name__ == "__main__":
    main()
