"""Driver SQL compiled once (engine.prepared) writes exactly what ``conn.execute`` writes."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, select
from sqlalchemy.exc import IntegrityError

from engine import indexes, schema, step
from engine.context import Samverkan
from engine.db import pipelined, sync
from engine.errors import Conflict
from engine.prepared import Prepared

t, h = schema.tasks, schema.history

INSERT_TASK = t.insert()
CLOSE = (
    t.update().where(t.c.id.in_(bindparam("ids", expanding=True))).values(state="closed", closed_at=bindparam("now"))
)
INSERT_HISTORY = h.insert().inline()

instants = st.datetimes(
    min_value=datetime(1970, 1, 2),
    max_value=datetime(2200, 1, 1),
    timezones=st.sampled_from([UTC, timezone(timedelta(hours=2))]),
)
texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**53), 2**53) | texts,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=8,
)


def _case(engine: Samverkan, is_demo: bool = False, title: str = "Ärende") -> int:
    now = datetime(2027, 1, 1, tzinfo=UTC)
    row = {"title": title, "process_id": "p", "process_version": 1, "status": "active", "start_event": "s"}
    row["is_demo"] = is_demo
    row.update(created_at=now, updated_at=now, created_by="kim", lock_version=0, state={}, data={}, active_elements=[])
    with engine.db.begin() as conn:
        return int(conn.execute(schema.cases.insert().returning(schema.cases.c.id), row).scalar_one())


def _task(
    case_id: int, task_id: str, due: datetime | None, created: datetime, context: Any, name: str
) -> dict[str, Any]:
    return {
        "id": task_id,
        "case_id": case_id,
        "element_id": "bedomning",
        "name": name,
        "role": "kontaktperson",
        "phase": None,
        "assignee": None,
        "due_at": due,
        "created_at": created,
        "context": context,
        "area": "rosengard",
    }


def _event(case_id: int, at: datetime, action: str) -> dict[str, Any]:
    return {"case_id": case_id, "at": at, "actor": "kim", "action": action, "element_id": None, "details": {}}


def _rows(engine: Samverkan, table: Any, where: Any) -> list[dict[str, Any]]:
    with engine.db.connect() as conn:
        rows = conn.execute(select(table).where(where).order_by(*table.primary_key.columns)).mappings()
        return [dict(row) for row in rows]


# A context is an object, a list or none (SQLite's numeric affinity for JSON columns would turn
# a top-level number stored as text back into a number, whichever way it was written).
contexts = st.none() | st.dictionaries(texts, json_values, max_size=3) | st.lists(json_values, max_size=3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(due=st.none() | instants, created=instants, context=contexts, name=texts, closed=instants)
def test_a_task_written_and_closed_both_ways_is_the_same_row(
    engine: Samverkan, due: datetime | None, created: datetime, context: Any, name: str, closed: datetime
) -> None:
    case_id = _case(engine)
    ours, theirs = f"ours-{case_id}", f"theirs-{case_id}"
    with engine.db.begin() as conn:
        Prepared(INSERT_TASK).execute(conn, [_task(case_id, ours, due, created, context, name)])
        conn.execute(INSERT_TASK, [_task(case_id, theirs, due, created, context, name)])
    written = _rows(engine, t, t.c.case_id == case_id)
    assert [{**r, "id": None} for r in written[:1]] == [{**r, "id": None} for r in written[1:]]
    assert written[0]["state"] == "open"  # the column's default, filled in as SQLAlchemy does

    with engine.db.begin() as conn:
        Prepared(CLOSE).execute(conn, {"ids": [ours], "now": closed})
        conn.execute(CLOSE, {"ids": [theirs], "now": closed})
    closed_rows = _rows(engine, t, t.c.case_id == case_id)
    assert [{**r, "id": None} for r in closed_rows[:1]] == [{**r, "id": None} for r in closed_rows[1:]]
    assert closed_rows[0]["state"] == "closed" and closed_rows[0]["closed_at"] == closed.astimezone(UTC)


def test_many_rows_and_many_ids(engine: Samverkan) -> None:
    case_id = _case(engine)
    at = datetime(2027, 3, 1, 9, tzinfo=UTC)
    events = [
        {"case_id": case_id, "at": at, "actor": "kim", "action": f"a{i}", "element_id": None, "details": {"i": i}}
        for i in range(3)
    ]
    with engine.db.begin() as conn:
        Prepared(INSERT_HISTORY).execute(conn, events)
        Prepared(INSERT_TASK).execute(conn, [_task(case_id, f"t{i}", None, at, None, "x") for i in range(4)])
    assert [(r["action"], r["details"]) for r in _rows(engine, h, h.c.case_id == case_id)] == [
        (f"a{i}", {"i": i}) for i in range(3)
    ]
    with engine.db.begin() as conn:
        Prepared(CLOSE).execute(conn, {"ids": ["t0", "t2", "t3"], "now": at})
        Prepared(CLOSE).execute(conn, {"ids": ["t1"], "now": at})  # another count of ids: its own SQL
    assert {r["state"] for r in _rows(engine, t, t.c.case_id == case_id)} == {"closed"}


def test_a_refused_write_raises_as_sqlalchemy_would_and_rolls_back_with_its_transaction(engine: Samverkan) -> None:
    case_id = _case(engine)
    at = datetime(2027, 3, 1, 9, tzinfo=UTC)
    with engine.db.begin() as conn:
        Prepared(INSERT_TASK).execute(conn, [_task(case_id, "t1", None, at, None, "x")])
    for in_pipeline in (False, True):
        with pytest.raises(IntegrityError), engine.db.begin() as conn:
            with pipelined(conn) if in_pipeline else nullcontext():
                Prepared(INSERT_HISTORY).execute(conn, [_event(case_id, at, "kept?")])
                Prepared(INSERT_TASK).execute(conn, [_task(case_id, "t1", None, at, None, "the same id")])
                sync(conn)  # in the pipeline the refusal arrives with the next sync
    assert [r["name"] for r in _rows(engine, t, t.c.case_id == case_id)] == ["x"]
    assert _rows(engine, h, h.c.case_id == case_id) == []


def test_the_case_row_written_by_a_stale_step_is_refused(engine: Samverkan) -> None:
    case_id = _case(engine)
    now = datetime(2027, 3, 1, 9, tzinfo=UTC)
    columns = {"data": {}, "status": "active", "end_event": None, "phase": None, "area": None}
    columns.update(active_elements=[], incident=None, updated_at=now)
    with engine.db.begin() as conn, pipelined(conn):
        indexes.check_updated(conn, indexes.update_case(conn, case_id, 0, columns, {"v": 1}))
    with pytest.raises(Conflict), engine.db.begin() as conn, pipelined(conn):
        indexes.check_updated(conn, indexes.update_case(conn, case_id, 0, columns, {"v": 2}))
    with engine.db.connect() as conn:
        assert conn.execute(select(schema.cases.c.state).where(schema.cases.c.id == case_id)).scalar_one() == {"v": 1}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(due=st.none() | instants, created=instants, context=contexts, name=texts, demo=st.booleans())
def test_the_task_with_its_case_read_both_ways_is_the_same_row(
    engine: Samverkan, due: datetime | None, created: datetime, context: Any, name: str, demo: bool
) -> None:
    case_id = _case(engine, is_demo=demo, title=name)
    task_id = f"read-{case_id}"
    with engine.db.begin() as conn:
        conn.execute(INSERT_TASK, [_task(case_id, task_id, due, created, context, name)])
    read = step._TASK_WITH_CASE
    with engine.db.connect() as conn:
        ours = read.first(conn, {"task_id": task_id})
        theirs = conn.execute(read.statement, {"task_id": task_id}).first()
        assert read.first(conn, {"task_id": "no such task"}) is None
    assert ours is not None and theirs is not None
    assert dict(ours._mapping) == dict(theirs._mapping)
    assert tuple(ours) == tuple(theirs)
    assert (ours.due_at, ours.case__is_demo, ours.context) == (due and due.astimezone(UTC), demo, context)
