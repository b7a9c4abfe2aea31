"""A compact encoding of one workflow instance, several times faster than SpiffWorkflow's own.

SpiffWorkflow's serializer walks every task through a generic converter registry and compares
each task's data with its parent's key by key. Encoding and decoding the instance was the
largest cost of a durable step after the step itself, and a case is decoded on every step that
misses the workflow cache. This codec writes one short row per task instead:

    [id, parent, children, state, spec, last_state_change, triggered, internal_data, data]

``parent`` and ``children`` are positions in the list. Data: a live task (not finished) keeps
its full data, so it owns every value after decoding; a finished task keeps only what differs
from its parent (``[updates, deletions]``) and shares the rest, as history that is only read.
Values that are plain JSON (checked by orjson, in C) are stored as they are; anything else
goes through SpiffWorkflow's converter registry and is tagged so that only it is restored.

Only what our models use is covered: a workflow with subprocesses or pending BPMN events is
left to SpiffWorkflow's serializer (``encode`` returns ``None``).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import orjson
from SpiffWorkflow.bpmn.serializer.helpers.registry import DefaultRegistry
from SpiffWorkflow.bpmn.specs.mixins.events.event_types import CatchingEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine.definitions import Definition

NAME = "compact-1"
_NO_PARENT = -1


class CorruptState(ValueError):
    """The stored instance does not fit its process version."""


def encode(workflow: BpmnWorkflow, registry: DefaultRegistry) -> dict[str, Any] | None:
    """The instance as plain JSON values, or ``None`` when it needs SpiffWorkflow's format."""
    if workflow.subprocesses or workflow.bpmn_events:
        return None
    tasks = workflow.tasks
    position = {task_id: i for i, task_id in enumerate(tasks)}
    rows = []
    for i, task in enumerate(tasks.values()):
        parent = tasks.get(task._parent) if task._parent is not None else None
        if parent is not None and position[parent.id] >= i:
            return None  # not in creation order: decoding needs parents first
        try:
            children = [position[child] for child in task._children]
        except KeyError:
            return None
        rows.append(
            [
                task.id.hex,
                _NO_PARENT if parent is None else position[parent.id],
                children,
                task._state,
                task.task_spec.name,
                task.last_state_change,
                task.triggered,
                _pack(task.internal_data, registry) if task.internal_data else None,
                _encode_data(task, parent, registry),
            ]
        )
    root = workflow.task_tree
    last = workflow.last_task
    return {
        "tasks": rows,
        "root": position[root.id],
        "last_task": position.get(last.id) if last is not None else None,
        "data": _pack(workflow.data, registry),
        "success": workflow.success,
        "completed": workflow.completed,
        "correlations": workflow.correlations,
    }


def _encode_data(task: Task, parent: Task | None, registry: DefaultRegistry) -> Any:
    data = task.data
    if parent is None or not task.has_state(TaskState.FINISHED_MASK):
        return _pack(data, registry) if data else {}
    inherited = parent.data
    updates = {
        key: value
        for key, value in data.items()
        if key not in inherited or type(inherited[key]) is not type(value) or inherited[key] != value
    }
    deletions = [key for key in inherited if key not in data]
    if not updates and not deletions:
        return None
    return [_pack(updates, registry), deletions]


# What orjson would write differently from SpiffWorkflow's registry must take the registry's way.
_STRICT = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_SUBCLASS | orjson.OPT_PASSTHROUGH_DATACLASS
_PLAIN, _CONVERTED = "j", "s"


def _pack(value: dict[str, Any], registry: DefaultRegistry) -> list[Any]:
    """``value`` tagged plain (shared, not copied: the result is only to be serialized) or converted."""
    try:
        orjson.dumps(value, option=_STRICT)
    except TypeError:  # a date, a set, a callable left by a script, a non-string key...
        return [_CONVERTED, registry.convert(registry.clean(value))]
    return [_PLAIN, value]


def _unpack(packed: list[Any], registry: DefaultRegistry) -> Any:
    tag, value = packed
    return value if tag == _PLAIN else registry.restore(value)


def decode(dct: dict[str, Any], definition: Definition, registry: DefaultRegistry) -> BpmnWorkflow:
    """The workflow of an encoded instance; it takes ``dct``'s values as its own (decode fresh JSON)."""
    workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, deserializing=True)
    specs = workflow.spec.task_specs
    made: list[Task] = []
    children_of: list[list[int]] = []
    for row in dct["tasks"]:
        task_id, parent, children, state, spec_name, changed, triggered, internal, data = row
        spec = specs.get(spec_name)
        if spec is None:
            raise CorruptState(f"Steget {spec_name} finns inte i processversionen.")
        task = Task(workflow, spec, state=state, id=UUID(task_id))
        task.last_state_change = changed
        task.triggered = triggered
        if internal:
            task.internal_data = _unpack(internal, registry)
        if parent != _NO_PARENT:
            task._parent = made[parent].id
        task.data = _decode_data(data, made[parent] if parent != _NO_PARENT else None, registry)
        if isinstance(spec, CatchingEvent) and state == TaskState.WAITING:
            workflow.event_manager.add_task(task)
        made.append(task)
        children_of.append(children)
    for task, children in zip(made, children_of, strict=True):
        task._children = [made[child].id for child in children]
    workflow.task_tree = made[dct["root"]]
    last = dct["last_task"]
    workflow.last_task = made[last] if last is not None else None
    workflow.data = _unpack(dct["data"], registry)
    workflow.success = dct["success"]
    workflow.completed = dct["completed"]
    workflow.correlations = dct["correlations"]
    return workflow


def _decode_data(data: Any, parent: Task | None, registry: DefaultRegistry) -> dict[str, Any]:
    if data == {}:
        return {}
    if data is not None and data[0] in (_PLAIN, _CONVERTED):
        full: dict[str, Any] = _unpack(data, registry)
        return full
    inherited = dict(parent.data) if parent is not None else {}
    if data is None:
        return inherited
    updates, deletions = data
    for key in deletions:
        inherited.pop(key, None)
    inherited.update(_unpack(updates, registry))
    return inherited
