"""Use cases that change a case: start, claim, unclaim, complete, fire timers, retry.

Each is one database transaction with the case's optimistic lock; anything refused raises
before the transaction commits, so the database stays as it was.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, bindparam, select

from engine import attachments, history, inputs, queries, reference, schema, steps
from engine.context import Samverkan, User
from engine.errors import Conflict, Forbidden, Invalid, NotFound
from engine.history import Event
from engine.processes import latest_version
from engine.runtime import StepError
from engine.steps import Step
from engine.task_access import check_open_for, open_task_for, task_row

STARTERS = ("kontaktperson", "admin")
RELEASERS = ("chef", "admin")


def start_case(
    engine: Samverkan,
    user: User,
    process_id: str,
    title: str,
    start_event: str | None = None,
    data: dict[str, Any] | None = None,
    is_demo: bool = False,
) -> int:
    if not user.has(*STARTERS):
        raise Forbidden("Endast kontaktpersoner får starta ärenden.", code="forbidden")
    if not isinstance(title, str) or not title.strip():
        raise Invalid("Ärendet behöver en titel.", details=[{"field": "title", "message": "Fältet måste fyllas i."}])
    inputs.check_text("title", title.strip(), schema.TITLE_LENGTH)
    if data is not None and not isinstance(data, dict):
        raise Invalid("data måste vara ett objekt.", details=[{"field": "data", "message": "Fel typ av värde."}])
    try:
        version = latest_version(engine, process_id)
    except NotFound as err:
        raise Invalid(
            f"Processen {process_id} finns inte.",
            details=[{"field": "process_id", "message": "Okänd process."}],
            code="unknown_process",
        ) from err
    now = engine.now()
    with engine.write() as conn:
        definition = engine.definition(conn, process_id, version)
        starts = definition.start_events()
        chosen = start_event or (starts[0] if len(starts) == 1 else None)
        if chosen not in starts:
            raise Invalid(
                "Okänd starthändelse." if start_event else "Processen har flera starthändelser; ange start_event.",
                details=[{"field": "start_event", "message": f"Välj en av: {', '.join(starts)}"}],
                code="unknown_start_event",
            )
        workflow = engine.runtime.create(definition, chosen)
        if data:
            workflow.data.update(data)
            for task in workflow.get_tasks():
                task.data.update(data)
        case_id = conn.execute(
            schema.cases.insert()
            .values(
                title=title.strip(),
                process_id=process_id,
                process_version=version,
                status=steps.ACTIVE,
                start_event=chosen,
                created_at=now,
                updated_at=now,
                created_by=user.username,
                lock_version=0,
                state={},
                data={},
                active_elements=[],
                is_demo=is_demo,
            )
            .returning(schema.cases.c.id)
        ).scalar_one()
        step = Step(case_id, 0, definition, workflow, [], [Event("started", user.username, chosen, {"title": title})])
        _run(engine, step)
        steps.save(engine, conn, step, user.username)
    _remember(engine, step)
    _remember(engine, step)
    return int(case_id)


def _run(engine: Samverkan, step: Step) -> None:
    try:
        engine.runtime.run(step.workflow)
    except StepError as err:
        step.error = err


def _load(engine: Samverkan, conn: Connection, case_id: int) -> Step:
    c = schema.cases.c
    row = conn.execute(select(c.process_id, c.process_version, c.lock_version).where(c.id == case_id)).first()
    if row is None:
        raise NotFound(f"Ärende {case_id} finns inte.", code="not_found")
    return _step(
        engine,
        conn,
        case_id,
        (row.process_id, row.process_version),
        row.lock_version,
        lambda: conn.execute(select(c.state).where(c.id == case_id)).scalar_one(),
    )


# The task row, and of its case what a step needs plus what the response shows.
_TASK_WITH_CASE = (
    select(
        schema.tasks,
        *(
            schema.cases.c[name].label(f"case__{name}")
            for name in ("title", "process_id", "process_version", "start_event", "is_demo", "created_at")
        ),
        schema.cases.c.lock_version,
        schema.cases.c.state.label("workflow_state"),
    )
    .join(schema.cases, schema.cases.c.id == schema.tasks.c.case_id)
    .where(schema.tasks.c.id == bindparam("task_id"))
)


def _load_with_task(engine: Samverkan, conn: Connection, task_id: str) -> tuple[Any, Step]:
    """The task row and its case's step in one round trip (the hot path of completing)."""
    row = conn.execute(_TASK_WITH_CASE, {"task_id": task_id}).first()
    if row is None:
        raise NotFound(f"Uppgift {task_id} finns inte.", code="not_found")
    process = (row.case__process_id, row.case__process_version)
    return row, _step(engine, conn, row.case_id, process, row.lock_version, lambda: row.workflow_state)


def _step(
    engine: Samverkan,
    conn: Connection,
    case_id: int,
    process: tuple[str, int],
    lock_version: int,
    state: Callable[[], Any],
) -> Step:
    """The case's workflow from the cache when its lock version still matches, else from ``state()``."""
    definition = engine.definition(conn, *process)
    workflow = engine.workflows.take(case_id, lock_version)
    if workflow is None:
        workflow = engine.runtime.load(definition, state())
    return Step.loaded(case_id, lock_version, definition, workflow, engine.runtime.snapshot(workflow))


def _remember(engine: Samverkan, step: Step) -> None:
    """After the commit: keep the workflow for the next step on this case (see WorkflowCache)."""
    if step.saved:
        engine.workflows.put(step.case_id, step.lock_version + 1, step.workflow)


def claim_task(engine: Samverkan, user: User, task_id: str) -> None:
    with engine.write() as conn:
        task = open_task_for(conn, user, task_id)
        if task.assignee == user.username:
            return
        result = conn.execute(
            schema.tasks.update()
            .where(schema.tasks.c.id == task_id, schema.tasks.c.assignee.is_(None), schema.tasks.c.state == "open")
            .values(assignee=user.username)
        )
        if result.rowcount != 1:
            raise Conflict("Uppgiften är redan tagen av någon annan.", code="claimed")
        history.write(conn, task.case_id, engine.now(), [Event("claimed", user.username, task.element_id, {})])


def unclaim_task(engine: Samverkan, user: User, task_id: str) -> None:
    with engine.write() as conn:
        task = task_row(conn, task_id)
        if task.assignee is None:
            return
        if task.assignee != user.username and not user.has(*RELEASERS):
            raise Forbidden(
                "Endast den som tagit uppgiften, chef eller administratör kan släppa den.", code="forbidden"
            )
        conn.execute(
            schema.tasks.update()
            .where(schema.tasks.c.id == task_id, schema.tasks.c.assignee == task.assignee)
            .values(assignee=None)
        )
        history.write(
            conn,
            task.case_id,
            engine.now(),
            [Event("unclaimed", user.username, task.element_id, {"from": task.assignee})],
        )


def complete_task(engine: Samverkan, user: User, task_id: str, data: Any) -> dict[str, Any]:
    """Validate ``data`` against the task's form, complete it and run the engine.

    Returns the case as :func:`queries.get_case` shows it, built from what the step wrote.
    """
    if not isinstance(data, dict):
        raise Invalid("data måste vara ett objekt.", details=[{"field": "data", "message": "Fel typ av värde."}])
    with engine.write() as conn:
        task, step = _load_with_task(engine, conn, task_id)
        check_open_for(task, user)
        if task.assignee not in (None, user.username):
            raise Conflict(f"Uppgiften är tagen av {task.assignee}.", code="claimed")
        element = step.definition.element(task.element_id)
        form = element.form if element and element.form else task.element_id
        problems = engine.forms.errors(form, data) + _reference_errors(engine, conn, form, data, task.case_id)
        if problems:
            raise Invalid("Uppgifterna är inte kompletta.", details=problems, code="invalid_data")
        try:
            engine.runtime.complete(step.workflow, task_id, data)
        except KeyError as err:
            raise Conflict("Uppgiften är inte längre öppen.", code="task_closed") from err
        except StepError as err:
            step.error = err
        # The submitted data goes into history too: each follow-up period's report stays readable
        # after later periods overwrite the same fields in the case data.
        step.events.append(Event("completed", user.username, task.element_id, {"task_id": task_id, "data": data}))
        if step.error is None:
            _run(engine, step)
        steps.save(engine, conn, step, user.username)
    _remember(engine, step)
    return _case_after(task, step)


def _case_after(row: Any, step: Step) -> dict[str, Any]:
    case = queries.unprefixed(row, "case__")
    case.update(step.written, id=step.case_id)
    open_tasks = sorted(step.open_task_rows, key=lambda r: (r["created_at"], r["id"]))
    return queries.case_view(SimpleNamespace(**case), [queries.task_view(SimpleNamespace(**r)) for r in open_tasks])


def _reference_errors(
    engine: Samverkan, conn: Connection, form: str, data: dict[str, Any], case_id: int
) -> list[dict[str, str]]:
    problems = attachments.reference_errors(conn, engine.forms.schema(form), data, case_id)
    for name, spec in engine.forms.schema(form).get("properties", {}).items():
        if spec.get("x-reference") != "areas" or name not in data:
            continue
        if data[name] not in reference.active_area_ids(engine, conn):
            problems.append({"field": name, "message": "Välj ett område ur listan."})
    return problems


def fire_due_timers(
    engine: Samverkan,
    case_id: int,
    *,
    keep_incidents: bool = True,
    after: Callable[[Connection], None] | None = None,
) -> int:
    """Fire every timer of one case that is due by the engine clock, in due order; returns how many fired.

    Overdue timers fire one due moment at a time, so a reminder due before an interrupting
    deadline fires before the deadline cancels it, and timers reached on the way count from
    when they were due. With ``keep_incidents=False`` a failing script raises
    :class:`StepError` and nothing is saved, for the worker to retry. ``after`` runs inside
    the same transaction (the worker's timer bookkeeping commits with the step).
    """
    moment = timedelta(microseconds=1)  # SpiffWorkflow fires a timer strictly after its instant
    with engine.write() as conn:
        step = _load(engine, conn, case_id)
        now, fired = engine.now(), 0
        for _ in range(1000):
            waiting = engine.runtime.waiting_timers(step.workflow)
            due = [timer.due_at for timer in waiting if timer.due_at <= now]
            if not due:
                break
            step.timers_before = waiting
            try:
                engine.runtime.run(step.workflow, at=min(due) + moment)
            except StepError as err:
                if not keep_incidents:
                    raise
                step.error = err
            events = steps.fired_timer_events(engine, step)
            fired += sum(1 for e in events if e.action == "timer")
            step.events.extend(events)
            if step.error is not None:
                break
        step.timers_before = []
        if fired or step.error is not None:
            steps.save(engine, conn, step, "system")
        if after is not None:
            after(conn)
    _remember(engine, step)
    return fired


def retry_case(engine: Samverkan, user: User, case_id: int, data: dict[str, Any] | None = None) -> None:
    """After an incident: apply corrected data to the failed task and run again."""
    if not user.has("admin"):
        raise Forbidden("Endast administratörer kan köra om ett ärende.", code="forbidden")
    with engine.write() as conn:
        step = _load(engine, conn, case_id)
        retried = engine.runtime.retry_errors(step.workflow, data or {})
        if not retried:
            raise Conflict("Ärendet har ingen incident att köra om.", code="no_incident")
        step.events.append(Event("retried", user.username, retried[0], {"data": data or {}}))
        _run(engine, step)
        steps.save(engine, conn, step, user.username)
    _remember(engine, step)
