"""Use cases that change a case: start, claim, unclaim, complete, fire timers, retry.

Each checks who may act and what they sent, then does its work in one write transaction through
a :class:`engine.step.Step`; anything refused raises before the transaction commits, so the
database stays as it was.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection

from engine import history, indexes, inputs, queries, schema
from engine.context import Samverkan, User
from engine.errors import Conflict, Forbidden, Invalid, NotFound
from engine.form_checks import form_errors
from engine.history import Event
from engine.processes import latest_version
from engine.step import ACTIVE, Saved, Step
from engine.task_access import check_open_for, task_row
from engine.timer_claims import hand_back

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
    handlaggare: str | None = None,
) -> int:
    """Start a case; its handläggare is ``handlaggare``, else the starter when a kontaktperson."""
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
        chosen = start_event or (starts[0] if starts else None)
        if chosen not in starts:
            raise Invalid(
                "Okänd starthändelse.",
                details=[{"field": "start_event", "message": f"Välj en av: {', '.join(starts)}"}],
                code="unknown_start_event",
            )
        if data:
            _check_start_data(engine, conn, definition.start_form(chosen), data)
        responsible = _responsible(conn, user, handlaggare)
        case_id = _insert_case(conn, title.strip(), process_id, version, chosen, user, is_demo, now, responsible)
        step = Step.start(engine, conn, case_id, definition, chosen, data or {}, now)
        step.record(Event("started", user.username, chosen, {"title": title, "handlaggare": responsible}))
        step.run()
        step.save(user.username)
    return case_id


def _check_start_data(engine: Samverkan, conn: Connection, form: str | None, data: dict[str, Any]) -> None:
    """Case data given at start obeys the start form's rules for the fields it has (none is required)."""
    problems = form_errors(engine, conn, form, data, case_id=None, partial=True) if form else []
    if problems:
        raise Invalid("Uppgifterna för ärendet är inte giltiga.", details=problems, code="invalid_data")


def _responsible(conn: Connection, user: User, handlaggare: str | None) -> str | None:
    from engine.assignment import HANDLAGGARE_ROLE, check_handlaggare  # assignment builds on this module

    if handlaggare is not None:
        return check_handlaggare(conn, handlaggare)
    return user.username if user.has(HANDLAGGARE_ROLE) else None


def _insert_case(
    conn: Connection,
    title: str,
    process_id: str,
    version: int,
    start_event: str,
    user: User,
    is_demo: bool,
    now: datetime,
    handlaggare: str | None = None,
) -> int:
    case_id = conn.execute(
        schema.cases.insert()
        .values(
            title=title,
            process_id=process_id,
            process_version=version,
            status=ACTIVE,
            start_event=start_event,
            created_at=now,
            updated_at=now,
            created_by=user.username,
            lock_version=0,
            state={},
            data={},
            active_elements=[],
            is_demo=is_demo,
            handlaggare=handlaggare,
        )
        .returning(schema.cases.c.id)
    ).scalar_one()
    return int(case_id)


def claim_task(engine: Samverkan, user: User, task_id: str) -> None:
    with engine.write() as conn:
        if task_row(conn, task_id).assignee == user.username:
            return
        task = _locked_task(engine, conn, task_id)
        check_open_for(task, user)
        if task.assignee is not None:
            raise Conflict("Uppgiften är redan tagen av någon annan.", code="claimed")
        conn.execute(schema.tasks.update().where(schema.tasks.c.id == task_id).values(assignee=user.username))
        history.write(conn, task.case_id, engine.now(), [Event("claimed", user.username, task.element_id, {})])


def unclaim_task(engine: Samverkan, user: User, task_id: str) -> None:
    with engine.write() as conn:
        if task_row(conn, task_id).assignee is None:
            return
        task = _locked_task(engine, conn, task_id)
        if task.assignee is None:
            return
        if task.assignee != user.username and not user.has(*RELEASERS):
            raise Forbidden(
                "Endast den som tagit uppgiften, chef eller administratör kan släppa den.", code="forbidden"
            )
        if task.state != "open":
            raise Conflict("Uppgiften är inte längre öppen.", code="task_closed")
        conn.execute(schema.tasks.update().where(schema.tasks.c.id == task_id).values(assignee=None))
        history.write(
            conn,
            task.case_id,
            engine.now(),
            [Event("unclaimed", user.username, task.element_id, {"from": task.assignee})],
        )


def _locked_task(engine: Samverkan, conn: Connection, task_id: str) -> Any:
    """The task row, read again after taking its case's lock as every change of the case does.

    A claim or release moves the case's lock version on (see :func:`indexes.move_lock`): a
    completion that read the task before fails its optimistic update instead of closing a task
    that meanwhile was claimed, and one that is saving makes us wait and then see the task closed.
    """
    case_id = task_row(conn, task_id).case_id
    version = indexes.move_lock(conn, case_id)
    engine.after_commit(conn, lambda: engine.workflows.moved(case_id, version - 1, version))
    return task_row(conn, task_id)


def complete_task(engine: Samverkan, user: User, task_id: str, data: Any) -> dict[str, Any]:
    """Validate ``data`` against the task's form, complete it and run the engine.

    Returns the case as :func:`queries.get_case` shows it, built from what the step wrote.
    """
    if not isinstance(data, dict):
        raise Invalid("data måste vara ett objekt.", details=[{"field": "data", "message": "Fel typ av värde."}])
    with engine.write() as conn:
        task, step = Step.for_task(engine, conn, task_id, engine.now())
        check_may_complete(task, user)
        problems = form_errors(engine, conn, step.definition.form_of(task.element_id), data, task.case_id)
        if problems:
            raise Invalid("Uppgifterna är inte kompletta.", details=problems, code="invalid_data")
        step.complete(task_id, data, user.username)
        return case_after(conn, task, step.case_id, step.save(user.username))


def check_may_complete(task: Any, user: User) -> None:
    """The task is open, of one of the user's roles, and not taken by someone else."""
    check_open_for(task, user)
    if task.assignee not in (None, user.username):
        raise Conflict(f"Uppgiften är tagen av {task.assignee}.", code="claimed")


def case_after(conn: Connection, row: Any, case_id: int, saved: Saved) -> dict[str, Any]:
    """The case as :func:`queries.get_case` shows it, from the task row's case columns and the save."""
    case = queries.unprefixed(row, "case__")
    case.update(saved.columns, id=case_id)
    open_tasks = sorted(saved.tasks.open_rows(conn), key=lambda r: (r["created_at"], r["id"]))
    return queries.case_view(SimpleNamespace(**case), [queries.task_view(SimpleNamespace(**r)) for r in open_tasks])


@dataclass(frozen=True)
class FiredTimers:
    """What firing one case's timers did: how many fired, and the claimed rows handed back."""

    fired: int
    released: list[str]


def fire_due_timers(engine: Samverkan, case_id: int, now: datetime | None = None) -> FiredTimers:
    """Fire every timer of one case due by ``now`` (default: the engine clock), in due order.

    A failing script raises :class:`engine.runtime.StepError` and nothing is saved.
    """
    with engine.write() as conn:
        return fire_due_timers_in(engine, conn, case_id, now or engine.now())


@dataclass(frozen=True)
class Claim:
    """Timer rows of one case a sweep claimed (``firing`` under its token)."""

    token: str
    ids: list[str]


def fire_due_timers_in(
    engine: Samverkan, conn: Connection, case_id: int, now: datetime, claim: Claim | None = None
) -> FiredTimers:
    """:func:`fire_due_timers` inside the caller's write transaction (the sweep gives each case a savepoint).

    Rows of ``claim`` that did not fire (moved, or not due after all) are handed back to
    ``waiting`` in the same transaction; the fired ones are gone with the step's save.
    """
    step = Step.load(engine, conn, case_id, now, with_state=True)
    fired = step.fire_due()
    gone = set(step.save("system").timers_gone) if fired else set()
    released = hand_back(conn, claim.token, [i for i in claim.ids if i not in gone]) if claim else []
    return FiredTimers(fired, released)


def retry_case(engine: Samverkan, user: User, case_id: int, data: dict[str, Any] | None = None) -> None:
    """After an incident: apply corrected data to the failed task and run again."""
    if not user.has("admin"):
        raise Forbidden("Endast administratörer kan köra om ett ärende.", code="forbidden")
    with engine.write() as conn:
        step = Step.load(engine, conn, case_id, engine.now())
        if not step.retry(data or {}, user.username):
            raise Conflict("Ärendet har ingen incident att köra om.", code="no_incident")
        step.save(user.username)
