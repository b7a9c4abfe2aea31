"""A chef assigning a task while someone else completes it: never both (the assign takes the case's lock)."""

from __future__ import annotations

from engine import accounts, assignment, cases, processes, queries
from engine.context import Samverkan, User
from engine.errors import Conflict
from tests.test_claim_race import BO, BPMN, OWNER, _race, _task_row

CHEF = User("chef", frozenset({"chef"}))
ROUNDS = 15


def test_an_assignment_and_a_completion_at_once_never_both_succeed(engine: Samverkan) -> None:
    processes.deploy(engine, OWNER, BPMN)
    accounts.add_user(engine, "anna", ["kontaktperson"])
    both = []
    for n in range(ROUNDS):
        case_id = cases.start_case(engine, BO, "handlaggning", f"Runda {n}", "start_a")
        [task] = queries.get_case(engine, case_id)["open_tasks"]
        assigned, completed = _race(
            lambda task_id=task["id"]: assignment.assign_task(engine, CHEF, task_id, "anna"),
            lambda task_id=task["id"]: cases.complete_task(engine, BO, task_id, {"belopp": 1, "beskrivning": "x"}),
        )
        for outcome in (assigned, completed):
            assert outcome is None or isinstance(outcome, Conflict), repr(outcome)
        if assigned is None and completed is None:
            both.append(n)
        row = _task_row(engine, task["id"])
        if completed is None:
            assert row.state != "open" and row.assignee is None
        elif assigned is None:
            assert row.state == "open" and row.assignee == "anna"
        actions = [h["action"] for h in queries.case_history(engine, case_id)]
        assert ("assigned" in actions) == (assigned is None)
    assert both == [], f"assignment and completion both succeeded in rounds {both}"
