"""What a saved step writes besides history: the case row, the task and timer indexes, the outbox.

Called by :meth:`engine.step.Step.save` inside the use case's transaction; never commits.
The case row is updated under an optimistic lock, so a concurrent step on the same case raises
:class:`Conflict` and the caller's transaction rolls back whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, select

from engine import limits, schema
from engine.db import rowcount
from engine.definitions import Definition
from engine.errors import Conflict, Invalid
from engine.history import Event
from engine.prepared import Prepared, Written
from engine.runtime import OpenTask, WaitingTimer

# The case columns a step writes besides its state and lock version.
CASE_COLUMNS = ("data", "status", "end_event", "phase", "area", "active_elements", "incident", "updated_at")

# Built once: constructing statements costs more than running them on this hot path. The writes
# run as driver SQL compiled once per database (engine.prepared): a step makes eight to ten.
_UPDATE_CASE = Prepared(
    schema.cases.update()
    .where(schema.cases.c.id == bindparam("case_id"), schema.cases.c.lock_version == bindparam("expected_version"))
    .values({name: bindparam(name) for name in (*CASE_COLUMNS, "state", "lock_version")})
)
_CLOSE_TASKS = Prepared(
    schema.tasks.update()
    .where(schema.tasks.c.id.in_(bindparam("ids", expanding=True)))
    .values(state="closed", closed_at=bindparam("now"), closed_by=bindparam("actor"))
)
_DELETE_DRAFTS = Prepared(schema.drafts.delete().where(schema.drafts.c.task_id.in_(bindparam("ids", expanding=True))))
# PostgreSQL closes the tasks and deletes their drafts in one round trip (a data-modifying CTE).
_CLOSED = _CLOSE_TASKS.statement.returning(schema.tasks.c.id).cte("closed")
_CLOSE_TASKS_AND_DRAFTS = Prepared(schema.drafts.delete().where(schema.drafts.c.task_id.in_(select(_CLOSED.c.id))))
_TASK_AREA = Prepared(
    schema.tasks.update().where(schema.tasks.c.id.in_(bindparam("ids", expanding=True))).values(area=bindparam("area"))
)
_TASK_DUE = Prepared(
    schema.tasks.update().where(schema.tasks.c.id == bindparam("task_id")).values(due_at=bindparam("due_at"))
)
_OPEN_TASKS = select(schema.tasks).where(schema.tasks.c.id.in_(bindparam("ids", expanding=True)))
_INSERT_TASKS = Prepared(schema.tasks.insert())
_DELETE_TIMERS = Prepared(schema.timers.delete().where(schema.timers.c.id.in_(bindparam("ids", expanding=True))))
_TIMER_DUE = Prepared(
    schema.timers.update().where(schema.timers.c.id == bindparam("timer_id")).values(due_at=bindparam("due_at"))
)
_INSERT_TIMERS = Prepared(schema.timers.insert())
# inline: the ids are not read back, so PostgreSQL's pipeline does not wait for them.
_INSERT_NOTIFICATIONS = Prepared(schema.notifications.insert().inline())
_TASK_BY_ID = select(schema.tasks.c.assignee, schema.tasks.c.role, schema.tasks.c.name).where(
    schema.tasks.c.id == bindparam("task_id")
)


def update_case(
    conn: Connection, case_id: int, lock_version: int, columns: dict[str, Any], state: dict[str, Any]
) -> Written:
    """Write the case row and state, moving the lock version on by one.

    Hand the result to :func:`check_updated` (after the pipeline, when the write is sent in one).
    """
    return _UPDATE_CASE.execute(
        conn,
        {
            **columns,
            "state": state,
            "lock_version": lock_version + 1,
            "case_id": case_id,
            "expected_version": lock_version,
        },
    )


def check_updated(conn: Connection, written: Written) -> None:
    """:class:`Conflict` when :func:`update_case` found the case at another lock version."""
    if rowcount(conn, written.cursor) != 1:
        raise Conflict("Ärendet har ändrats av någon annan; ladda om och försök igen.", code="stale")


_MOVE_LOCK = (
    schema.cases.update()
    .where(schema.cases.c.id == bindparam("case_id"))
    .values(lock_version=schema.cases.c.lock_version + 1)
    .returning(schema.cases.c.lock_version)
)


def move_lock(conn: Connection, case_id: int) -> int:
    """Move the case's lock version on without a step; returns the new version.

    For changes to a case's tasks that do not run its workflow (claiming, releasing): a step of
    the case that loaded before this commits fails its optimistic update, and on PostgreSQL the
    row lock taken here waits for a step that is saving to commit first.
    """
    return int(conn.execute(_MOVE_LOCK, {"case_id": case_id}).scalar_one())


@dataclass(frozen=True)
class TaskSync:
    """What :func:`sync_tasks` wrote: the new open task rows, and the ids of those that stayed open."""

    new_rows: list[dict[str, Any]]
    kept: list[str]

    def open_rows(self, conn: Connection) -> list[dict[str, Any]]:
        """The case's open task rows; those that stayed open are read (they keep assignee and creation time)."""
        kept = [dict(row._mapping) for row in conn.execute(_OPEN_TASKS, {"ids": self.kept})] if self.kept else []
        return kept + self.new_rows


def sync_tasks(
    conn: Connection,
    case_id: int,
    definition: Definition,
    indexed: dict[str, datetime | None],
    open_tasks: list[OpenTask],
    due: dict[str, datetime],
    now: datetime,
    actor: str,
    context_of: Callable[[str, str], dict[str, Any] | None],
    area: tuple[str | None, str | None],
) -> TaskSync:
    """Bring the task index in line with the workflow (writes only: no read waits in the pipeline).

    ``indexed`` is what the index held when the step loaded (task id -> due date); ``due`` the
    deadlines by task id; ``context_of(task_id, element_id)`` what a new task's page shows;
    ``area`` the case's area at load and now (open tasks carry it). Tasks that closed, however
    they closed, lose their drafts in the same transaction.
    """
    area_at_load, area_now = area
    open_ids = {task.id for task in open_tasks}
    closed = [task_id for task_id in indexed if task_id not in open_ids]
    if closed:
        parameters = {"ids": closed, "now": now, "actor": actor}
        if conn.dialect.name == "postgresql":
            _CLOSE_TASKS_AND_DRAFTS.execute(conn, parameters)
        else:
            _CLOSE_TASKS.execute(conn, parameters)
            _DELETE_DRAFTS.execute(conn, {"ids": closed})
    new_rows, kept = [], []
    for task in open_tasks:
        element = definition.element(task.element_id)
        due_at = due.get(task.id)
        if task.id in indexed:
            # A fired reminder leaves no waiting timer, but the task stays due (and overdue) then.
            if due_at is not None and indexed[task.id] != due_at:
                _TASK_DUE.execute(conn, {"task_id": task.id, "due_at": due_at})
            kept.append(task.id)
            continue
        new_rows.append(
            {
                "id": task.id,
                "case_id": case_id,
                "element_id": task.element_id,
                "name": element.name if element else task.element_id,
                "role": (element.role if element else None) or "admin",
                "phase": element.phase if element else None,
                "assignee": None,
                "due_at": due_at,
                "created_at": now,
                "state": "open",
                "context": context_of(task.id, task.element_id),
                "area": area_now,
            }
        )
    if new_rows:
        _INSERT_TASKS.execute(conn, new_rows)
    if kept and area_now != area_at_load:
        _TASK_AREA.execute(conn, {"ids": kept, "area": area_now})
    return TaskSync(new_rows, kept)


def sync_timers(
    conn: Connection, case_id: int, definition: Definition, indexed: dict[str, datetime], timers: list[WaitingTimer]
) -> list[str]:
    """Bring the timer index in line with the workflow's waiting timers (``indexed``: id -> due at load).

    Returns the ids of the rows it deleted (timers that fired or were cancelled).
    """
    waiting = {timer.id: timer for timer in timers}
    gone = [timer_id for timer_id in indexed if timer_id not in waiting]
    if gone:
        _DELETE_TIMERS.execute(conn, {"ids": gone})
    rows = []
    for timer in timers:
        if timer.id in indexed:
            if indexed[timer.id] != timer.due_at:
                _TIMER_DUE.execute(conn, {"timer_id": timer.id, "due_at": timer.due_at})
            continue
        element = definition.element(timer.element_id)
        rows.append(
            {
                "id": timer.id,
                "case_id": case_id,
                "element_id": timer.element_id,
                "attached_to": element.attached_to if element else None,
                "action": element.action if element else None,
                "due_at": timer.due_at,
                "state": "waiting",
                "attempts": 0,
            }
        )
    if rows:
        _INSERT_TIMERS.execute(conn, rows)
    return gone


def write_notifications(conn: Connection, case_id: int, events: list[Event], now: datetime) -> None:
    """Reminders and escalations go to the task's assignee, or its role when unclaimed."""
    rows = []
    for event in events:
        if event.action not in ("reminder", "escalated"):
            continue
        task = conn.execute(_TASK_BY_ID, {"task_id": event.details.get("task_id")}).first()
        role = "chef" if event.action == "escalated" else (task.role if task else None)
        name = task.name if task else event.element_id
        text = (
            f"Påminnelse: uppgiften ”{name}” väntar fortfarande."
            if event.action == "reminder"
            else f"Eskalering: uppgiften ”{name}” är försenad."
        )
        rows.append(
            {
                "recipient": task.assignee if task and event.action == "reminder" else None,
                "role": role,
                "case_id": case_id,
                "task_element_id": event.element_id,
                "reason": event.action,
                "message": text,
                "created_at": now,
            }
        )
    if rows:
        _INSERT_NOTIFICATIONS.execute(conn, rows)


def jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """The case data as the case row holds it: anything JSON cannot hold becomes its text.

    Refuses data over :data:`engine.limits.MAX_DATA_BYTES` (:class:`Invalid`, so the step's
    transaction rolls back and the case stays as it was).
    """
    text = orjson.dumps(data, default=str, option=_AS_TEXT)
    if len(text) > limits.MAX_DATA_BYTES:
        message = limits.data_too_large(len(text))
        raise Invalid(message, details=[{"field": "data", "message": message}], code="data_too_large")
    return dict(orjson.loads(text))


# Dates and subclasses go through ``default=str`` (as json.dumps would), keys become strings.
_AS_TEXT = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_NON_STR_KEYS
)
