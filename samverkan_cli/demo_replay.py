"""Replay the demo collaborations through the engine, on a clock that moves from the first day to today.

Every step of every case is put on one timeline. Before each step the clock stops at every timer
that falls due on the way and the timer sweep fires it then, as the worker would have: reminders,
escalations and cases closed by a deadline are dated when they happened. The engine does the
rest (schedule, deadlines, history), so the demo is what the process makes of these steps.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from engine import attachments, cases, drafts, publication, queries, schema, timers
from engine.attachments import Store
from engine.clock import STOCKHOLM, FixedClock
from engine.context import Samverkan, User
from engine.roles import ROLES
from samverkan_cli.demo_plan import Claim, DemoCase, DemoError, Do, Draft, File, Publish, Step, check_order, resolve

PROCESS = "samverkansstod"
DEMO_SUFFIX = " (demo)"
WORKDAY = time(9, 0)
STEP_GAP = timedelta(minutes=25)

Progress = Callable[[int, int, str], None]


def demo_users() -> dict[str, User]:
    """One demo user per role, named after the role (``samverkan demo`` creates them)."""
    return {role: User(role, frozenset({role}), f"{title} (demo)") for role, title in ROLES.items()}


@dataclass(frozen=True)
class Action:
    at: datetime
    case: int
    step: Step | None  # None: the case starts


def timeline(demo_cases: Sequence[DemoCase], today: date) -> list[Action]:
    """Every start and step on the clock, in time order; a case's steps on one day 25 minutes apart."""
    actions: list[Action] = []
    for index, case in enumerate(demo_cases):
        check_order(case, today)
        per_day: Counter[date] = Counter()
        for step, day in zip((None, *case.steps), case.days(today), strict=True):
            at = datetime.combine(day, WORKDAY, STOCKHOLM) + per_day[day] * STEP_GAP
            per_day[day] += 1
            actions.append(Action(at, index, step))
    return sorted(actions, key=lambda a: (a.at, a.case))


class Replay:
    """Builds the demo cases in ``engine``'s database, up to ``now``."""

    def __init__(self, engine: Samverkan, store: Store, now: datetime, demo_cases: Sequence[DemoCase]) -> None:
        self.now, self.store, self.cases = now, store, demo_cases
        self.today = now.astimezone(STOCKHOLM).date()
        self.clock = FixedClock(now)
        self.engine = Samverkan(db=engine.db, clock=self.clock, forms=engine.forms, profiles=engine.profiles)
        self.users = demo_users()
        self.case_ids: dict[int, int] = {}

    def run(self, progress: Progress) -> list[int]:
        """Replay every step, fire what falls due up to now, check where each case stands; the case ids."""
        actions = timeline(self.cases, self.today)
        if not actions:
            return []
        self.clock.set(actions[0].at)
        for done, action in enumerate(actions, start=1):
            self._fire_until(action.at)
            self._move(action.at)
            self._perform(action)
            progress(done, len(actions), f"{self.cases[action.case].title} {action.at.date().isoformat()}")
        self._fire_until(self.now)
        self._move(self.now)
        self._check_positions()
        return [self.case_ids[i] for i in range(len(self.cases))]

    # --- the clock and the timers ----------------------------------------------------------
    def _move(self, at: datetime) -> None:
        if at < self.clock.now():
            raise DemoError(f"klockan kan inte gå bakåt ({self.clock.now()} till {at})")
        self.clock.set(at)

    def _next_due(self) -> datetime | None:
        t = schema.timers
        with self.engine.db.connect() as conn:
            due: datetime | None = conn.execute(
                select(func.min(t.c.due_at)).where(t.c.case_id.in_(self.case_ids.values()), t.c.state == "waiting")
            ).scalar_one()
        return due

    def _fire_until(self, until: datetime) -> None:
        """Stop at each timer due by ``until`` and sweep then, so what it writes carries its own date."""
        while (due := self._next_due()) is not None and due <= until:
            at = max(due, self.clock.now())
            self._move(at)
            result = timers.sweep(self.engine, at, case_ids=list(self.case_ids.values()))
            if result.fired == 0 or result.retries or result.incidents:
                raise DemoError(f"en timer som förföll {due.isoformat()} kunde inte avfyras")

    # --- the steps -------------------------------------------------------------------------
    def _perform(self, action: Action) -> None:
        case = self.cases[action.case]
        step = action.step
        if step is None:
            self.case_ids[action.case] = cases.start_case(
                self.engine,
                self.users["kontaktperson"],
                PROCESS,
                case.title + DEMO_SUFFIX,
                case.start_event,
                data={"omrade": case.area},
                is_demo=True,
            )
            return
        case_id = self.case_ids[action.case]
        if isinstance(step, Publish):
            publication.set_public(self.engine, self.users["kontaktperson"], case_id, True, list(step.organisations))
            return
        task = self._open_task(case, case_id, step.element)
        user = self.users[task["role"]]
        if isinstance(step, Claim):
            cases.claim_task(self.engine, user, task["id"])
            return
        data = resolve(step.data, self.today, action.at.date(), lambda f: self._upload(user, task["id"], f))
        if isinstance(step, Draft):
            drafts.save_draft(self.engine, user, task["id"], data)
            return
        assert isinstance(step, Do)
        cases.complete_task(self.engine, user, task["id"], data)

    def _open_task(self, case: DemoCase, case_id: int, element: str) -> dict[str, Any]:
        row = queries.get_case(self.engine, case_id)
        found: list[dict[str, Any]] = [t for t in row["open_tasks"] if t["element_id"] == element]
        if not found:
            waiting = ", ".join(row["active_elements"]) or "inget"
            raise DemoError(f"{case.title}: uppgiften {element} är inte öppen (ärendet väntar i: {waiting})")
        return found[0]

    def _upload(self, user: User, task_id: str, file: File) -> dict[str, Any]:
        stream = io.BytesIO(file.text.encode("utf-8"))
        value: dict[str, Any] = attachments.save(self.engine, self.store, user, task_id, file.filename, stream)
        return value

    def _check_positions(self) -> None:
        for index, case in enumerate(self.cases):
            row = queries.get_case(self.engine, self.case_ids[index])
            where = {row["end_event"]} if row["status"] == "completed" else set(row["active_elements"])
            if where != case.expected:
                raise DemoError(f"{case.title} står i {sorted(where)}, väntat {sorted(case.expected)}")


def settle_notifications(engine: Samverkan, case_ids: Sequence[int], now: datetime) -> None:
    """Reminders from the replayed years were mailed when they were made and read once dealt with.

    Only notices about a task that is still open stay unread; none is left for the mail outbox.
    """
    n, t = schema.notifications, schema.tasks
    with engine.write() as conn:
        found = conn.execute(select(t.c.case_id, t.c.element_id).where(t.c.case_id.in_(case_ids), t.c.state == "open"))
        open_tasks = {(row.case_id, row.element_id) for row in found}
        rows = conn.execute(
            select(n.c.id, n.c.case_id, n.c.task_element_id, n.c.created_at).where(
                n.c.case_id.in_(case_ids), n.c.sent_at.is_(None)
            )
        ).all()
        for row in rows:
            values: dict[str, Any] = {"sent_at": row.created_at}
            if (row.case_id, row.task_element_id) not in open_tasks:
                values["read_at"] = min(row.created_at + timedelta(days=1), now)
            conn.execute(n.update().where(n.c.id == row.id).values(**values))
