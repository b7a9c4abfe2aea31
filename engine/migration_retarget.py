"""Re-target one case's SpiffWorkflow instance at another version of its process.

SpiffWorkflow's own ``migrate_workflow`` (``SpiffWorkflow.bpmn.util.diff``) resets every ready
and waiting task, which gives open tasks new ids (their claims, drafts and index rows would be
lost) and copies data from the parents. Here the live tasks keep their ids, state and data:

1. finished history whose element the new version lacks is cut out of the tree (its children
   hang on its parent), cancelled leftovers and predictions of such elements are dropped, and
   boundary timers the new version removed stop waiting;
2. the rest is re-pointed at the new version's task specs by name and round-tripped through
   :mod:`engine.state_codec`, so what is saved is known to decode with the new version;
3. boundary timers the new version adds to an open task start waiting, timers whose expression
   changed are planned again from the instant they started, and what follows a live task is
   predicted anew where the new version's flows differ from what SpiffWorkflow laid out.

Nothing fires here: a timer that is already due fires at the worker's next sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import orjson
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine import state_codec
from engine.clock import FixedClock, using
from engine.definitions import Definition
from engine.migration_rules import Rules, timer_changed
from engine.runtime import Runtime

LIVE = TaskState.READY | TaskState.WAITING | TaskState.STARTED
# What SpiffWorkflow has laid out ahead of the live tasks: definite (FUTURE) or possible.
AHEAD = TaskState.FUTURE | TaskState.PREDICTED_MASK


class Unmovable(Exception):
    """The case cannot move; ``reason`` says why, for the process owner."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def retarget(
    runtime: Runtime,
    workflow: BpmnWorkflow,
    rules: Rules,
    started: Callable[[Task], datetime],
) -> BpmnWorkflow:
    """The workflow on ``rules.b``; ``started(task)`` is the instant a timer task began waiting."""
    if workflow.subprocesses or workflow.get_tasks(state=TaskState.ERROR):
        raise Unmovable("Ärendet har en incident eller delprocesser och kan inte flyttas automatiskt.")
    a, b = rules.a, rules.b
    assert b.spec is not None
    specs = b.spec.task_specs
    waiting = [
        t.task_spec.bpmn_id
        for t in workflow.tasks.values()
        if t.has_state(LIVE) and t.task_spec.bpmn_id and not isinstance(t.task_spec, BoundaryEvent)
    ]
    problems = rules.element_reasons(waiting)
    if problems:
        raise Unmovable(problems[0])
    _prune(workflow, specs)
    for task in workflow.tasks.values():
        task.task_spec = specs[task.task_spec.name]
    workflow.spec, workflow.subprocess_specs = b.spec, b.subprocess_specs
    state = orjson.loads(orjson.dumps(runtime.dump(workflow)))
    if state.get("codec") != state_codec.NAME:
        raise Unmovable("Ärendets tillstånd kan inte flyttas automatiskt.")
    moved = runtime.load(b, state)
    _add_boundary_timers(moved, a, b, started)
    _replan_timers(moved, a, b, started)
    _predict(moved)
    return moved


def _prune(workflow: BpmnWorkflow, specs: dict[str, Any]) -> None:
    """Drop or cut out what has no element in the new version (the preview blocked live tasks of that kind)."""
    for task in list(workflow.tasks.values()):
        if task.id not in workflow.tasks or task.task_spec.name in specs:
            continue
        if task.has_state(AHEAD | TaskState.CANCELLED | TaskState.WAITING):
            workflow.event_manager.remove_task(task)
            workflow._remove_task(task.id)
        elif task.parent is not None:
            _splice(workflow, task, task.parent)
        else:
            raise Unmovable("Ärendets början finns inte i den nya versionen.")
    if workflow.last_task is not None and workflow.last_task.id not in workflow.tasks:
        workflow.last_task = None


def _splice(workflow: BpmnWorkflow, task: Task, parent: Task) -> None:
    """Cut a finished task out of the tree; its children take its place under its parent."""
    at = parent._children.index(task.id)
    parent._children[at : at + 1] = task._children
    for child_id in task._children:
        workflow.tasks[child_id]._parent = parent.id
    task._children = []
    workflow.tasks.pop(task.id)


def _add_boundary_timers(
    workflow: BpmnWorkflow, a: Definition, b: Definition, started: Callable[[Task], datetime]
) -> None:
    """Boundary timers the new version puts on a task the case waits in begin waiting now."""
    for task in list(workflow.tasks.values()):
        split = task.parent
        if task.state != TaskState.READY or not task.task_spec.manual or split is None:
            continue
        present = {child.task_spec.name for child in split.children}
        for spec in split.task_spec.outputs:
            element = b.element(spec.bpmn_id or "")
            if spec.name in present or element is None or a.element(element.id) is not None:
                continue
            if not isinstance(spec, BoundaryEvent):
                continue
            child = Task(workflow, spec, split, state=TaskState.WAITING)
            child.data = dict(split.data)
            _plan(child, started(task), element.name)
            workflow.event_manager.add_task(child)


def _replan_timers(workflow: BpmnWorkflow, a: Definition, b: Definition, started: Callable[[Task], datetime]) -> None:
    for task in list(workflow.tasks.values()):
        element = b.element(task.task_spec.bpmn_id or "")
        if task.state != TaskState.WAITING or element is None:
            continue
        if not isinstance(getattr(task.task_spec, "event_definition", None), TimerEventDefinition):
            continue
        if timer_changed(a.element(element.id), element):
            task.internal_data.pop("event_value", None)
            _plan(task, started(task), element.name)


def _plan(task: Task, at: datetime, name: str) -> None:
    """Evaluate a timer's expression as if it began waiting at ``at`` (it stays waiting)."""
    try:
        with using(FixedClock(at)):
            task.task_spec.event_definition.has_fired(task)
    except Exception as err:  # the expression may fail in many ways: the case stays where it was
        raise Unmovable(f"Tidsfristen ”{name}” kan inte räknas ut för ärendet: {err}") from err


def _predict(workflow: BpmnWorkflow) -> None:
    """Lay out what follows each live task anew where the new version's flows differ from what is laid out.

    Where they agree (an identical copy, a change elsewhere) the tree stays exactly as it was.
    """
    for task in list(workflow.tasks.values()):
        if task.id in workflow.tasks and task.has_state(LIVE):
            _refresh(workflow, task)


def _refresh(workflow: BpmnWorkflow, task: Task) -> None:
    outputs = sorted(spec.name for spec in task.task_spec.outputs)
    children = sorted(child.task_spec.name for child in task.children)
    # A possible task may have no children yet (SpiffWorkflow looks only a few steps ahead).
    if children == outputs or (not children and task.has_state(TaskState.PREDICTED_MASK)):
        for child in task.children:
            if child.has_state(AHEAD):
                _refresh(workflow, child)
        return
    task._drop_children(force=True)
    if task.has_state(AHEAD):
        task.task_spec._predict(task, mask=AHEAD)
        return
    state = task._state
    task._state = TaskState.MAYBE  # predict as when the task was reached, without a state change
    try:
        task.task_spec._predict(task)
    finally:
        task._state = state
