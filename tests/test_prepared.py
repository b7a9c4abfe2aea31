"""Driver SQL compiled once (engine.prepared) writes exactly what ``conn.execute`` writes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import bindparam, select

from engine import schema
from engine.context import Samverkan
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


def _case(engine: Samverkan) -> int:
    now = datetime(2027, 1, 1, tzinfo=UTC)
    row = {"title": "Ärende", "process_id": "p", "process_version": 1, "status": "active", "start_event": "s"}
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
