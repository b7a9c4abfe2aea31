"""The compact state encoding gives back exactly the workflow SpiffWorkflow had, at every point."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import orjson
import pytest
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState

from engine import processes, state_codec
from engine.context import SYSTEM, Samverkan
from engine.db import dumps
from engine.definitions import Definition
from engine.runtime import Runtime
from samverkan_cli.sample import sample_data
from tests.samverkansstod import MODEL

OVERRIDES: dict[str, dict[str, Any]] = {
    # Two short follow-up periods, so the walk goes round the loop and ends.
    "namndbeslut": {"period_start": "2027-04-01", "period_slut": "2027-10-01", "uppfoljningsintervall": "P3M"},
}


@pytest.fixture
def model(engine: Samverkan) -> Definition:
    processes.deploy(engine, SYSTEM, MODEL.read_bytes())
    with engine.db.connect() as conn:
        return engine.definition(conn, "samverkansstod", 1)


def _spiff_view(runtime: Runtime, workflow: BpmnWorkflow) -> dict[str, Any]:
    """What SpiffWorkflow's own serializer sees: the reference for equality."""
    return dict(runtime.serializer.to_dict(workflow))


def _round_trip(runtime: Runtime, definition: Definition, workflow: BpmnWorkflow) -> BpmnWorkflow:
    """Through JSON text, as the state goes through the database."""
    state = runtime.dump(workflow)
    assert state["codec"] == state_codec.NAME
    return runtime.load(definition, orjson.loads(dumps(state)))


def _advance(engine: Samverkan, runtime: Runtime, workflow: BpmnWorkflow) -> bool:
    """One step as people and the worker would take it; False once the workflow has ended."""
    open_tasks = runtime.open_user_tasks(workflow)
    if open_tasks:
        element = open_tasks[0].element_id
        data = sample_data(element, engine.forms.schema(element), **OVERRIDES.get(element, {}))
        runtime.complete(workflow, open_tasks[0].id, data, engine.now())
        runtime.run(workflow, engine.now())
        return True
    timers = runtime.waiting_timers(workflow)
    if not timers:
        return False
    runtime.run(workflow, at=min(t.due_at for t in timers) + timedelta(microseconds=1))
    return True


def test_every_point_of_a_whole_case_round_trips(engine: Samverkan, model: Definition) -> None:
    runtime = engine.runtime
    straight = runtime.create(model, "start_aktorsinitiativ")
    reloaded = runtime.create(model, "start_aktorsinitiativ")
    runtime.run(straight, engine.now())
    runtime.run(reloaded, engine.now())
    points = 0
    while _advance(engine, runtime, straight):
        assert _advance(engine, runtime, reloaded)
        copy = _round_trip(runtime, model, reloaded)
        assert _spiff_view(runtime, copy) == _spiff_view(runtime, reloaded)
        assert copy.event_manager.tasks.keys() == reloaded.event_manager.tasks.keys()
        reloaded = copy
        points += 1
        assert points < 200
    assert straight.is_completed() and reloaded.is_completed()
    assert runtime.data(straight) == runtime.data(reloaded)
    ends = {e.id for e in model.elements.values() if e.kind == "endEvent"}
    assert runtime.reached_end_event(reloaded, ends) == runtime.reached_end_event(straight, ends) is not None
    assert points > 10


def test_waiting_timers_are_known_to_the_event_manager_after_loading(engine: Samverkan, model: Definition) -> None:
    runtime = engine.runtime
    workflow = runtime.create(model, "start_aktorsinitiativ")
    runtime.run(workflow, engine.now())
    while not runtime.waiting_timers(workflow):
        assert _advance(engine, runtime, workflow)
    copy = _round_trip(runtime, model, workflow)
    waiting = {t.id for t in copy.tasks.values() if t.state == TaskState.WAITING}
    assert waiting and set(copy.event_manager.tasks) == waiting
    assert runtime.waiting_timers(copy) == runtime.waiting_timers(workflow)


def test_a_loaded_live_task_owns_its_data(engine: Samverkan, model: Definition) -> None:
    """Finished tasks share inherited values; a live task must not, or editing it rewrites history."""
    runtime = engine.runtime
    workflow = runtime.create(model, "start_aktorsinitiativ")
    runtime.run(workflow, engine.now())
    [task] = runtime.open_user_tasks(workflow)
    runtime.complete(workflow, task.id, {"omrade": "sofielund", "aktorer": [{"namn": "A"}]}, engine.now())
    runtime.run(workflow, engine.now())
    copy = _round_trip(runtime, model, workflow)
    [ready] = [t for t in copy.tasks.values() if t.state == TaskState.READY and t.task_spec.manual]
    ready.data["aktorer"][0]["namn"] = "ändrat"
    finished = [t for t in copy.tasks.values() if t.state == TaskState.COMPLETED and "aktorer" in t.data]
    assert finished and all(t.data["aktorer"][0]["namn"] == "A" for t in finished)


def test_states_in_the_first_format_still_load(engine: Samverkan, model: Definition) -> None:
    runtime = engine.runtime
    workflow = runtime.create(model, "start_aktorsinitiativ")
    runtime.run(workflow, engine.now())
    old = {"format": 1, "spiff_version": runtime.dump(workflow)["spiff_version"]}
    old["workflow"] = runtime.serializer.to_dict(workflow)
    loaded = runtime.load(model, old)
    assert _spiff_view(runtime, loaded) == _spiff_view(runtime, workflow)
    assert runtime.dump(loaded)["codec"] == state_codec.NAME


def test_a_state_that_does_not_fit_its_version_is_refused(engine: Samverkan, model: Definition) -> None:
    runtime = engine.runtime
    workflow = runtime.create(model, "start_aktorsinitiativ")
    runtime.run(workflow, engine.now())
    state = runtime.dump(workflow)
    state["instance"]["tasks"][-1][4] = "finns_inte"
    with pytest.raises(state_codec.CorruptState, match="finns_inte"):
        runtime.load(model, state)


def test_values_json_cannot_hold_keep_their_type(engine: Samverkan, model: Definition) -> None:
    runtime = engine.runtime
    workflow = runtime.create(model, "start_aktorsinitiativ")
    runtime.run(workflow, engine.now())
    [task] = runtime.open_user_tasks(workflow)
    moment = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)
    runtime.complete(
        workflow, task.id, {"omrade": "sofielund", "registrerad": moment, "frist": timedelta(days=3)}, engine.now()
    )
    runtime.run(workflow, engine.now())
    copy = _round_trip(runtime, model, workflow)
    assert runtime.data(copy)["registrerad"] == moment
    assert runtime.data(copy)["frist"] == timedelta(days=3)
    assert _spiff_view(runtime, copy) == _spiff_view(runtime, workflow)


def test_what_the_codec_does_not_cover_keeps_spiffworkflows_format(engine: Samverkan, model: Definition) -> None:
    runtime = engine.runtime
    workflow = runtime.create(model, "start_aktorsinitiativ")
    runtime.run(workflow, engine.now())
    workflow.bpmn_events.append(None)  # a pending event: not ours to encode
    assert state_codec.encode(workflow, runtime.serializer.registry) is None
    workflow.bpmn_events.clear()
    assert state_codec.encode(workflow, runtime.serializer.registry) is not None
