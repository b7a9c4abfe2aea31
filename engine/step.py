"""One case's workflow inside one write transaction: loaded, changed, saved once.

A :class:`Step` is how every use case that changes a case (start, complete, fire timers,
retry) touches SpiffWorkflow. It loads the workflow (from the workflow cache when the cached
copy belongs to the case's current lock version, else by decoding the stored state), runs it
at the use case's instant, and saves everything the change means in the caller's
transaction: state and case row under the optimistic lock, task and timer indexes, history,
notifications. The workflow goes back into the cache only after that transaction commits.
See docs/write-path.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from sqlalchemy import Connection, bindparam, select

from engine import figures, history, indexes, metrics, schema
from engine.context import Samverkan
from engine.db import pipelined
from engine.definitions import Definition
from engine.errors import Conflict, NotFound
from engine.history import Event
from engine.prepared import PreparedRead
from engine.pruning import prune_finished_history
from engine.runtime import Snapshot, StepError, WaitingTimer
from engine.sandbox import step_budget
from engine.task_context import task_context

ACTIVE, COMPLETED = "active", "completed"

# SpiffWorkflow fires a timer strictly after its instant.
_JUST_AFTER = timedelta(microseconds=1)
_TIMER_ACTIONS = {"reminder": "reminder", "escalation": "escalated"}

# The task row, and of its case what a step needs plus what the response shows.
_CASE_FIELDS = ("title", "process_id", "process_version", "start_event", "is_demo", "created_at", "handlaggare")
_TASK_WITH_CASE = PreparedRead(
    select(
        schema.tasks,
        *(schema.cases.c[name].label(f"case__{name}") for name in _CASE_FIELDS),
        schema.cases.c.lock_version,
        schema.cases.c.state.label("workflow_state"),
    )
    .join(schema.cases, schema.cases.c.id == schema.tasks.c.case_id)
    .where(schema.tasks.c.id == bindparam("task_id"))
)
_CASE_COLUMNS = (
    schema.cases.c.process_id,
    schema.cases.c.process_version,
    schema.cases.c.lock_version,
    schema.cases.c.status,
)
_CASE = PreparedRead(select(*_CASE_COLUMNS).where(schema.cases.c.id == bindparam("case_id")))
# For work on cases that are rarely in the workflow cache (timers, moves): the state comes along.
_CASE_WITH_STATE = PreparedRead(
    select(*_CASE_COLUMNS, schema.cases.c.state).where(schema.cases.c.id == bindparam("case_id"))
)
_STATE = select(schema.cases.c.state).where(schema.cases.c.id == bindparam("case_id"))
_SET_VERSION = (
    schema.cases.update().where(schema.cases.c.id == bindparam("case_id")).values(process_version=bindparam("version"))
)


@dataclass(frozen=True)
class Saved:
    """What a save wrote: the case columns besides its state, and the task index's change."""

    columns: dict[str, Any]
    tasks: indexes.TaskSync
    timers_gone: list[str]


class Step:
    """One case's workflow during one use case. Build it with :meth:`load`, :meth:`for_task` or :meth:`start`."""

    def __init__(
        self,
        engine: Samverkan,
        conn: Connection,
        case_id: int,
        lock_version: int,
        definition: Definition,
        workflow: BpmnWorkflow,
        now: datetime,
    ) -> None:
        self._engine, self._conn = engine, conn
        self.case_id, self.definition, self.now = case_id, definition, now
        self._lock_version = lock_version
        self._workflow = workflow
        self._events: list[Event] = []
        self._error: StepError | None = None
        self._saved = False
        self._completed: set[str] = set()
        # What the indexes hold for this case: the state it was loaded from, written in one transaction.
        loaded = engine.runtime.snapshot(workflow)
        due = _due_dates(definition, loaded.timers)
        self._indexed_tasks = {t.id: due.get(t.id) for t in loaded.open_tasks}
        self._indexed_elements = {t.id: t.element_id for t in loaded.open_tasks}
        self._indexed_timers = {t.id: t.due_at for t in loaded.timers}
        self._fired_at_load = {t.id for t in loaded.fired_timers}
        # The area the case row (and its open tasks) hold: the loaded data's, as the last save wrote it.
        self._area_at_load = definition.profile.area_of(loaded.data)
        self._current: Snapshot | None = loaded
        self._new_version: int | None = None
        # Of the case row as read: its process and version (not for a new case), its status (by :meth:`load`).
        self.process: tuple[str, int] | None = None
        self.status_at_load: str | None = None

    # --- loading ---------------------------------------------------------------------------
    @classmethod
    def load(
        cls, engine: Samverkan, conn: Connection, case_id: int, now: datetime, *, with_state: bool = False
    ) -> Step:
        """The case's step; ``with_state`` reads the stored state in the same query (for a case
        that is likely not cached), else only when the cache has no copy of this lock version."""
        # Not in a pipeline of its own: psycopg sends BEGIN apart anyway, and leaving one costs a round trip.
        row = (_CASE_WITH_STATE if with_state else _CASE).first(conn, {"case_id": case_id})
        if row is None:
            raise NotFound(f"Ärende {case_id} finns inte.", code="not_found")
        step = cls._loaded(
            engine,
            conn,
            case_id,
            (row.process_id, row.process_version),
            row.lock_version,
            (lambda: row.state) if with_state else (lambda: conn.execute(_STATE, {"case_id": case_id}).scalar_one()),
            now,
        )
        step.status_at_load = row.status
        return step

    @classmethod
    def for_task(cls, engine: Samverkan, conn: Connection, task_id: str, now: datetime) -> tuple[Any, Step]:
        """The task row (with its case's columns prefixed ``case__``) and its case's step, in one round trip."""
        row = _TASK_WITH_CASE.first(conn, {"task_id": task_id})
        if row is None:
            raise NotFound(f"Uppgift {task_id} finns inte.", code="not_found")
        process = (row.case__process_id, row.case__process_version)
        return row, cls._loaded(engine, conn, row.case_id, process, row.lock_version, lambda: row.workflow_state, now)

    @classmethod
    def _loaded(
        cls,
        engine: Samverkan,
        conn: Connection,
        case_id: int,
        process: tuple[str, int],
        lock_version: int,
        state: Any,
        now: datetime,
    ) -> Step:
        """The case's workflow from the cache when its lock version still matches, else from ``state()``."""
        definition = engine.definition(conn, *process)
        workflow = engine.workflows.take(case_id, lock_version)
        if workflow is None:
            workflow = engine.runtime.load(definition, state())
        step = cls(engine, conn, case_id, lock_version, definition, workflow, now)
        step.process = process
        return step

    @classmethod
    def start(
        cls,
        engine: Samverkan,
        conn: Connection,
        case_id: int,
        definition: Definition,
        start_event: str,
        data: dict[str, Any],
        now: datetime,
    ) -> Step:
        """A new workflow for a case row just inserted (lock version 0), at ``start_event``, not yet run."""
        workflow = engine.runtime.create(definition, start_event)
        if data:
            workflow.data.update(data)
            for task in workflow.get_tasks():
                task.data.update(data)
        return cls(engine, conn, case_id, 0, definition, workflow, now)

    # --- acting ----------------------------------------------------------------------------
    @property
    def workflow(self) -> BpmnWorkflow:
        """The case's workflow, to read where it stands (change it only through the step)."""
        return self._workflow

    @property
    def error(self) -> StepError | None:
        """The failure of a script, condition or gateway in this step; saved as the case's incident."""
        return self._error

    def record(self, event: Event) -> None:
        self._events.append(event)

    def run(self) -> None:
        """Run engine work and fire timers due by the step's instant until the workflow waits."""
        try:
            self._run(self.now)
        except StepError as err:
            self._error = err

    def complete(self, task_id: str, data: dict[str, Any], actor: str) -> None:
        """Complete an open user task with ``data`` (already validated), then run on."""
        runtime = self._engine.runtime
        element_id = runtime.element_of(self._workflow, task_id)
        try:
            runtime.complete(self._workflow, task_id, data, self.now)
        except KeyError as err:
            raise Conflict("Uppgiften är inte längre öppen.", code="task_closed") from err
        except StepError as err:
            self._error = err
        self._completed.add(task_id)
        if element_id is not None and (ending := self.definition.branches_ending_with(element_id)):
            runtime.close_branches(self._workflow, task_id, ending)
        self._current = None
        # The submitted data goes into history too: each follow-up period's report stays readable
        # after later periods overwrite the same fields in the case data.
        self.record(Event("completed", actor, element_id, {"task_id": task_id, "data": data}))
        if self._error is None:
            self.run()

    def fire_due(self) -> int:
        """Fire every timer due by the step's instant, oldest first; returns how many fired.

        Overdue timers fire one due moment at a time, so a reminder due before an interrupting
        deadline fires before the deadline cancels it, and timers reached on the way count from
        when they were due. A failing script raises :class:`StepError`: the caller's transaction
        rolls back and nothing is saved (the worker retries, then reports an incident). All the
        runs share one time budget (:data:`engine.limits.STEP_SECONDS`).
        """
        with step_budget():
            for _ in range(1000):
                due = [timer.due_at for timer in self._snapshot().timers if timer.due_at <= self.now]
                if not due:
                    break
                self._run(min(due) + _JUST_AFTER)
        return len(self._newly_fired())

    def retry(self, data: dict[str, Any], actor: str) -> list[str]:
        """After an incident: apply ``data`` to the failed tasks and run again; returns their element ids."""
        retried = self._engine.runtime.retry_errors(self._workflow, data)
        self._current = None
        if retried:
            self.record(Event("retried", actor, retried[0], {"data": data}))
            self.run()
        return retried

    def retarget(
        self, definition: Definition, change: Callable[[BpmnWorkflow], BpmnWorkflow], *, version: int | None = None
    ) -> None:
        """Re-point the workflow (``change`` gives it re-pointed) at ``definition``; saved as any step.

        ``version``: the process version ``definition`` is, when the case moves to another one;
        the save records it on the case row.

        The indexes still hold what was loaded, so the save brings them in line with the new version.
        """
        self._workflow = change(self._workflow)
        self._new_version = version if version is not None else self._new_version
        self.definition = definition
        self._current = None

    def _run(self, at: datetime) -> None:
        self._current = None
        self._engine.runtime.run(self._workflow, at)

    def _snapshot(self) -> Snapshot:
        if self._current is None:
            self._current = self._engine.runtime.snapshot(self._workflow)
        return self._current

    def _newly_fired(self) -> list[WaitingTimer]:
        fired = [t for t in self._snapshot().fired_timers if t.id not in self._fired_at_load]
        return sorted(fired, key=lambda t: (t.due_at, t.id))

    # --- saving ----------------------------------------------------------------------------
    def save(self, actor: str, ended_as: str | None = None) -> Saved:
        """Write the step in the caller's transaction; :class:`Conflict` if the case changed meanwhile.

        ``ended_as`` gives the case that status instead of what the workflow says (a cancelled case).
        """
        if self._saved:
            raise RuntimeError("a step is saved once")
        engine, conn, definition, now = self._engine, self._conn, self.definition, self.now
        fired = self._newly_fired()
        events = [*self._events, *self._timer_events(fired), *self._cancelled_events()]
        if prune_finished_history(self._workflow):
            self._current = None
        snapshot = self._snapshot()
        status, end_event, incident = ACTIVE, None, None
        if self._error is not None:
            incident = {"element_id": self._error.element_id, "message": self._error.message, "at": now.isoformat()}
            events.append(Event("incident", actor, self._error.element_id, {"message": self._error.message}))
        elif ended_as is not None:
            status = ended_as
        elif not snapshot.open_tasks and not snapshot.timers and self._workflow.is_completed():
            status = COMPLETED
            end_event = engine.runtime.reached_end_event(self._workflow, definition.end_events())
            events.append(Event("ended", actor, end_event, {}))
        active = [t.element_id for t in snapshot.open_tasks] + [
            t.element_id for t in snapshot.timers if not definition.is_boundary(t.element_id)
        ]
        area = definition.profile.area_of(snapshot.data)
        columns = {
            "data": indexes.jsonable(snapshot.data),
            "status": status,
            "end_event": end_event,
            "phase": _phase(definition, active, end_event),
            "area": area,
            "active_elements": active,
            "incident": incident,
            "updated_at": now,
        }
        # One round trip on PostgreSQL for all of it (and one more for each read among the writes).
        with pipelined(conn):
            updated = indexes.update_case(
                conn, self.case_id, self._lock_version, columns, engine.runtime.dump(self._workflow)
            )
            tasks = indexes.sync_tasks(
                conn,
                self.case_id,
                definition,
                self._indexed_tasks,
                snapshot.open_tasks,
                # A deadline that passed during this step (a catch-up) is still the task's deadline.
                _due_dates(definition, [*snapshot.timers, *fired]),
                now,
                actor,
                self._context_of,
                (self._area_at_load, area),
            )
            gone = indexes.sync_timers(conn, self.case_id, definition, self._indexed_timers, snapshot.timers)
            history.write(conn, self.case_id, now, events)
            if (spec := definition.profile.figures) is not None and figures.touches(spec, events):
                figures.refresh(conn, spec, self.case_id, events, now)
            indexes.write_notifications(conn, self.case_id, events, now)
            if self._new_version is not None:
                conn.execute(_SET_VERSION, {"case_id": self.case_id, "version": self._new_version})
        indexes.check_updated(conn, updated)
        self._saved = True
        workflow, lock_version = self._workflow, self._lock_version + 1
        engine.after_commit(conn, lambda: engine.workflows.put(self.case_id, lock_version, workflow))
        engine.after_commit(conn, lambda: metrics.count_steps(e.action for e in events))
        return Saved(columns, tasks, gone)

    def _timer_events(self, fired: list[WaitingTimer]) -> list[Event]:
        """History for the timers that fired in this step (not those cancelled with their task).

        A reminder or escalation is about the task its timer watches (see ``WaitingTimer.about``).
        """
        found: list[Event] = []
        for timer in fired:
            element = self.definition.element(timer.element_id)
            found.append(Event("timer", "system", timer.element_id, {"due_at": timer.due_at.isoformat()}))
            if element is None or element.action not in _TIMER_ACTIONS or timer.about is None:
                continue
            about = self._engine.runtime.element_of(self._workflow, timer.about) or element.attached_to
            details = {"due_at": timer.due_at.isoformat(), "task_id": timer.about}
            found.append(Event(_TIMER_ACTIONS[element.action], "system", about, details))
        return found

    def _cancelled_events(self) -> list[Event]:
        """History for open tasks that closed in this step without being completed (a timer, an end)."""
        still_open = {t.id for t in self._snapshot().open_tasks}
        return [
            Event("cancelled", "system", element_id, {"task_id": task_id})
            for task_id, element_id in self._indexed_elements.items()
            if task_id not in still_open and task_id not in self._completed
        ]

    def _context_of(self, task_id: str, element_id: str) -> dict[str, Any] | None:
        """What a new task's page shows and prefills: its own data (a branch's copy) for its form's fields."""
        form = self._engine.forms.schema(self.definition.form_of(element_id))
        return task_context(form, self._engine.runtime.task_data(self._workflow, task_id))


def _phase(definition: Definition, active: list[str], end_event: str | None) -> str | None:
    for element_id in [*active, end_event]:
        element = definition.element(element_id) if element_id else None
        if element is not None and element.phase:
            return element.phase
    return None


def _due_dates(definition: Definition, timers: list[WaitingTimer]) -> dict[str, datetime]:
    """Task id -> deadline: a task is due when the first reminder timer watching it fires."""
    due: dict[str, datetime] = {}
    for timer in timers:
        element = definition.element(timer.element_id)
        if element is None or element.action != "reminder" or timer.about is None:
            continue
        current = due.get(timer.about)
        due[timer.about] = min(current, timer.due_at) if current else timer.due_at
    return due
