"""Database connection: one SQLAlchemy engine, transactions owned by the use case."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
import psycopg
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.exc import DBAPIError, StatementError
from sqlalchemy.sql.elements import ReleaseSavepointClause, RollbackToSavepointClause, SavepointClause

from engine.schema import metadata


def dumps(value: Any) -> str:
    """JSON for the database: orjson is ~10x faster than json on a case's state.

    Non-string keys become strings, as with json; what orjson refuses (integers beyond 64 bits)
    goes through json.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
    except TypeError:
        return json.dumps(value)


_CODEC: dict[str, Any] = {"json_serializer": dumps, "json_deserializer": orjson.loads}


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **_CODEC)
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    # No pre-ping: it costs a round trip on every checkout; recycle instead so idle
    # connections the server may have dropped are not reused.
    engine = create_engine(url, pool_size=10, max_overflow=20, pool_recycle=1800, **_CODEC)
    event.listen(engine, "after_cursor_execute", _sync_for_rows)
    return engine


def autocommit_twin(engine: Engine) -> Engine:
    """PostgreSQL: an engine on the same database whose pooled connections stay in autocommit.

    For single reads outside a transaction (who is logged in, on every request). Switching a
    shared pool's connection to autocommit on checkout and back on return costs about 0.13 ms
    of CPU per read; a small pool of its own that never switches does not. Disposed with ``engine``.
    """
    twin = create_engine(
        engine.url, isolation_level="AUTOCOMMIT", pool_size=5, max_overflow=10, pool_recycle=1800, **_CODEC
    )
    event.listen(engine, "engine_disposed", lambda _engine: twin.dispose())
    return twin


_PIPELINE = "samverkan_pipeline"


@contextmanager
def pipelined(conn: Connection) -> Iterator[None]:
    """Send the writes inside to PostgreSQL without waiting for each one (psycopg's pipeline mode).

    The statements and their results travel in as few round trips as there are reads among them:
    a statement that returns rows is sent with everything queued before it, then read. A failing
    statement raises at the next sync (a read, :func:`sync`, :func:`rowcount`, or the block's end),
    so the caller's transaction or savepoint rolls back as it would have. Inside an open pipeline
    the block adds nothing. On SQLite nothing changes.
    """
    if conn.dialect.name != "postgresql":
        yield
        return
    driver = conn.connection.driver_connection
    if driver is None or conn.info.get(_PIPELINE) is not None:
        yield
        return
    try:
        with driver.pipeline() as pipeline:
            conn.info[_PIPELINE] = pipeline
            try:
                yield
            finally:
                del conn.info[_PIPELINE]
    except psycopg.Error as err:
        raise _as_sqlalchemy(err) from err


def rowcount(conn: Connection, cursor: Any) -> int:
    """The rows a write changed, from its driver cursor; one sent in :func:`pipelined` has its count after a sync."""
    if cursor.rowcount < 0:
        sync(conn)
    return int(cursor.rowcount)


def sync(conn: Connection) -> None:
    """Inside :func:`pipelined`: send what is queued and wait for it (its errors raise here)."""
    pipeline = conn.info.get(_PIPELINE)
    if pipeline is None:
        return
    try:
        pipeline.sync()
    except psycopg.Error as err:
        raise _as_sqlalchemy(err) from err


def _as_sqlalchemy(err: psycopg.Error) -> StatementError:
    """A driver error that arrived with a sync, outside SQLAlchemy, as SQLAlchemy would raise it."""
    return DBAPIError.instance(None, None, err, psycopg.Error)


# Statements that return nothing to wait for: writes without RETURNING, and savepoints.
_NO_ROWS = (SavepointClause, ReleaseSavepointClause, RollbackToSavepointClause)


def _sync_for_rows(conn: Any, _cursor: Any, _statement: str, _parameters: Any, context: Any, _many: bool) -> None:
    # SQLAlchemy reads a result's columns as soon as the statement ran; in the pipeline they
    # arrive only with a sync, so a statement that may return rows gets one at once.
    pipeline = conn.info.get(_PIPELINE)
    if pipeline is None:
        return
    compiled = context.compiled if context is not None else None
    if compiled is not None and not compiled.effective_returning:
        if compiled.isinsert or compiled.isupdate or compiled.isdelete or isinstance(compiled.statement, _NO_ROWS):
            return
    sync(conn)


WRITE = "samverkan_write"
"""Execution option marking a transaction that will write (see :func:`writer`)."""


def writer(engine: Engine) -> Engine:
    """The same engine, but its transactions take SQLite's write lock when they begin."""
    return engine.execution_options(**{WRITE: True})


def _casefold(text: str | None) -> str | None:
    return text.casefold() if isinstance(text, str) else text


def _configure_sqlite(engine: Engine) -> None:
    # Use cases read, then write: they take the write lock up front (BEGIN IMMEDIATE) so concurrent
    # writers queue on busy_timeout rather than failing to upgrade a read lock. Reads begin deferred
    # and, with WAL, run beside a writer instead of queueing behind it.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()
        # The inbox sorts text as Python does (engine.worklist); SQLite's lower() folds ASCII only.
        dbapi_connection.create_function("casefold", 1, _casefold, deterministic=True)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_schema(engine: Engine) -> None:
    """Create missing tables, then missing indexes: ``create_all`` skips indexes of tables that exist.

    Tests build their fresh databases this way; real databases go through :func:`migrate`.
    """
    metadata.create_all(engine)
    with engine.begin() as conn:
        present = {table: {i["name"] for i in inspect(conn).get_indexes(table)} for table in metadata.tables}
        for table in metadata.sorted_tables:
            for index in table.indexes:
                if index.name not in present[table.name]:
                    index.create(conn)


MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _alembic_config(connection: Connection) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    return config


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration (idempotent)."""
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
    if "alembic_version" not in tables and "cases" in tables:
        # Made by create_all before there were migrations (development databases only): bring it
        # up to the current tables and indexes, then record it as the newest revision.
        create_schema(engine)
        with engine.begin() as conn:
            command.stamp(_alembic_config(conn), "head")
        return
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "head")
