"""Statements of the hot path (the step's writes, the reads of every request), compiled once per database.

``conn.execute(statement, parameters)`` builds the bound parameters and their execution context
anew on every run, a cost several times that of SQLite writing the row (``construct_params``
and ``_init_compiled`` in a profile). A step writes eight to ten statements, so on SQLite this
was the largest cost after SpiffWorkflow (bench/profile_step.py, docs/performance.md).

A :class:`Prepared` statement keeps what SQLAlchemy's own compilation gives for a dialect (the
SQL text, the order of its parameters, each parameter's bind processor: UTC instants, JSON)
and hands the processed values to a cursor of the connection's driver connection. So the SQL
and the stored values are SQLAlchemy's, and the statement runs on the same connection and in the
same transaction (and psycopg pipeline); a driver error is raised as SQLAlchemy would raise it.
Even ``exec_driver_sql`` builds an execution context and a result per statement: 35–60 µs of
CPU in a micro-benchmark, about as much as psycopg's own work for a statement queued in a
pipeline (bench/http_cpu.py prints that). ``tests/test_prepared.py`` checks that rows written
and read both ways are equal.

:class:`Prepared` is for writes that return no rows. An insert's columns left out take their
scalar default (a column whose default is computed is refused when left out). An expanding
``IN`` parameter (``bindparam(..., expanding=True)``) is written out for the number of values
given, as SQLAlchemy does. :class:`PreparedRead` is for a select of one row.
"""

from __future__ import annotations

import re
from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Delete, Insert, Select, Update
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql.schema import ScalarElementColumnDefault

from engine.db import sync

Write = Insert | Update | Delete

_EXPANDING = re.compile(r"__\[POSTCOMPILE_(\w+)\]")


@dataclass(frozen=True)
class _Form:
    """A statement compiled for one dialect (and, for an insert, one set of columns)."""

    sql: str
    names: tuple[str, ...]
    positional: bool
    processors: Mapping[str, Callable[[Any], Any]]
    expanding: frozenset[str]
    fixed: dict[str, Any]
    """Values written into the statement itself (``.values(state="closed")``)."""
    expanded: dict[tuple[int, ...], str] = field(default_factory=dict)
    """The SQL for each count of values of the expanding parameters."""


class Prepared:
    """A write statement compiled once per dialect; :meth:`execute` runs it with processed values."""

    def __init__(self, statement: Write) -> None:
        self.statement = statement
        self._forms: dict[tuple[str, tuple[str, ...]], _Form] = {}

    def execute(self, conn: Connection, parameters: Mapping[str, Any] | Sequence[Mapping[str, Any]]) -> Written:
        """Run with one set of parameters, or many (an executemany: one statement, many rows)."""
        rows = [parameters] if isinstance(parameters, Mapping) else list(parameters)
        form = self._form(conn.dialect, tuple(rows[0]))
        if form.expanding:
            if len(rows) != 1:
                raise ValueError("an expanding parameter takes one set of parameters")
            sql, values = self._expand(form, rows[0])
            return _run(conn, sql, [values])
        return _run(conn, form.sql, [_values(form, row) for row in rows])

    def _form(self, dialect: Dialect, keys: tuple[str, ...]) -> _Form:
        # An insert is compiled for the columns given; other statements name their parameters.
        key = (dialect.name, keys if isinstance(self.statement, Insert) else ())
        form = self._forms.get(key)
        if form is None:
            form = self._forms[key] = _compile(self.statement, dialect, list(keys))
        return form

    def _expand(self, form: _Form, row: Mapping[str, Any]) -> tuple[str, Any]:
        """The SQL with each expanding parameter written out for its number of values, and the values."""
        lengths = tuple(len(row[name]) if name in form.expanding else 0 for name in form.names)
        sql = form.expanded.get(lengths)
        if sql is None:
            sizes = dict(zip(form.names, lengths, strict=True))
            marker = "?" if form.positional else "%({})s"
            sql = _EXPANDING.sub(
                lambda m: ", ".join(marker.format(f"{m[1]}_{i}") for i in range(1, sizes[m[1]] + 1)) or "NULL",
                form.sql,
            )
            form.expanded[lengths] = sql
        if form.positional:
            values: list[Any] = []
            for name in form.names:
                if name in form.expanding:
                    values.extend(_processed(form, name, v) for v in row[name])
                else:
                    values.append(_processed(form, name, _given(form, row, name)))
            return sql, tuple(values)
        named: dict[str, Any] = {}
        for name in form.names:
            if name in form.expanding:
                named.update({f"{name}_{i}": _processed(form, name, v) for i, v in enumerate(row[name], 1)})
            else:
                named[name] = _processed(form, name, _given(form, row, name))
        return sql, named


@dataclass(frozen=True)
class Written:
    """What a :class:`Prepared` write left: its driver cursor, for the rows it changed (:func:`engine.db.rowcount`)."""

    cursor: Any


@contextmanager
def _driver_cursor(conn: Connection, sql: str, values: Any) -> Iterator[Any]:
    """A cursor of the transaction's own driver connection; a driver error is raised as SQLAlchemy's."""
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    try:
        yield cursor
    except conn.dialect.loaded_dbapi.Error as err:
        raise DBAPIError.instance(sql, values, err, conn.dialect.loaded_dbapi.Error) from err


def _run(conn: Connection, sql: str, values: list[Any]) -> Written:
    """``sql`` once or (several value sets) as an executemany."""
    with _driver_cursor(conn, sql, values) as cursor:
        if len(values) == 1:
            cursor.execute(sql, values[0])
        else:
            cursor.executemany(sql, values)
    return Written(cursor)


class PreparedRead:
    """A select compiled once per dialect; :meth:`first` runs it on the driver cursor.

    For the reads of every request and step (who is logged in, the task with its case). The row
    is a named tuple with SQLAlchemy's ``_mapping``, its values passed through the columns' result
    processors as SQLAlchemy would (UTC instants, JSON and booleans on SQLite).
    """

    def __init__(self, statement: Select[Any]) -> None:
        self.statement = statement
        keys = tuple(str(column.key) for column in statement.selected_columns)
        if len(set(keys)) != len(keys):
            raise ValueError("the columns of a prepared read need names of their own")
        self._row = _row_type(keys)
        self._forms: dict[str, tuple[_Form, tuple[Callable[[Any], Any] | None, ...]]] = {}

    def first(self, conn: Connection, parameters: Mapping[str, Any]) -> Any | None:
        """The first row, or None."""
        form, processors = self._form(conn.dialect)
        values = _values(form, parameters)
        with _driver_cursor(conn, form.sql, values) as cursor:
            cursor.execute(form.sql, values)
            sync(conn)  # in a psycopg pipeline the row arrives with a sync
            row = cursor.fetchone()
        cursor.close()
        if row is None:
            return None
        return self._row(*(v if p is None else p(v) for v, p in zip(row, processors, strict=True)))

    def _form(self, dialect: Dialect) -> tuple[_Form, tuple[Callable[[Any], Any] | None, ...]]:
        found = self._forms.get(dialect.name)
        if found is None:
            processors = tuple(
                column.type.dialect_impl(dialect).result_processor(dialect, None)
                for column in self.statement.selected_columns
            )
            found = self._forms[dialect.name] = (_compile(self.statement, dialect, []), processors)
        return found


def _row_type(keys: tuple[str, ...]) -> type:
    """A named tuple of ``keys`` that also answers ``_mapping``, as SQLAlchemy's rows do."""
    base = namedtuple("Row", keys)  # type: ignore[misc]  # the fields are known only at run time
    return type("Row", (base,), {"__slots__": (), "_mapping": property(base._asdict)})


def _values(form: _Form, row: Mapping[str, Any]) -> Any:
    """The processed values of one row, in the parameter style of the form's SQL."""
    processed = {name: _processed(form, name, _given(form, row, name)) for name in set(form.names)}
    return tuple(processed[name] for name in form.names) if form.positional else processed


def _given(form: _Form, row: Mapping[str, Any], name: str) -> Any:
    return row[name] if name in row else form.fixed[name]


def _processed(form: _Form, name: str, value: Any) -> Any:
    # Processors see None too, as in SQLAlchemy (JSON writes ``'null'`` for it).
    processor = form.processors.get(name)
    return value if processor is None else processor(value)


def _compile(statement: Write | Select[Any], dialect: Dialect, keys: list[str]) -> _Form:
    compiled = statement.compile(dialect=dialect, column_keys=keys if isinstance(statement, Insert) else None)
    binds = {name: bind for bind, name in compiled.bind_names.items()}
    positional = compiled.positiontup is not None
    names = tuple(compiled.positiontup) if compiled.positiontup is not None else tuple(binds)
    fixed = {name: bind.effective_value for name, bind in binds.items() if not bind.required}
    if isinstance(statement, Insert):
        # Columns left out take their scalar default, as SQLAlchemy would fill it in.
        for name in set(names) - set(keys):
            default = statement.table.c[name].default
            if not isinstance(default, ScalarElementColumnDefault):
                raise ValueError(f"an insert without {name!r}, which has no scalar default")
            fixed[name] = default.arg
    processors = {}
    for name, bind in binds.items():
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processors[name] = processor
    expanding = frozenset(name for name, bind in binds.items() if bind.expanding)
    return _Form(compiled.string, names, positional, processors, expanding, fixed)
