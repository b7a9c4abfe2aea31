"""What the benches share: a PostgreSQL schema of their own, percentiles, logged-in clients, case copies.

Not a benchmark itself (bench/run_all.py skips it).
"""

from __future__ import annotations

import os
import statistics
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, create_engine, select, text

from engine import accounts, schema
from engine.context import Samverkan

PG = os.environ.get(
    "SAMVERKAN_BENCH_PG", os.environ.get("SAMVERKAN_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
)
"""The PostgreSQL server the benches use (SAMVERKAN_BENCH_PG, else SAMVERKAN_TEST_PG)."""


def schema_url(name: str) -> str:
    """A URL to ``PG`` whose search path is the schema ``name``."""
    return f"{PG}?options=-csearch_path%3D{name}"


def _admin(statement: str) -> None:
    """Run one statement on ``PG`` outside a transaction."""
    admin = create_engine(PG, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(statement))
    finally:
        admin.dispose()


def create_pg_schema(prefix: str = "bench") -> str:
    """A new, empty schema ``{prefix}_xxxxxxxx``; returns its name (drop it with ``drop_pg_schema``)."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    _admin(f'CREATE SCHEMA "{name}"')
    return name


def drop_pg_schema(name: str) -> None:
    _admin(f'DROP SCHEMA "{name}" CASCADE')


def schema_bytes(conn: Connection) -> int:
    """PostgreSQL: bytes of the current schema's tables with their indexes and TOAST."""
    return int(
        conn.execute(
            text(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c"
                " JOIN pg_namespace n ON n.oid = c.relnamespace"
                " WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )
        ).scalar_one()
    )


@contextmanager
def pg_schema(prefix: str = "bench") -> Iterator[str]:
    """A URL to a fresh PostgreSQL schema, dropped afterwards (fails when PostgreSQL is not there)."""
    name = create_pg_schema(prefix)
    try:
        yield schema_url(name)
    finally:
        drop_pg_schema(name)


@contextmanager
def optional_pg_schema(prefix: str = "bench") -> Iterator[str | None]:
    """As ``pg_schema``, but None (and a line saying so) when PostgreSQL is not there."""
    try:
        name = create_pg_schema(prefix)
    except Exception as err:  # no PostgreSQL here: report and go on with SQLite only
        print(f"(PostgreSQL hoppas över: {err.__class__.__name__})")
        yield None
        return
    try:
        yield schema_url(name)
    finally:
        drop_pg_schema(name)


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p95 of ``samples`` (the p95 is the sample at rank ⌊0.95 n⌋, as every bench has it)."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def logged_in(app: Any, engine: Samverkan, user: str) -> Any:
    """A Flask test client with a session of ``user`` (who must exist)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["sid"] = accounts.start_session(engine, user)
    return client


def with_token(app: Any, token: str) -> Any:
    """A Flask test client that sends ``token`` as its bearer token."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return client


def chef_clients(engine: Samverkan) -> tuple[Any, Any]:
    """A new user `chef` (role chef) on the app: a logged-in page client and an API client with a token."""
    from web import create_app

    accounts.add_user(engine, "chef", ["chef"], "lösenord-123")
    token = accounts.new_token(engine, "chef")
    app = create_app({"TESTING": True}, engine=engine)
    return logged_in(app, engine, "chef"), with_token(app, token)


def copy_cases(engine: Samverkan, templates: list[int], count: int) -> None:
    """``count`` cases in all: copies of the templates (in turn), every task and timer with an id of its own.

    The copies' stored state gets the new task ids too, so that each copy runs as a case of its own.
    """
    c, t, tm = schema.cases, schema.tasks, schema.timers
    with engine.db.connect() as conn:
        rows = {r.id: dict(r._mapping) for r in conn.execute(select(c).where(c.c.id.in_(templates)))}
        tasks = [dict(r._mapping) for r in conn.execute(select(t).where(t.c.case_id.in_(templates)))]
        timers = [dict(r._mapping) for r in conn.execute(select(tm).where(tm.c.case_id.in_(templates)))]
    next_id = max(templates) + 1
    batch: dict[str, list[dict[str, Any]]] = {"cases": [], "tasks": [], "timers": []}
    for n in range(count - len(templates)):
        template = templates[n % len(templates)]
        row = rows[template]
        instance = row["state"]["instance"]
        ids = {task[0]: uuid.uuid4().hex for task in instance["tasks"]}
        dashed = {str(uuid.UUID(old)): str(uuid.UUID(new)) for old, new in ids.items()}
        state = {**row["state"], "instance": {**instance, "tasks": [[ids[r[0]], *r[1:]] for r in instance["tasks"]]}}
        case_id = next_id + n
        batch["cases"].append({**row, "id": case_id, "state": state})
        batch["tasks"] += [{**r, "id": dashed[r["id"]], "case_id": case_id} for r in tasks if r["case_id"] == template]
        batch["timers"] += [
            {**r, "id": dashed[r["id"]], "case_id": case_id} for r in timers if r["case_id"] == template
        ]
        if len(batch["cases"]) >= 1000 or n == count - len(templates) - 1:
            with engine.db.begin() as conn:
                conn.execute(c.insert(), batch["cases"])
                conn.execute(t.insert(), batch["tasks"])
                if batch["timers"]:
                    conn.execute(tm.insert(), batch["timers"])
            batch = {"cases": [], "tasks": [], "timers": []}
    if engine.db.dialect.name == "postgresql":
        with engine.db.begin() as conn:
            conn.execute(text("SELECT setval(pg_get_serial_sequence('cases', 'id'), (SELECT max(id) FROM cases))"))
