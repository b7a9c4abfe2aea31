"""A claim and a completion of the same task by different people at once: exactly one succeeds.

Before the claim took the case's lock, PostgreSQL let both through in 12 of 30 rounds: the
completion read the task unclaimed, the claim committed, and the completion closed the task
that now belonged to someone else.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from engine import cases, processes, queries, schema
from engine.context import Samverkan, User
from engine.errors import Conflict
from engine.workflow_cache import WorkflowCache

BPMN = (Path(__file__).parent / "bpmn" / "two_lanes.bpmn").read_bytes()
OWNER = User("ägare", frozenset({"processagare"}))
ANNA = User("anna", frozenset({"kontaktperson"}))
BO = User("bo", frozenset({"kontaktperson"}))
ROUNDS = 30


def _race(*actions: Any) -> list[BaseException | None]:
    """Run the actions in threads released at the same moment; each one's error, or None."""
    outcomes: list[BaseException | None] = [None] * len(actions)
    gate = threading.Barrier(len(actions))

    def run(index: int) -> None:
        gate.wait()
        try:
            actions[index]()
        except BaseException as err:  # noqa: BLE001 - handed to the test thread
            outcomes[index] = err

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(actions))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcomes


def test_a_claim_and_a_completion_at_once_never_both_succeed(engine: Samverkan) -> None:
    processes.deploy(engine, OWNER, BPMN)
    both, claims, completions = [], 0, 0
    for n in range(ROUNDS):
        case_id = cases.start_case(engine, ANNA, "handlaggning", f"Runda {n}", "start_a")
        [task] = queries.get_case(engine, case_id)["open_tasks"]
        claimed, completed = _race(
            lambda task_id=task["id"]: cases.claim_task(engine, ANNA, task_id),
            lambda task_id=task["id"]: cases.complete_task(engine, BO, task_id, {"belopp": 1, "beskrivning": "x"}),
        )
        for outcome in (claimed, completed):
            assert outcome is None or isinstance(outcome, Conflict), repr(outcome)
        if claimed is None and completed is None:
            both.append(n)
        claims += claimed is None
        completions += completed is None
        row = _task_row(engine, task["id"])
        # What the task row says agrees with who won.
        if completed is None:
            assert row.state != "open" and row.assignee is None
        elif claimed is None:
            assert row.state == "open" and row.assignee == "anna"
    assert both == [], f"claim and completion both succeeded in rounds {both}"
    assert claims + completions == ROUNDS


def test_an_unclaim_and_a_completion_by_the_claimant_at_once_leave_no_claimed_closed_task(engine: Samverkan) -> None:
    """Releasing a task while its holder completes it: either it is released open, or completed."""
    processes.deploy(engine, OWNER, BPMN)
    chef = User("chef", frozenset({"chef"}))
    for n in range(ROUNDS // 2):
        case_id = cases.start_case(engine, ANNA, "handlaggning", f"Runda {n}", "start_a")
        [task] = queries.get_case(engine, case_id)["open_tasks"]
        cases.claim_task(engine, ANNA, task["id"])
        released, completed = _race(
            lambda task_id=task["id"]: cases.unclaim_task(engine, chef, task_id),
            lambda task_id=task["id"]: cases.complete_task(engine, ANNA, task_id, {"belopp": 1, "beskrivning": "x"}),
        )
        for outcome in (released, completed):
            assert outcome is None or isinstance(outcome, Conflict), repr(outcome)
        actions = [h["action"] for h in queries.case_history(engine, case_id)]
        # An "unclaimed" row after the task was completed would describe something that did not happen.
        if "completed" in actions and "unclaimed" in actions:
            assert actions.index("unclaimed") < actions.index("completed"), actions


def _task_row(engine: Samverkan, task_id: str) -> Any:
    with engine.db.connect() as conn:
        return conn.execute(select(schema.tasks).where(schema.tasks.c.id == task_id)).one()


def test_a_claim_moves_the_lock_on_and_keeps_the_cached_workflow(engine: Samverkan) -> None:
    engine.workflows = WorkflowCache()
    processes.deploy(engine, OWNER, BPMN)
    case_id = cases.start_case(engine, ANNA, "handlaggning", "Torget", "start_a")
    [task] = queries.get_case(engine, case_id)["open_tasks"]
    before = _lock(engine, case_id)
    cases.claim_task(engine, ANNA, task["id"])
    cases.claim_task(engine, ANNA, task["id"])  # already hers: nothing written
    assert _lock(engine, case_id) == before + 1
    cached = engine.workflows.take(case_id, before + 1)
    assert cached is not None  # the claim changed no workflow state: the next step need not decode
    engine.workflows.put(case_id, before + 1, cached)
    with pytest.raises(Conflict):
        cases.claim_task(engine, BO, task["id"])
    cases.unclaim_task(engine, ANNA, task["id"])
    assert _lock(engine, case_id) == before + 2
    cases.complete_task(engine, BO, task["id"], {"belopp": 1, "beskrivning": "x"})
    with pytest.raises(Conflict):
        cases.claim_task(engine, ANNA, task["id"])  # closed


def _lock(engine: Samverkan, case_id: int) -> int:
    with engine.db.connect() as conn:
        return int(conn.execute(select(schema.cases.c.lock_version).where(schema.cases.c.id == case_id)).scalar_one())
