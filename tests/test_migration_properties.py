"""Property (hypothesis): moving a case to an identical copy of its version changes nothing but the version.

Random small processes (user tasks with or without a reminder, timer waits between them, a
closing choice) and random positions (how far the case went, how much time passed); the moved
case then runs to its end exactly as a twin left on the old version does.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from engine import cases, migration, processes, queries, schema
from engine.clock import FixedClock
from engine.context import SYSTEM, Samverkan, User

KIM = User("kim", frozenset({"kontaktperson"}))
OWNER = User("petra", frozenset({"processagare"}))
_ids = itertools.count(1)

STEPS = st.lists(
    st.one_of(
        st.tuples(st.just("task"), st.one_of(st.none(), st.integers(1, 9))),
        st.tuples(st.just("wait"), st.integers(1, 9)),
    ),
    min_size=1,
    max_size=5,
).filter(lambda steps: any(kind == "task" for kind, _ in steps))


def _props(**values: str) -> str:
    inner = "".join(f'<spiffworkflow:property name="{k}" value="{v}" />' for k, v in values.items())
    return (
        f"<bpmn:extensionElements><spiffworkflow:properties>{inner}</spiffworkflow:properties></bpmn:extensionElements>"
    )


def _timer(days: int) -> str:
    duration = f'<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"P{days}D"</bpmn:timeDuration>'
    return f"<bpmn:timerEventDefinition>{duration}</bpmn:timerEventDefinition>"


def process_xml(process_id: str, name: str, steps: list[tuple[str, int | None]], choice: bool) -> str:
    """A process of the steps in a row, then (``choice``) a gateway on the last note, then an end."""
    nodes, flows, refs = ['<bpmn:startEvent id="start" />'], [], ["start"]
    previous = "start"

    def link(target: str) -> None:
        nonlocal previous
        flows.append(f'<bpmn:sequenceFlow id="f_{previous}_{target}" sourceRef="{previous}" targetRef="{target}" />')
        previous = target

    for i, (kind, days) in enumerate(steps):
        element = f"{kind}_{i}"
        refs.append(element)
        if kind == "task":
            nodes.append(f'<bpmn:userTask id="{element}" name="Uppgift {i}">{_props(form="handla")}</bpmn:userTask>')
            if days is not None:
                nodes.append(
                    f'<bpmn:boundaryEvent id="paminn_{i}" name="Påminn {i}" cancelActivity="false" '
                    f'attachedToRef="{element}">{_props(action="reminder")}{_timer(days)}</bpmn:boundaryEvent>'
                    f'<bpmn:endEvent id="paminnd_{i}" />'
                    f'<bpmn:sequenceFlow id="f_paminn_{i}" sourceRef="paminn_{i}" targetRef="paminnd_{i}" />'
                )
                refs += [f"paminn_{i}", f"paminnd_{i}"]
        else:
            nodes.append(f'<bpmn:intermediateCatchEvent id="{element}" name="Vänta {i}">{_timer(days or 1)}'
                         "</bpmn:intermediateCatchEvent>")  # fmt: skip
        link(element)
    if choice:
        nodes.append('<bpmn:exclusiveGateway id="val" name="Klart?" default="f_val_nej" />')
        nodes.append('<bpmn:endEvent id="slut_ja" /><bpmn:endEvent id="slut_nej" />')
        link("val")
        flows.append(
            '<bpmn:sequenceFlow id="f_val_ja" sourceRef="val" targetRef="slut_ja"><bpmn:conditionExpression '
            'xsi:type="bpmn:tFormalExpression">anteckning == "ja"</bpmn:conditionExpression></bpmn:sequenceFlow>'
            '<bpmn:sequenceFlow id="f_val_nej" sourceRef="val" targetRef="slut_nej" />'
        )
        refs += ["val", "slut_ja", "slut_nej"]
    else:
        nodes.append('<bpmn:endEvent id="slut" />')
        refs.append("slut")
        link("slut")
    lane = "".join(f"<bpmn:flowNodeRef>{ref}</bpmn:flowNodeRef>" for ref in refs)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" id="d" targetNamespace="http://bpmn.io/schema/bpmn">'
        f'<bpmn:process id="{process_id}" name="{name}" isExecutable="true">'
        f'<bpmn:laneSet id="ls"><bpmn:lane id="lane" name="Kontaktperson">{lane}</bpmn:lane></bpmn:laneSet>'
        f"{''.join(nodes)}{''.join(flows)}</bpmn:process></bpmn:definitions>"
    )


def _stored(engine: Samverkan, case_id: int) -> dict[str, Any]:
    with engine.db.connect() as conn:
        case = dict(conn.execute(select(schema.cases).where(schema.cases.c.id == case_id)).one()._mapping)
        tasks = conn.execute(select(schema.tasks).where(schema.tasks.c.case_id == case_id).order_by(schema.tasks.c.id))
        timers = conn.execute(
            select(schema.timers).where(schema.timers.c.case_id == case_id).order_by(schema.timers.c.id)
        )
        history = conn.execute(
            select(schema.history).where(schema.history.c.case_id == case_id).order_by(schema.history.c.id)
        )
        for column in ("process_version", "lock_version", "updated_at", "state"):
            case.pop(column)
        return {
            "case": case,
            "tasks": [dict(r._mapping) for r in tasks],
            "timers": [dict(r._mapping) for r in timers],
            "history": [dict(r._mapping) for r in history],
        }


def _advance(engine: Samverkan, clock: FixedClock, days: int, *case_ids: int) -> None:
    clock.set(clock.now() + timedelta(days=days))
    for case_id in case_ids:
        cases.fire_due_timers(engine, case_id)


def _step(engine: Samverkan, clock: FixedClock, note: str, *case_ids: int) -> bool:
    """Complete the open task of each case (or let a day pass); False when all have ended."""
    moved = False
    for case_id in case_ids:
        case = queries.get_case(engine, case_id)
        if case["open_tasks"]:
            cases.complete_task(engine, KIM, case["open_tasks"][0]["id"], {"anteckning": note})
            moved = True
        elif case["status"] == "active":
            moved = True
    _advance(engine, clock, 1, *case_ids)
    return moved


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=STEPS,
    choice=st.booleans(),
    done=st.integers(0, 4),
    days=st.integers(0, 12),
    note=st.sampled_from(["ja", "nej"]),
)
def test_moving_to_an_identical_copy_changes_nothing_but_the_version(
    engine: Samverkan, clock: FixedClock, steps: list[tuple[str, int | None]], choice: bool, done: int, days: int,
    note: str,
) -> None:  # fmt: skip
    process_id = f"p{next(_ids)}"
    processes.deploy(engine, SYSTEM, process_xml(process_id, "Liten process", steps, choice).encode())
    moved, twin = (cases.start_case(engine, KIM, process_id, "Ärende") for _ in range(2))
    for _ in range(done):
        _step(engine, clock, note, moved, twin)
    _advance(engine, clock, days, moved, twin)
    before = _stored(engine, moved)
    processes.deploy(engine, SYSTEM, process_xml(process_id, "Liten process (kopia)", steps, choice).encode())

    result = migration.migrate(engine, OWNER, process_id, 1, 2, [moved])

    if before["case"]["status"] != "active":
        assert result.movable == [] and [b["case_id"] for b in result.blocked] == [moved]
        return
    assert (result.movable, result.blocked) == ([moved], [])
    after = _stored(engine, moved)
    assert after["history"][:-1] == before["history"]
    assert (after["history"][-1]["action"], after["history"][-1]["details"]) == ("migrated", {"from": 1, "to": 2})
    assert {**after, "history": None} == {**before, "history": None}
    assert queries.get_case(engine, moved)["process_version"] == 2
    # The moved case then runs to its end exactly as its twin left on version 1.
    for _ in range(40):
        if not _step(engine, clock, note, moved, twin):
            break
    ends = [queries.get_case(engine, c) for c in (moved, twin)]
    assert [(c["status"], c["end_event"]) for c in ends] == [("completed", ends[1]["end_event"])] * 2
    walked = [[(h["action"], h["element_id"]) for h in queries.case_history(engine, c)] for c in (moved, twin)]
    assert [row for row in walked[0] if row[0] != "migrated"] == walked[1]


def test_a_step_added_after_the_open_task_is_taken_by_moved_cases(engine: Samverkan, clock: FixedClock) -> None:
    """Version 2 adds a third task with a reminder after the second: moved cases go through it."""
    old: list[tuple[str, int | None]] = [("task", None), ("task", 3)]
    processes.deploy(engine, SYSTEM, process_xml("tillagg", "Två steg", old, False).encode())
    first, second = (cases.start_case(engine, KIM, "tillagg", "Ärende") for _ in range(2))
    _step(engine, clock, "ja", second)
    processes.deploy(engine, SYSTEM, process_xml("tillagg", "Tre steg", [*old, ("task", 2)], False).encode())
    assert migration.migrate(engine, OWNER, "tillagg", 1, 2).movable == [first, second]
    for case_id, expected in ((first, ["task_1", "task_2"]), (second, ["task_2"])):
        reached = []
        while (case := queries.get_case(engine, case_id))["open_tasks"]:
            _step(engine, clock, "ja", case_id)
            reached += [t["element_id"] for t in queries.get_case(engine, case_id)["open_tasks"]]
        assert (case["status"], reached) == ("completed", expected)
    history = [(h["action"], h["element_id"]) for h in queries.case_history(engine, second)]
    assert ("reminder", "task_2") not in history and ("completed", "task_2") in history
