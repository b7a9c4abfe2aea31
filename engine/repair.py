"""Repairing a stuck case (admin): move its position to a named task of its own version, or cancel it.

Both need a reason, run in one write transaction through a :class:`engine.step.Step` (so the
task and timer indexes follow the workflow) and leave a history row with the reason: ``moved``
(from where to where) and ``case_cancelled``. Moving closes every task and timer the case waits
in and continues from the chosen task only, with the case data as it stands.
"""

from __future__ import annotations

from typing import Any

from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine import schema
from engine.context import Samverkan, User
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


def move_position(engine: Samverkan, user: User, case_id: int, element_id: Any, reason: Any) -> None:
    """Close what the case waits in and open ``element_id`` (a user task of its version) instead."""
    why = _checked(user, reason)
    with engine.write() as conn:
        step = _load_active(engine, conn, case_id)
        element = step.definition.element(element_id) if isinstance(element_id, str) else None
        if element is None or element.kind != "userTask":
            raise Invalid(
                "Välj en uppgift i ärendets processversion.",
                details=[{"field": "element_id", "message": "Okänd uppgift."}],
                code="unknown_element",
            )
        waited: list[str] = []

        def reposition(workflow: BpmnWorkflow) -> BpmnWorkflow:
            waited.extend(_reposition(workflow, element.id))
            return workflow

        step.retarget(step.definition, reposition)
        step.record(Event("moved", user.username, element.id, {"from": waited, "to": element.id, "reason": why}))
        step.run()
        step.save(user.username)


def _reposition(workflow: BpmnWorkflow, element_id: str) -> list[str]:
    live = [t for t in workflow.get_tasks(state=_WAITING) if t.task_spec.bpmn_id]
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
