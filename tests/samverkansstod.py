"""Drive samverkansstöd cases through the engine, as officials and the worker would."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from engine import cases, processes, queries, schema, timers
from engine.clock import STOCKHOLM, FixedClock
from engine.context import SYSTEM, Samverkan, User
from samverkan_cli.sample import sample_data

MODEL = Path(__file__).resolve().parent.parent / "samverkan_data" / "bpmn" / "samverkansstod.bpmn"
USERS = {
    "kontaktperson": User("kim", frozenset({"kontaktperson"})),
    "namndsekreterare": User("nils", frozenset({"namndsekreterare"})),
    "chef": User("cecilia", frozenset({"chef"})),
}


class Driver:
    def __init__(self, engine: Samverkan, clock: FixedClock) -> None:
        self.engine, self.clock = engine, clock
        processes.deploy(engine, SYSTEM, MODEL.read_bytes())

    def start(self, start_event: str = "start_aktorsinitiativ", title: str = "Testsamverkan") -> int:
        return cases.start_case(self.engine, USERS["kontaktperson"], "samverkansstod", title, start_event)

    def case(self, case_id: int) -> dict[str, Any]:
        return queries.get_case(self.engine, case_id)

    def tasks(self, case_id: int, element: str) -> list[dict[str, Any]]:
        """Every open task of ``element`` in the case (follow-up periods run side by side)."""
        return [t for t in self.case(case_id)["open_tasks"] if t["element_id"] == element]

    def complete_task(self, task: dict[str, Any], **overrides: Any) -> dict[str, Any]:
        """Complete one particular open task (a task row as the case lists it)."""
        element = task["element_id"]
        data = sample_data(element, self.engine.forms.schema(element), **overrides)
        return cases.complete_task(self.engine, USERS[task["role"]], task["id"], data)

    def sweep(self, local: str) -> None:
        """The worker's sweep at a Stockholm wall-clock time like '2027-10-01T08:00' (clock moved too)."""
        at = datetime.fromisoformat(local).replace(tzinfo=STOCKHOLM)
        self.clock.set(at)
        timers.sweep(self.engine, at)

    def task(self, case_id: int, element: str) -> dict[str, Any]:
        found = [t for t in self.case(case_id)["open_tasks"] if t["element_id"] == element]
        assert found, f"{element} is not open; open: {self.case(case_id)['active_elements']}"
        return found[0]

    def complete(self, case_id: int, element: str, **overrides: Any) -> dict[str, Any]:
        task = self.task(case_id, element)
        data = sample_data(element, self.engine.forms.schema(element), **overrides)
        answered = cases.complete_task(self.engine, USERS[task["role"]], task["id"], data)
        case = self.case(case_id)
        assert answered == case  # the answer built from the step is the case as stored
        return case

    def walk(self, case_id: int, *elements: str) -> dict[str, Any]:
        case = self.case(case_id)
        for element in elements:
            case = self.complete(case_id, element)
        return case

    def move_to(self, local: str) -> None:
        """Set the clock to a Stockholm wall-clock time like '2027-10-01T08:00' and fire due timers."""
        self.clock.set(datetime.fromisoformat(local).replace(tzinfo=STOCKHOLM))
        self.fire_all()

    def advance(self, days: float) -> None:
        self.clock.set(self.clock.now() + timedelta(days=days))
        self.fire_all()

    def fire_all(self) -> None:
        with self.engine.db.connect() as conn:
            due = conn.execute(
                select(schema.timers.c.case_id)
                .where(schema.timers.c.due_at <= self.clock.now())
                .group_by(schema.timers.c.case_id)
            ).scalars()
            case_ids = list(due)
        for case_id in case_ids:
            cases.fire_due_timers(self.engine, case_id)

    def history(self, case_id: int) -> list[tuple[str, str | None]]:
        return [(h["action"], h["element_id"]) for h in queries.case_history(self.engine, case_id)]


INITIERING = ("registrera_initiativ", "forsta_mote", "tidig_boendeinvolvering")
TO_DECISION = (*INITIERING, "registrera_ansokan", "bedomning")
