"""Where a person's work continues after an action on a task: the decision, not the wording.

After completing a task the next step is the case's next open task that the same person may
do (taken for them, so nobody else starts on it meanwhile), else the case page, which says
where the case now waits. The web layer turns a :class:`Continuation` into a page and a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from engine import cases, queries, schema
from engine.context import Samverkan, User
from engine.errors import Conflict, Forbidden


@dataclass(frozen=True)
class Waiting:
    """Something the case waits for when the person has nothing more to do in it."""

    name: str
    role: str | None = None  # an open task's role; None for a timer
    due_at: datetime | None = None
    assignee: str | None = None


@dataclass(frozen=True)
class Continuation:
    """What comes after an action: open ``task`` (a task view) or else the case page.

    ``repeated`` says the completed task came back (the process sent the case back to the same
    step, e.g. no residents reached yet), ``claimed`` that the next task was taken for the person.
    ``waiting`` lists what the case waits for when there is no task for the person; ``ended`` is
    the end event's name when the case ended.
    """

    case_id: int
    case_title: str
    task: dict[str, Any] | None = None
    claimed: bool = False
    repeated: bool = False
    waiting: list[Waiting] = field(default_factory=list)
    ended: str | None = None


def may_do(task: dict[str, Any], user: User) -> bool:
    """The task is one the user can open and complete: their role, and not taken by someone else."""
    return task["role"] in user.roles and task["assignee"] in (None, user.username)


def after_complete(engine: Samverkan, user: User, element_id: str, case_id: int) -> Continuation:
    """Where ``user`` goes after completing a task of ``element_id`` in case ``case_id``.

    A task the same completion opened comes first (the process's next step), then any other open
    task of the case the user may do; an unclaimed one is claimed for them.
    """
    case = queries.get_case(engine, case_id)
    mine = [t for t in case["open_tasks"] if may_do(t, user)]
    # Newest first: the task the completion just opened, rather than an older parallel one.
    mine.sort(key=lambda t: (t["created_at"] or "", t["id"]), reverse=True)
    if mine:
        task = mine[0]
        claimed = _claim(engine, user, task)
        if claimed is not None:
            return Continuation(
                case_id,
                case["title"],
                task={**task, "assignee": claimed},
                claimed=task["assignee"] is None,
                repeated=task["element_id"] == element_id,
            )
    return _case_page(engine, case)


def after_claim(engine: Samverkan, user: User, task_id: str) -> Continuation:
    """Claim the task for ``user`` and go to it (its form is why they took it)."""
    task = queries.get_task(engine, task_id)
    cases.claim_task(engine, user, task_id)
    case = queries.get_case(engine, task["case_id"])
    return Continuation(case["id"], case["title"], task={**task, "assignee": user.username}, claimed=True)


def _claim(engine: Samverkan, user: User, task: dict[str, Any]) -> str | None:
    """Claim ``task`` for ``user`` unless it is theirs already; None if someone was quicker."""
    if task["assignee"] == user.username:
        return user.username
    try:
        cases.claim_task(engine, user, task["id"])
    except (Conflict, Forbidden):
        return None
    return user.username


def _case_page(engine: Samverkan, case: dict[str, Any]) -> Continuation:
    if case["status"] != "active":
        with engine.db.connect() as conn:
            definition = engine.definition(conn, case["process_id"], case["process_version"])
        element = definition.elements.get(case["end_event"] or "")
        ended = (element.name if element else None) or "Avslutat"
        return Continuation(case["id"], case["title"], ended=ended)
    waiting = [
        Waiting(t["name"], t["role"], _moment(t["due_at"]), t["assignee"]) for t in case["open_tasks"]
    ] or _timers(engine, case)
    return Continuation(case["id"], case["title"], waiting=waiting)


def _timers(engine: Samverkan, case: dict[str, Any]) -> list[Waiting]:
    """The case's next waiting timer (a follow-up date, a deadline), when no task is open."""
    t = schema.timers
    query = (
        select(t.c.element_id, t.c.due_at)
        .where(t.c.case_id == case["id"], t.c.state == "waiting")
        .order_by(t.c.due_at)
        .limit(1)
    )
    with engine.db.connect() as conn:
        row = conn.execute(query).first()
        if row is None:
            return []
        definition = engine.definition(conn, case["process_id"], case["process_version"])
    return [Waiting(definition.name_of(row.element_id), due_at=row.due_at)]


def _moment(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
