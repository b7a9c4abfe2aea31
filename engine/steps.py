"""Persisting a workflow after a step: state, case row, task and timer indexes, history.

Called inside the use case's transaction; never commits. The case row is updated with an
optimistic lock, so a concurrent step on the same case raises :class:`Conflict` and the caller's
transaction rolls back whole.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import Connection, bindparam, select

from engine import history, schema
from engine.context import Samverkan
from engine.definitions import Definition
from engine.errors import Conflict
from engine.history import Event
from engine.pruning import prune_finished_history
from engine.runtime import Snapshot, StepError, WaitingTimer

ACTIVE, COMPLETED, CANCELLED = "active", "completed", "cancelled"

# The case columns a step writes besides its state and lock version.
_WRITTEN = ("data", "status", "end_event", "phase", "area", "active_elements", "incident", "updated_at")

_TIMER_ACTIONS = {"reminder": "reminder", "escalation": "escalated"}


@dataclass
class Step:
    """What a use case did to a loaded workflow, before it is saved."""

    case_id: int
    lock_version: int
    definition: Definition
    workflow: BpmnWorkflow
    timers_before: list[WaitingTimer]
    events: list[Event]
    error: StepError | None = None
    # What the task and timer indexes hold for this case at load: id -> due date.
    indexed_tasks: dict[str, datetime | None] = field(default_factory=dict)
    indexed_timers: dict[str, datetime] = field(default_factory=dict)
    saved: bool = False
    # After save: the case columns it wrote, and the case's open task rows (for the response).
    written: dict[str, Any] = field(default_factory=dict)
    open_task_rows: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def loaded(
        cls, case_id: int, lock_version: int, definition: Definition, workflow: BpmnWorkflow, snapshot: Snapshot
    ) -> Step:
        due = _due_dates(definition, snapshot.timers)
        return cls(
            case_id,
            lock_version,
            definition,
            workflow,
            snapshot.timers,
            [],
            indexed_tasks={t.id: due.get(t.element_id) for t in snapshot.open_tasks},
            indexed_timers={t.id: t.due_at for t in snapshot.timers},
        )


def save(engine: Samverkan, conn: Connection, step: Step, actor: str) -> None:
    now = engine.now()
    runtime, definition, workflow = engine.runtime, step.definition, step.workflow
    events = list(step.events)
    events.extend(fired_timer_events(engine, step))
    prune_finished_history(workflow)
    snapshot = runtime.snapshot(workflow)
    open_tasks, timers, data = snapshot.open_tasks, snapshot.timers, snapshot.data
    end_events = {e.id for e in definition.elements.values() if e.kind == "endEvent"}

    status, end_event, incident = ACTIVE, None, None
    if step.error is not None:
        incident = {"element_id": step.error.element_id, "message": step.error.message, "at": now.isoformat()}
        events.append(Event("incident", actor, step.error.element_id, {"message": step.error.message}))
    elif not open_tasks and not timers and workflow.is_completed():  # (its tree walk only when it can be)
        status, end_event = COMPLETED, runtime.reached_end_event(workflow, end_events)
        events.append(Event("ended", actor, end_event, {}))

    active = [t.element_id for t in open_tasks] + [
        t.element_id for t in timers if not _is_boundary(definition, t.element_id)
    ]
    step.written = {
        "data": _jsonable(data),
        "status": status,
        "end_event": end_event,
        "phase": _phase(definition, active, end_event),
        "area": data.get("omrade") if isinstance(data.get("omrade"), str) else None,
        "active_elements": active,
        "incident": incident,
        "updated_at": now,
    }
    result = conn.execute(
        _UPDATE_CASE,
        {
            **step.written,
            "state": runtime.dump(workflow),
            "lock_version": step.lock_version + 1,
            "case_id": step.case_id,
            "expected_version": step.lock_version,
        },
    )
    if result.rowcount != 1:
        raise Conflict("Ärendet har ändrats av någon annan; ladda om och försök igen.", code="stale")
    step.open_task_rows = _sync_tasks(conn, step, open_tasks, timers, now, actor)
    _sync_timers(conn, step, timers)
    history.write(conn, step.case_id, now, events)
    _notify(conn, step.case_id, events, now)
    step.saved = True


# Built once: constructing statements costs more than running them on this hot path.
_UPDATE_CASE = (
    schema.cases.update()
    .where(schema.cases.c.id == bindparam("case_id"), schema.cases.c.lock_version == bindparam("expected_version"))
    .values({name: bindparam(name) for name in (*_WRITTEN, "state", "lock_version")})
)
_CLOSE_TASKS = (
    schema.tasks.update()
    .where(schema.tasks.c.id.in_(bindparam("ids", expanding=True)))
    .values(state="closed", closed_at=bindparam("now"), closed_by=bindparam("actor"))
)
_TASK_DUE = schema.tasks.update().where(schema.tasks.c.id == bindparam("task_id")).values(due_at=bindparam("due_at"))
_OPEN_TASKS = select(schema.tasks).where(schema.tasks.c.id.in_(bindparam("ids", expanding=True)))
_INSERT_TASKS = schema.tasks.insert()
_DELETE_TIMERS = schema.timers.delete().where(schema.timers.c.id.in_(bindparam("ids", expanding=True)))
_TIMER_DUE = (
    schema.timers.update().where(schema.timers.c.id == bindparam("timer_id")).values(due_at=bindparam("due_at"))
)
_INSERT_TIMERS = schema.timers.insert()


def _is_boundary(definition: Definition, element_id: str) -> bool:
    element = definition.element(element_id)
    return element is not None and element.kind == "boundaryEvent"


def _phase(definition: Definition, active: list[str], end_event: str | None) -> str | None:
    for element_id in [*active, end_event]:
        element = definition.element(element_id) if element_id else None
        if element is not None and element.phase:
            return element.phase
    return None


def fired_timer_events(engine: Samverkan, step: Step) -> list[Event]:
    """History for timers that fired during this step (not those cancelled with their task)."""
    found: list[Event] = []
    for timer in sorted(step.timers_before, key=lambda t: t.due_at):
        state = engine.runtime.task_state(step.workflow, timer.id)
        if state not in ("COMPLETED", "READY"):
            continue
        element = step.definition.element(timer.element_id)
        details = {"due_at": timer.due_at.isoformat()}
        found.append(Event("timer", "system", timer.element_id, details))
        if element is not None and element.action in _TIMER_ACTIONS and element.attached_to:
            found.append(Event(_TIMER_ACTIONS[element.action], "system", element.attached_to, details))
    return found


def _due_dates(definition: Definition, timers: list[WaitingTimer]) -> dict[str, datetime]:
    """A task waiting under a reminder timer is due when that reminder fires."""
    due: dict[str, datetime] = {}
    for timer in timers:
        element = definition.element(timer.element_id)
        if element is None or element.action != "reminder" or not element.attached_to:
            continue
        current = due.get(element.attached_to)
        due[element.attached_to] = min(current, timer.due_at) if current else timer.due_at
    return due


def _sync_tasks(
    conn: Connection, step: Step, open_tasks: list[Any], timers: list[WaitingTimer], now: datetime, actor: str
) -> list[dict[str, Any]]:
    """Bring the task index in line with the workflow; returns the case's open task rows."""
    existing = step.indexed_tasks  # written with the state it was loaded from, in one transaction
    open_ids = {task.id for task in open_tasks}
    closed = [task_id for task_id in existing if task_id not in open_ids]
    if closed:
        conn.execute(_CLOSE_TASKS, {"ids": closed, "now": now, "actor": actor})
    due = _due_dates(step.definition, timers)
    new_rows, kept = [], []
    for task in open_tasks:
        element = step.definition.element(task.element_id)
        due_at = due.get(task.element_id)
        if task.id in existing:
            # A fired reminder leaves no waiting timer, but the task stays due (and overdue) then.
            if due_at is not None and existing[task.id] != due_at:
                conn.execute(_TASK_DUE, {"task_id": task.id, "due_at": due_at})
            kept.append(task.id)
            continue
        new_rows.append(
            {
                "id": task.id,
                "case_id": step.case_id,
                "element_id": task.element_id,
                "name": element.name if element else task.element_id,
                "role": (element.role if element else None) or "admin",
                "phase": element.phase if element else None,
                "assignee": None,
                "due_at": due_at,
                "created_at": now,
                "state": "open",
            }
        )
    if new_rows:
        conn.execute(_INSERT_TASKS, new_rows)
    # Tasks that stay open keep their assignee and creation time: only the index has them.
    kept_rows = [dict(row._mapping) for row in conn.execute(_OPEN_TASKS, {"ids": kept})] if kept else []
    return kept_rows + new_rows


def _sync_timers(conn: Connection, step: Step, timers: list[WaitingTimer]) -> None:
    existing = step.indexed_timers
    waiting = {timer.id: timer for timer in timers}
    gone = [timer_id for timer_id in existing if timer_id not in waiting]
    if gone:
        conn.execute(_DELETE_TIMERS, {"ids": gone})
    rows = []
    for timer in timers:
        if timer.id in existing:
            if existing[timer.id] != timer.due_at:
                conn.execute(_TIMER_DUE, {"timer_id": timer.id, "due_at": timer.due_at})
            continue
        element = step.definition.element(timer.element_id)
        rows.append(
            {
                "id": timer.id,
                "case_id": step.case_id,
                "element_id": timer.element_id,
                "attached_to": element.attached_to if element else None,
                "action": element.action if element else None,
                "due_at": timer.due_at,
                "state": "waiting",
                "attempts": 0,
            }
        )
    if rows:
        conn.execute(_INSERT_TIMERS, rows)


def _notify(conn: Connection, case_id: int, events: list[Event], now: datetime) -> None:
    """Reminders and escalations go to the task's assignee, or its role when unclaimed."""
    rows = []
    for event in events:
        if event.action not in ("reminder", "escalated"):
            continue
        task = conn.execute(
            select(schema.tasks.c.assignee, schema.tasks.c.role, schema.tasks.c.name)
            .where(schema.tasks.c.case_id == case_id, schema.tasks.c.element_id == event.element_id)
            .order_by(schema.tasks.c.created_at.desc())
            .limit(1)
        ).first()
        role = "chef" if event.action == "escalated" else (task.role if task else None)
        name = task.name if task else event.element_id
        text = (
            f"Påminnelse: uppgiften «{name}» väntar fortfarande."
            if event.action == "reminder"
            else f"Eskalering: uppgiften «{name}» är försenad."
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
        conn.execute(schema.notifications.insert(), rows)


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    """The case data as the case row holds it: anything JSON cannot hold becomes its text."""
    text = orjson.dumps(data, default=str, option=_AS_TEXT)
    return dict(orjson.loads(text))


# Dates and subclasses go through ``default=str`` (as json.dumps would), keys become strings.
_AS_TEXT = (
    orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_SUBCLASS
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_NON_STR_KEYS
)
