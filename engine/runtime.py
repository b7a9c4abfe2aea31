"""A typed facade over SpiffWorkflow: create, run, save and load workflows.

The serialized state stored per case holds only the instance (tasks and data); the process
spec is shared per version through :class:`Definition`, never repeated in every case.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.serializer.migration.version_migration import MIGRATIONS
from SpiffWorkflow.bpmn.serializer.workflow import VERSION as SPIFF_STATE_VERSION
from SpiffWorkflow.bpmn.serializer.workflow import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.bpmn.specs.mixins.events.intermediate_event import BoundaryEvent
from SpiffWorkflow.bpmn.specs.mixins.exclusive_gateway import ExclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.inclusive_gateway import InclusiveGateway
from SpiffWorkflow.bpmn.specs.mixins.script_task import ScriptTask
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.exceptions import SpiffWorkflowException, TaskNotFoundException
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG
from SpiffWorkflow.task import Task
from SpiffWorkflow.util.task import TaskState

from engine import clock as clock_module
from engine import state_codec
from engine.clock import FixedClock
from engine.definitions import Definition
from engine.sandbox import Sandbox, ScriptLimit, ScriptRefused, step_budget

# Our own envelope around the instance; bump it and add a migration when it changes.
# Format 2 holds either our compact encoding ("instance") or SpiffWorkflow's ("workflow").
STATE_FORMAT = 2
STATE_MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {
    1: lambda state: {**state, "format": 2, "codec": "spiff"},
}


class _InstanceConverter(BpmnWorkflowConverter):  # type: ignore[misc]
    """Like SpiffWorkflow's converter, but leaves the spec out and takes it back from the cache."""

    def to_dict(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        dct: dict[str, Any] = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct: dict[str, Any], definition: Definition | None = None) -> BpmnWorkflow:
        if definition is None:
            return super().from_dict(dct)
        workflow = self.target_class(definition.spec, definition.subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


def _make_serializer() -> BpmnWorkflowSerializer:
    config = dict(SPIFF_CONFIG)
    config[BpmnWorkflow] = _InstanceConverter
    return BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(config))


class _SandboxEnvironment(BasePythonScriptEngineEnvironment):  # type: ignore[misc]
    """SpiffWorkflow's script hook, routed through our restricted sandbox."""

    def __init__(self, sandbox: Sandbox) -> None:
        super().__init__({})
        self.sandbox = sandbox

    def evaluate(self, expression: str, context: dict[str, Any], external_context: Any = None) -> Any:
        return self.sandbox.evaluate(expression, context)

    def execute(self, script: str, context: dict[str, Any], external_context: Any = None) -> bool:
        self.sandbox.execute(script, context)
        return True


@dataclass(frozen=True)
class OpenTask:
    id: str
    element_id: str


@dataclass(frozen=True)
class WaitingTimer:
    id: str
    element_id: str
    due_at: datetime
    # The task instance the timer watches: the one it is attached to, or whose boundary branch it is in.
    about: str | None = None


@dataclass(frozen=True)
class Snapshot:
    """Where a workflow stands: open user tasks, waiting timers, timers that have fired, its data."""

    open_tasks: list[OpenTask]
    timers: list[WaitingTimer]
    data: dict[str, Any]
    # Timer events that fired (still in the tree), with the instant each was due.
    fired_timers: list[WaitingTimer]


class StepError(Exception):
    """A script, condition or gateway failed; the workflow holds a task in ERROR."""

    def __init__(self, element_id: str | None, message: str) -> None:
        super().__init__(message)
        self.element_id = element_id
        self.message = message


class Runtime:
    """Runs workflows with the restricted script engine; every run is told what time it is."""

    def __init__(self) -> None:
        clock_module.install_timer_seam()
        self.script_engine = PythonScriptEngine(environment=_SandboxEnvironment(Sandbox()))
        self.serializer = _make_serializer()

    # --- state -----------------------------------------------------------------------------
    def dump(self, workflow: BpmnWorkflow) -> dict[str, Any]:
        envelope = {"format": STATE_FORMAT, "spiff_version": SPIFF_STATE_VERSION}
        instance = state_codec.encode(workflow, self.serializer.registry)
        if instance is not None:
            return {**envelope, "codec": state_codec.NAME, "instance": instance}
        return {**envelope, "codec": "spiff", "workflow": self.serializer.to_dict(workflow)}

    def load(self, definition: Definition, state: dict[str, Any]) -> BpmnWorkflow:
        state = migrate_state(state)
        workflow: BpmnWorkflow
        if state["codec"] == state_codec.NAME:
            workflow = state_codec.decode(state["instance"], definition, self.serializer.registry)
            workflow.script_engine = self.script_engine
            return workflow
        dct = dict(state["workflow"])
        if state["spiff_version"] != SPIFF_STATE_VERSION and state["spiff_version"] in MIGRATIONS:
            MIGRATIONS[state["spiff_version"]](dct)
        workflow = self.serializer.registry.restore({**dct, "typename": "BpmnWorkflow"}, definition=definition)
        workflow.script_engine = self.script_engine
        return workflow

    # --- running ---------------------------------------------------------------------------
    def create(self, definition: Definition, start_event: str) -> BpmnWorkflow:
        """A new workflow that starts at exactly ``start_event``."""
        workflow = BpmnWorkflow(definition.spec, definition.subprocess_specs, script_engine=self.script_engine)
        starts = workflow.get_tasks(spec_name="Start")
        starts[0].run()
        # With several start events SpiffWorkflow fires all of them; cancel the ones not asked for
        # before the split runs, so only the chosen branch starts.
        for split in workflow.get_tasks(spec_name="StartEventSplit"):
            for child in split.children:
                if child.task_spec.bpmn_id != start_event:
                    child.cancel()
        return workflow

    def run(self, workflow: BpmnWorkflow, at: datetime) -> None:
        """Run engine steps and fire timers due by ``at`` until the workflow waits; errors raise StepError.

        SpiffWorkflow's timers and the scripts' ``now()`` see ``at``, so a catch-up can fire
        overdue timers one due moment at a time. Timers land on working days when first
        evaluated (see :mod:`engine.working_days`).
        """
        with clock_module.using(FixedClock(at)), step_budget():
            try:
                for _ in range(1000):
                    workflow.refresh_timers()
                    workflow.do_engine_steps()
                    if not self._engine_work_left(workflow):
                        break
            except SpiffWorkflowException as err:
                raise StepError(_element_of(err), _message_of(err)) from err
        # Events no element of the process caught (a terminate end event's, say) are addressed to
        # a caller outside the workflow; a case has none, so they are dropped, not stored.
        workflow.get_events()

    @staticmethod
    def _engine_work_left(workflow: BpmnWorkflow) -> bool:
        """Whether engine tasks are ready again (a timer fired by the refresh, say): one pass, no tree walk."""
        return any(t.state == TaskState.READY and not t.task_spec.manual for t in workflow.tasks.values())

    def complete(self, workflow: BpmnWorkflow, task_id: str, data: dict[str, Any], at: datetime) -> None:
        task = self.find(workflow, task_id)
        if task is None or task.state != TaskState.READY:
            raise KeyError(task_id)
        task.data.update(data)
        with clock_module.using(FixedClock(at)), step_budget():
            try:
                task.run()
            except SpiffWorkflowException as err:
                raise StepError(_element_of(err), _message_of(err)) from err

    def retry_errors(self, workflow: BpmnWorkflow, data: dict[str, Any]) -> list[str]:
        """Put tasks in ERROR back to READY with ``data`` applied; return their element ids."""
        retried = []
        for task in workflow.get_tasks(state=TaskState.ERROR):
            task.data.update(data)
            task._set_state(TaskState.READY)
            retried.append(task.task_spec.bpmn_id or task.task_spec.name)
        return retried

    # --- reading ---------------------------------------------------------------------------
    @staticmethod
    def find(workflow: BpmnWorkflow, task_id: str) -> Task | None:
        try:
            uid = UUID(task_id)
        except ValueError:  # not an id at all
            return None
        try:
            return workflow.get_task_from_id(uid)
        except TaskNotFoundException:
            return None

    @classmethod
    def task_data(cls, workflow: BpmnWorkflow, task_id: str) -> dict[str, Any]:
        """The data a task of the workflow sees (its own copy: branches of a split differ)."""
        task = cls.find(workflow, task_id)
        return dict(task.data) if task is not None else {}

    @classmethod
    def close_branches(cls, workflow: BpmnWorkflow, task_id: str, boundary_ids: set[str]) -> None:
        """Cancel what is still live after the fired boundary events ``boundary_ids`` of a finished task.

        A non-interrupting boundary event starts a branch of its own (a reminder, an escalation);
        marked so in the model, that branch is about its task and ends when the task does.
        """
        task = cls.find(workflow, task_id)
        split = task.parent if task is not None else None
        if split is None:
            return
        for sibling in split.children:
            spec = sibling.task_spec
            if sibling is not task and isinstance(spec, BoundaryEvent) and spec.bpmn_id in boundary_ids:
                if sibling.state == TaskState.COMPLETED:
                    sibling.cancel()

    @classmethod
    def element_of(cls, workflow: BpmnWorkflow, task_id: str) -> str | None:
        """The BPMN id of a task of the workflow, None if it has no such task."""
        task = cls.find(workflow, task_id)
        return None if task is None else str(task.task_spec.bpmn_id or task.task_spec.name)

    @staticmethod
    def snapshot(workflow: BpmnWorkflow) -> Snapshot:
        """Open user tasks, waiting timers and case data in one pass over the task dict.

        A pass over ``workflow.tasks`` is much cheaper than several tree walks of ``get_tasks``.
        """
        open_tasks, timers, fired = [], [], []
        data: dict[str, Any] = dict(workflow.data)
        if workflow.last_task is not None:
            data.update(workflow.last_task.data)
        for task in workflow.tasks.values():
            state = task.state
            if state == TaskState.READY:
                if task.task_spec.manual:
                    open_tasks.append(OpenTask(str(task.id), task.task_spec.bpmn_id))
                data.update(task.data)
            elif state == TaskState.WAITING:
                value = task._get_internal_data("event_value")
                if task.task_spec.bpmn_id and isinstance(value, str):
                    timers.append(WaitingTimer(str(task.id), task.task_spec.bpmn_id, _instant(value), _about(task)))
                data.update(task.data)
            elif state == TaskState.ERROR:
                data.update(task.data)
            if state in (TaskState.COMPLETED, TaskState.READY) and isinstance(
                getattr(task.task_spec, "event_definition", None), TimerEventDefinition
            ):
                value = task._get_internal_data("event_value")
                if isinstance(value, str):
                    fired.append(WaitingTimer(str(task.id), task.task_spec.bpmn_id, _instant(value), _about(task)))
        # Data objects are case-level facts shared by all branches; show them as case data.
        shared = data.pop("data_objects", None)
        if isinstance(shared, dict):
            data.update({k: v for k, v in shared.items() if v is not None})
        return Snapshot(open_tasks, timers, data, fired)

    @classmethod
    def open_user_tasks(cls, workflow: BpmnWorkflow) -> list[OpenTask]:
        return cls.snapshot(workflow).open_tasks

    @classmethod
    def waiting_timers(cls, workflow: BpmnWorkflow) -> list[WaitingTimer]:
        return cls.snapshot(workflow).timers

    @staticmethod
    def reached_end_event(workflow: BpmnWorkflow, end_events: set[str]) -> str | None:
        """The end event a completed workflow finished at (the last one reached)."""
        reached = [t for t in workflow.get_tasks(state=TaskState.COMPLETED) if t.task_spec.bpmn_id in end_events]
        if not reached:
            return None
        last = max(reached, key=lambda t: t.last_state_change)
        return str(last.task_spec.bpmn_id)

    @classmethod
    def data(cls, workflow: BpmnWorkflow) -> dict[str, Any]:
        """The case data as seen from where the workflow now stands."""
        return cls.snapshot(workflow).data


def migrate_state(state: dict[str, Any]) -> dict[str, Any]:
    """Bring a stored state up to :data:`STATE_FORMAT`."""
    while state.get("format", 1) < STATE_FORMAT:
        state = STATE_MIGRATIONS[state.get("format", 1)](state)
    return state


def _about(task: Task) -> str | None:
    """The task a timer watches: the main task beside the boundary event it is, or whose branch it is in."""
    node: Task | None = task
    for _ in range(10_000):
        if node is None:
            return None
        if isinstance(node.task_spec, BoundaryEvent):
            split = node.parent
            main = [t for t in split.children if not isinstance(t.task_spec, BoundaryEvent)] if split else []
            return str(main[0].id) if main else None
        node = node.parent
    return None


def _instant(value: str) -> datetime:
    parsed: datetime = TimerEventDefinition.get_datetime(value)
    return parsed


def _element_of(err: SpiffWorkflowException) -> str | None:
    task = getattr(err, "task", None)
    spec = getattr(task, "task_spec", None) or getattr(err, "task_spec", None)
    return getattr(spec, "bpmn_id", None) or getattr(spec, "name", None)


def _message_of(err: SpiffWorkflowException) -> str:
    said = _sandbox_said(err)
    if isinstance(said, ScriptLimit):
        return f"{_what_ran(err)} {said.reason}."
    if isinstance(said, ScriptRefused):
        return f"{_what_ran(err)} är inte tillåtet: {said.reason}."
    text = str(err).strip() or type(err).__name__
    return text[:1000]


def _sandbox_said(err: BaseException) -> ScriptLimit | ScriptRefused | None:
    """The sandbox's refusal or tripped bound, if that is what SpiffWorkflow's exception wraps."""
    seen: BaseException | None = err
    for _ in range(20):
        if seen is None or isinstance(seen, ScriptLimit | ScriptRefused):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def _what_ran(err: SpiffWorkflowException) -> str:
    """``Skriptet i ”Beräkna”``: the kind of code and the element it belongs to, for the incident."""
    task = getattr(err, "task", None)
    spec = getattr(task, "task_spec", None) or getattr(err, "task_spec", None)
    name = getattr(spec, "bpmn_name", None) or getattr(spec, "bpmn_id", None) or getattr(spec, "name", "?")
    if isinstance(spec, ScriptTask):
        return f"Skriptet i ”{name}”"
    if isinstance(spec, ExclusiveGateway | InclusiveGateway):
        return f"Ett villkor vid ”{name}”"
    if isinstance(getattr(spec, "event_definition", None), TimerEventDefinition):
        return f"Timeruttrycket i ”{name}”"
    return f"Uttrycket i ”{name}”"
