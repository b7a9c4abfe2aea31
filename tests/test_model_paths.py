"""Every path of the samverkansstöd model, driven through the engine: none leaves work behind.

A depth-first walk over what can happen next: complete an open task with each of its steering
answers, or let time run to the next timer. The database (SQLite in memory) is copied at every
point and put back before each way on, so each path is followed without replaying it; points
already seen (same open tasks, timers and loop counts) are not walked twice. At every point: a case
that reached an end event is ``completed`` with no open task and no timer; an active case waits
for something; every open task with a deadline shows it; no report has two escalations.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.pool import StaticPool

from engine import cases, reference, schema
from engine.clock import STOCKHOLM, FixedClock
from engine.context import Samverkan
from engine.db import _configure_sqlite as configure_sqlite
from engine.db import create_schema
from engine.forms import FORMS_DIR, FormLibrary
from engine.workflow_cache import WorkflowCache
from samverkan_cli.sample import sample_data
from tests.samverkansstod import USERS, Driver

START = datetime(2027, 3, 1, 9, tzinfo=STOCKHOLM)
DECISION = {"period_start": "2027-04-01", "period_slut": "2027-10-01", "uppfoljningsintervall": "P3M"}
ANSWERS: dict[str, list[dict[str, Any]]] = {
    "tidig_boendeinvolvering": [{"antal_boende": 0}, {"antal_boende": 5}],
    "bedomning": [{"rekommendation": r} for r in ("tillstyrk", "komplettering", "avstyrk")],
    "namndbeslut": [{"beslut": "avslag"}, *({"beslut": b, **DECISION} for b in ("beviljat", "delvis_beviljat"))],
    "granska_uppfoljning": [{"godkand": True}, {"godkand": False, "kommentar": "Komplettera budgeten."}],
    "paminn_forsenad_rapport": [{"atgard": "kontaktat_aktorerna"}, {"atgard": "ny_tidsfrist"}],
}
# Loops are taken at most this often on one path: each way round is walked, and the walk ends.
MAX_COMPLETIONS = {
    "tidig_boendeinvolvering": 2,
    "bedomning": 2,
    "granska_uppfoljning": 2,
    "paminn_forsenad_rapport": 1,
    "uppfoljningsrapport": 3,
}
LOOPS = set(MAX_COMPLETIONS)
ENDS = {"slut_avslutat", "slut_avslag", "slut_avstyrkt", "slut_utan_beslut"}


@dataclass(frozen=True)
class Action:
    kind: str  # "complete" (task id, answer index) or "wait" (to the next timer)
    task_id: str = ""
    answer: int = 0


class Walk:
    def __init__(self) -> None:
        self.clock = FixedClock(START)
        # One in-memory database on one connection, so it can be copied and put back.
        db = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
        configure_sqlite(db)
        self.engine = Samverkan(db=db, clock=self.clock, forms=FormLibrary(FORMS_DIR))
        self.engine.workflows = WorkflowCache(size=0)  # a put-back database must not meet a cached step
        create_schema(db)
        reference.load_example_areas(self.engine)
        self.drive = Driver(self.engine, self.clock)
        definition = self._definition()
        self.deadlines = {e.attached_to for e in definition.elements.values() if e.action == "reminder"}
        self.reminders = {e.id for e in definition.elements.values() if e.action == "reminder" and e.attached_to}
        self.user_tasks = {e.id for e in definition.elements.values() if e.kind == "userTask"}
        self.paths, self.points = 0, 0
        self.ends: Counter[str] = Counter()
        self.seen_tasks: set[str] = set()
        self.seen: set[tuple[Any, ...]] = set()

    def _definition(self) -> Any:
        with self.engine.db.connect() as conn:
            return self.engine.definition(conn, "samverkansstod", 1)

    def copy(self) -> tuple[sqlite3.Connection, datetime]:
        saved = sqlite3.connect(":memory:")
        raw = self.engine.db.raw_connection()
        raw.driver_connection.backup(saved)  # type: ignore[union-attr]
        raw.close()
        return saved, self.clock.now()

    def put_back(self, saved: tuple[sqlite3.Connection, datetime]) -> None:
        raw = self.engine.db.raw_connection()
        saved[0].backup(raw.driver_connection)  # type: ignore[arg-type]
        raw.close()
        self.clock.set(saved[1])

    def act(self, case_id: int, action: Action) -> None:
        if action.kind == "wait":
            # To the next timer that changes the flow; reminders on the way fire too.
            due = min(self._turning_timers(case_id).values())
            self.clock.set(max(self.clock.now(), due) + timedelta(minutes=1))
            cases.fire_due_timers(self.engine, case_id)
            return
        task = next(t for t in self.drive.case(case_id)["open_tasks"] if t["id"] == action.task_id)
        element = task["element_id"]
        answer = dict(ANSWERS.get(element, [{}])[action.answer])
        if answer.get("atgard") == "ny_tidsfrist":
            answer["ny_tidsfrist"] = (self.clock.now() + timedelta(days=10)).date().isoformat()
        data = sample_data(element, self.engine.forms.schema(element), **answer)
        if element == "granska_uppfoljning" and answer["godkand"]:
            data.pop("kommentar", None)
        cases.complete_task(self.engine, USERS[task["role"]], task["id"], data)
        self.clock.set(self.clock.now() + timedelta(hours=2))

    def _timers(self, case_id: int) -> dict[str, datetime]:
        t = schema.timers
        with self.engine.db.connect() as conn:
            return dict(conn.execute(select(t.c.element_id, t.c.due_at).where(t.c.case_id == case_id)).all())

    def _turning_timers(self, case_id: int) -> dict[str, datetime]:
        """Waiting timers other than plain reminders (which only notify, and would multiply the walk)."""
        return {e: due for e, due in self._timers(case_id).items() if e not in self.reminders}

    def check(self, case_id: int) -> dict[str, Any]:
        case = self.drive.case(case_id)
        timers = self._timers(case_id)
        ended = [e for a, e in self.drive.history(case_id) if a == "ended"]
        assert case["incident"] is None, case["incident"]
        if ended or case["status"] == "completed":
            assert case["status"] == "completed" and case["end_event"] in ENDS, (case["status"], ended)
            assert case["open_tasks"] == [], [t["element_id"] for t in case["open_tasks"]]
            assert timers == {}, timers
            return case
        assert case["open_tasks"] or timers, "an active case that waits for nothing"
        with self.drive.engine.db.connect() as conn:
            t = schema.tasks
            areas = conn.execute(select(t.c.area).where(t.c.case_id == case_id, t.c.state == "open")).scalars()
            assert set(areas) <= {case["area"]}, "open tasks carry their case's area"
        for task in case["open_tasks"]:
            self.seen_tasks.add(task["element_id"])
            if task["element_id"] in self.deadlines:
                assert task["due_at"] is not None, task["element_id"]
        counts = Counter(t["element_id"] for t in case["open_tasks"])
        assert counts["paminn_forsenad_rapport"] <= counts["uppfoljningsrapport"]
        return case

    def actions(self, case_id: int, case: dict[str, Any]) -> list[Action]:
        done = Counter(e for a, e in self.drive.history(case_id) if a == "completed")
        found = []
        for element in sorted({t["element_id"] for t in case["open_tasks"]}):
            if done[element] >= MAX_COMPLETIONS.get(element, 1):
                continue
            task = min((t for t in case["open_tasks"] if t["element_id"] == element), key=lambda t: t["created_at"])
            found += [Action("complete", task["id"], i) for i in range(len(ANSWERS.get(element, [{}])))]
        if self._turning_timers(case_id):
            found.append(Action("wait"))
        return found

    def point(self, case_id: int, case: dict[str, Any]) -> tuple[Any, ...]:
        """What makes two points of the walk the same for what can follow."""
        done = Counter(e for a, e in self.drive.history(case_id) if a == "completed" and e in LOOPS)
        return (
            tuple(sorted(t["element_id"] for t in case["open_tasks"])),
            tuple(sorted(self._turning_timers(case_id))),
            tuple(sorted(done.items())),
        )

    def explore(self, case_id: int) -> None:
        self.points += 1
        case = self.check(case_id)
        if case["status"] == "completed":
            self.paths += 1
            self.ends[str(case["end_event"])] += 1
            return
        key = self.point(case_id, case)
        if key in self.seen:
            return
        self.seen.add(key)
        here = self.copy()
        for action in self.actions(case_id, case):
            self.put_back(here)
            self.act(case_id, action)
            self.explore(case_id)
        here[0].close()


def test_every_path_ends_with_nothing_left_open() -> None:
    walk = Walk()
    walk.clock.set(START)
    case_id = walk.drive.start()
    walk.explore(case_id)
    assert set(walk.ends) == ENDS
    assert walk.user_tasks <= walk.seen_tasks | {"registrera_initiativ"}
    assert walk.paths >= len(ENDS)
