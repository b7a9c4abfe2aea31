"""Database connection: one SQLAlchemy engine, transactions owned by the use case."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect

from engine.schema import metadata


def default_url() -> str:
    instance = Path.cwd() / "instance"
    instance.mkdir(exist_ok=True)
    return f"sqlite:///{instance / 'samverkan.sqlite3'}"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or default_url()


def make_engine(url: str | None = None) -> Engine:
    url = url or database_url()
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _configure_sqlite(engine: Engine) -> None:
    # pysqlite's own transaction handling defers BEGIN; take the write lock up front instead so
    # concurrent writers queue on busy_timeout rather than failing to upgrade a read lock.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_schema(engine: Engine) -> None:
    """Create missing tables, then missing indexes: ``create_all`` skips indexes of tables that exist."""
    metadata.create_all(engine)
    with engine.begin() as conn:
        present = {table: {i["name"] for i in inspect(conn).get_indexes(table)} for table in metadata.tables}
        for table in metadata.sorted_tables:
            for index in table.indexes:
                if index.name not in present[table.name]:
                    index.create(conn)
