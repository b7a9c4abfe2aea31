"""Repairing a stuck case (admin): move its position to a named task of its own version, or cancel it.

Both need a reason, run in one write transaction through a :class:`engine.step.Step` (so the
task and timer indexes follow the workflow) and leave a history row with the reason: ``moved``
(from where to where) and ``case_cancelled``. Moving closes the position the case waits in (a
task with its reminders and deadlines, or a timer) and continues from the chosen task, with the
case data as it stands. A case that waits in several places at once (follow-up periods in
parallel branches) moves only the position named by ``from_task``; the other branches go on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import schema
from engine.context import Samverkan, User
from engine.definitions import Definition
from engine.errors import Conflict, Forbidden, Invalid
from engine.history import Event
from engine.step import ACTIVE, Step

REPAIRERS = ("admin",)
CANCELLED = "cancelled"
_WAITING = TaskState.READY | TaskState.WAITING | TaskState.STARTED | TaskState.ERROR


def _checked(user: User, reason: Any) -> str:
    if not user.has(*REPAIRERS):
        raise Forbidden("Endast administratörer får reparera ärenden.", code="forbidden")
    if not isinstance(reason, str) or not reason.strip():
        raise Invalid(
            "Ange varför ärendet ändras.",
            details=[{"field": "reason", "message": "Skälet måste fyllas i."}],
            code="reason_required",
        )
    return reason.strip()[:2000]


def _load_active(engine: Samverkan, conn: Any, case_id: int) -> Step:
    step = Step.load(engine, conn, case_id, engine.now())
    if step.status_at_load != ACTIVE:
        raise Conflict("Ärendet är inte pågående.", code="not_active")
    return step


def user_tasks(engine: Samverkan, case_id: int) -> dict[str, str]:
    """The user tasks of the case's own version, id -> name: where a repair may move it."""
    with engine.db.connect() as conn:
        row = conn.execute(
            select(schema.cases.c.process_id, schema.cases.c.process_version).where(schema.cases.c.id == case_id)
        ).one()
        definition = engine.definition(conn, row.process_id, row.process_version)
    return {e.id: e.name for e in definition.elements.values() if e.kind == "userTask"}


@dataclass(frozen=True)
class Position:
    """Where a case waits: an open user task or a timer outside any task (its id, element and name).

    ``due_at``: when a timer fires; None for a task (its deadline is on the task row).
    """

    id: str
    element_id: str
    name: str
    due_at: datetime | None = None


def positions(engine: Samverkan, case_id: int) -> list[Position]:
    """The places the case waits in now, the order the case page lists them in."""
    with engine.db.connect() as conn:
        step = Step.load(engine, conn, case_id, engine.now(), with_state=True)
        return _positions(engine, step.definition, step.workflow)


def _positions(engine: Samverkan, definition: Definition, workflow: BpmnWorkflow) -> list[Position]:
    snapshot = engine.runtime.snapshot(workflow)
    found = [Position(t.id, t.element_id, definition.name_of(t.element_id)) for t in snapshot.open_tasks]
    return found + [
        Position(t.id, t.element_id, definition.name_of(t.element_id), t.due_at)
        for t in snapshot.timers
        if not definition.is_boundary(t.element_id)
    ]


def move_position(
    engine: Samverkan, user: User, case_id: int, element_id: Any, reason: Any, from_task: Any = None
) -> None:
    """Close the position the case waits in and open ``element_id`` (a user task of its version) instead.

    ``from_task`` (the id of an open task or waiting timer) names the position when the case
    waits in more than one; only that one closes.
    """
    why = _checked(user, reason)
    with engine.write() as conn:
        step = _load_active(engine, conn, case_id)
        waiting = _positions(engine, step.definition, step.workflow)
        chosen = _chosen(waiting, from_task)
        element = step.definition.element(element_id) if isinstance(element_id, str) else None
        if element is None or element.kind != "userTask":
            raise Invalid(
                "Välj en uppgift i ärendets processversion.",
                details=[{"field": "element_id", "message": "Okänd uppgift."}],
                code="unknown_element",
            )
        waited: list[str] = []

        def reposition(workflow: BpmnWorkflow) -> BpmnWorkflow:
            waited.extend(_reposition(workflow, element.id, chosen if len(waiting) > 1 else None))
            return workflow

        step.retarget(step.definition, reposition)
        step.record(Event("moved", user.username, element.id, {"from": waited, "to": element.id, "reason": why}))
        step.run()
        step.save(user.username)


def _chosen(waiting: list[Position], from_task: Any) -> str | None:
    """The id of the position to move: ``from_task``, which must be one of ``waiting`` when given."""
    if from_task is None or from_task == "":
        if len(waiting) > 1:
            raise Invalid(
                "Ärendet väntar i flera steg samtidigt. Välj vilket som ska flyttas.",
                details=[{"field": "from_task", "message": "Välj steget som ska flyttas."}],
                code="choose_position",
            )
        return None
    if not isinstance(from_task, str) or from_task not in {p.id for p in waiting}:
        raise Invalid(
            "Välj ett av stegen ärendet väntar i.",
            details=[{"field": "from_task", "message": "Ärendet väntar inte i det steget."}],
            code="unknown_position",
        )
    return from_task


def _reposition(workflow: BpmnWorkflow, element_id: str, only: str | None) -> list[str]:
    """Cancel what the case waits in (``only``: that task with its boundary events) and add ``element_id``."""
    live = [t for t in workflow.get_tasks(state=_WAITING) if t.task_spec.bpmn_id]
    if only is not None:
        [chosen] = [t for t in live if str(t.id) == only]
        # The chosen task and the reminders and deadlines attached to it (its siblings under its split).
        live = [
            t for t in live if t is chosen or (t.parent is chosen.parent and isinstance(t.task_spec, BoundaryEvent))
        ]
    if not live:
        raise Conflict("Ärendet väntar inte i något steg.", code="not_waiting")
    anchor = live[0].parent
    while anchor is not None and anchor.state != TaskState.COMPLETED:
        anchor = anchor.parent
    if anchor is None:
        raise Conflict("Ärendets läge kan inte flyttas.", code="not_waiting")
    waited = sorted({t.task_spec.bpmn_id for t in live if not isinstance(t.task_spec, BoundaryEvent)})
    for task in live:
        if task.id in workflow.tasks:
            task.cancel()
    specs = workflow.spec.task_specs
    # A task with boundary events is entered through its split, which starts the events too.
    spec = specs.get(f"{element_id}.BoundaryEventSplit") or specs[element_id]
    task = anchor._add_child(spec, TaskState.FUTURE)
    task.task_spec._predict(task, mask=TaskState.PREDICTED_MASK | TaskState.FUTURE)
    task.task_spec._update(task)
    return waited


def cancel_case(engine: Samverkan, user: User, case_id: int, reason: Any) -> None:
    """End the case as cancelled: its open tasks close and its timers stop."""
    why = _checked(user, reason)
    with engine.write() as conn:
        step = _load_active(engine, conn, case_id)
        step.retarget(step.definition, _cancel_all)
        step.record(Event("case_cancelled", user.username, None, {"reason": why}))
        step.save(user.username, ended_as=CANCELLED)


def _cancel_all(workflow: BpmnWorkflow) -> BpmnWorkflow:
    for task in workflow.get_tasks(state=_WAITING):
        if task.id in workflow.tasks:
            task.cancel()
    return workflow
