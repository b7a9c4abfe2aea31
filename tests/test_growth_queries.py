"""Reads that must not grow with finished cases: the per-month window, the inbox's open-task indexes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import event

from engine import reports, schema, worklist
from engine.context import Samverkan, User
from tests.samverkansstod import INITIERING, Driver

T = TypeVar("T")


def test_per_month_counts_only_its_window(drive: Driver, engine: Samverkan) -> None:
    old = drive.start(title="Gammalt ärende")
    drive.walk(old, *INITIERING, "registrera_ansokan")
    drive.complete(old, "bedomning", rekommendation="avstyrk")
    assert drive.complete(old, "meddela_avslag")["status"] == "completed"  # started and ended 2027-03
    drive.clock.set(drive.clock.now() + timedelta(days=31 * reports.MONTHS_SHOWN))  # 2029-03 or so
    drive.start(title="Nytt ärende")
    months = reports.per_month(engine)
    assert [(m["started"], m["ended"]) for m in months] == [(1, 0)]
    assert months[0]["month"] == drive.clock.now().strftime("%Y-%m")
    assert reports.per_month(engine, months=reports.MONTHS_SHOWN + 2)[0] == {
        "month": "2027-03",
        "started": 1,
        "ended": 1,
    }


@settings(max_examples=60, deadline=None)
@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2200, 1, 1)), st.integers(0, 60))
def test_months_back_is_the_first_of_the_month_that_many_months_before(now: datetime, months: int) -> None:
    start = reports._months_back(now.replace(tzinfo=UTC), months)
    assert start.day == 1 and start.hour == 0 and start.tzinfo == UTC
    assert (now.year * 12 + now.month) - (start.year * 12 + start.month) == months


def _finished_cases(engine: Samverkan, n: int) -> None:
    """``n`` ended cases with five closed tasks each, then fresh statistics (as autovacuum would)."""
    at = datetime(2026, 1, 1, tzinfo=UTC)
    case = {"process_id": "samverkansstod", "process_version": 1, "status": "completed", "start_event": "s"}
    case.update(created_at=at, updated_at=at, created_by="kim", lock_version=3, state={}, data={}, active_elements=[])
    cases = [{**case, "id": 1000 + i, "title": f"Avslutat {i}"} for i in range(n)]
    task = {"element_id": "bedomning", "name": "Bedömning", "role": "kontaktperson", "created_at": at}
    tasks = [{**task, "id": f"t{i}-{k}", "case_id": 1000 + i, "state": "closed"} for i in range(n) for k in range(5)]
    with engine.db.begin() as conn:
        conn.execute(schema.cases.insert(), cases)
        conn.execute(schema.tasks.insert(), tasks)
        conn.exec_driver_sql("ANALYZE")


def _selects(engine: Samverkan, read: Callable[[], T]) -> tuple[T, list[tuple[str, Any]]]:
    """What ``read`` returns, and the SELECT statements it ran with their parameters."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if statement.startswith("SELECT"):
            seen.append((statement, parameters))

    event.listen(engine.db, "before_cursor_execute", record)
    try:
        return read(), seen
    finally:
        event.remove(engine.db, "before_cursor_execute", record)


def _plans(engine: Samverkan, seen: list[tuple[str, Any]]) -> Iterator[tuple[str, str]]:
    """The dialect's name and query plan of each statement (PostgreSQL: as at scale, no seq scans)."""
    with engine.db.connect() as conn:
        for sql, parameters in seen:
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql("SET LOCAL enable_seqscan = off")  # tiny tables: ask what it would use at scale
                yield "postgresql", " ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql, parameters))
            else:
                yield "sqlite", " ".join(r[3] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, parameters))


def test_inbox_reads_open_tasks_through_an_index(drive: Driver, engine: Samverkan) -> None:
    """The inbox's own query plan starts from the open tasks, never from all cases or all tasks."""
    drive.start(title="Ett ärende")
    _finished_cases(engine, 2000)
    items, seen = _selects(engine, lambda: worklist.inbox(engine, User("kim", frozenset({"kontaktperson"}))))
    assert [i["element_id"] for i in items] == ["registrera_initiativ"]
    assert len(seen) == 2  # the open tasks, then their cases
    for dialect, plan in _plans(engine, seen):
        if dialect == "postgresql":
            assert "Seq Scan on tasks" not in plan and "Seq Scan on cases" not in plan, plan
        else:
            assert "SCAN cases" not in plan and "SCAN tasks" not in plan, plan


def test_inbox_page_reads_open_tasks_through_indexes(drive: Driver, engine: Samverkan) -> None:
    """The paged inbox's counts and page: open tasks by partial index, cases by a covering one."""
    drive.start(title="Ett ärende")
    _finished_cases(engine, 2000)
    kim = User("kim", frozenset({"kontaktperson"}))
    page, seen = _selects(engine, lambda: worklist.inbox_page(engine, kim, worklist.InboxFilter()))
    assert [i["element_id"] for i in page.items] == ["registrera_initiativ"] and page.total == page.matching == 1
    for dialect, plan in _plans(engine, seen):
        if dialect == "postgresql":
            assert "Seq Scan on tasks" not in plan and "Seq Scan on cases" not in plan, plan
        else:
            # A scan of a partial index over open tasks is bounded by the live work, not the history.
            scanned = re.findall(r"SCAN tasks(?: USING (?:COVERING )?INDEX (\w+))?", plan)
            assert "SCAN cases" not in plan and all(i.startswith("ix_tasks_open_") for i in scanned), plan
