"""Managers hand work to named people: assign one task, move a person's open tasks, set a case's handläggare.

Every change takes the case's lock as a claim does (:func:`engine.cases._locked_task`), so a
completion racing with it fails instead of closing a task that meanwhile changed hands; each
is one transaction per case with one history row per change.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

from engine import history, indexes, schema
from engine.cases import RELEASERS, _locked_task
from engine.context import Samverkan, User
from engine.errors import Conflict, Forbidden, Invalid, NotFound
from engine.history import Event
from engine.roles import ROLES
from engine.task_access import task_row

ASSIGNERS = RELEASERS  # chef, admin
HANDLAGGARE_ROLE = "kontaktperson"
"""A case's responsible official is one of the kontaktpersoner (the city's contact for the actors)."""


def _check_assigner(user: User) -> None:
    if not user.has(*ASSIGNERS):
        raise Forbidden("Endast chef eller administratör kan fördela uppgifter.", code="forbidden")


def _person(conn: Connection, username: Any, field: str = "username") -> Any:
    """The users row named ``username``, or 422 naming ``field``."""
    row = None
    if isinstance(username, str) and username.strip():
        row = conn.execute(select(schema.users).where(schema.users.c.username == username.strip())).first()
    if row is None:
        raise Invalid(
            "Personen finns inte.",
            details=[{"field": field, "message": "Ange användarnamnet på en person som finns i Samverkan."}],
            code="unknown_user",
        )
    return row


def _lacks_role(person: Any, role: str) -> str | None:
    """Why ``person`` may not take a task of ``role``, in Swedish, or None if they may."""
    if role in (person.roles or []):
        return None
    return f"{person.display_name or person.username} har inte rollen {ROLES.get(role, role).lower()}."


def assign_task(engine: Samverkan, user: User, task_id: str, username: Any) -> None:
    """Give an open task to ``username`` (chef, admin): claimed by them, history ``assigned``."""
    _check_assigner(user)
    with engine.write() as conn:
        person = _person(conn, username)
        task_row(conn, task_id)  # 404 before anything else
        task = _locked_task(engine, conn, task_id)
        if task.state != "open":
            raise Conflict("Uppgiften är inte längre öppen.", code="task_closed")
        reason = _lacks_role(person, task.role)
        if reason:
            raise Invalid(reason, details=[{"field": "username", "message": reason}], code="lacks_role")
        if task.assignee == person.username:
            return
        conn.execute(schema.tasks.update().where(schema.tasks.c.id == task_id).values(assignee=person.username))
        details = {"to": person.username, "from": task.assignee}
        history.write(conn, task.case_id, engine.now(), [Event("assigned", user.username, task.element_id, details)])


def people_with_role(engine: Samverkan, role: str) -> list[dict[str, str]]:
    """``{username, display_name}`` of everyone with ``role``, by name (for the assign select)."""
    with engine.db.connect() as conn:
        rows = conn.execute(select(schema.users.c.username, schema.users.c.display_name, schema.users.c.roles))
        found = [{"username": r.username, "display_name": r.display_name} for r in rows if role in (r.roles or [])]
    return sorted(found, key=lambda p: (p["display_name"].casefold(), p["username"]))


# Bulk reassignment (absence) ------------------------------------------------------------------


@dataclass(frozen=True)
class Reassignment:
    """What moving ``source``'s open tasks to ``target`` does (or would do)."""

    source: str
    target: str
    movable: list[dict[str, Any]]
    blocked: list[dict[str, Any]]

    def as_json(self, moved_key: str = "movable") -> dict[str, Any]:
        return {"from": self.source, "to": self.target, moved_key: self.movable, "blocked": self.blocked}


def _open_tasks_of(conn: Connection, username: str) -> list[Any]:
    t, c = schema.tasks, schema.cases
    query = (
        select(t, c.c.title.label("case_title"))
        .join(c, c.c.id == t.c.case_id)
        .where(t.c.state == "open", t.c.assignee == username)
        .order_by(t.c.case_id, t.c.created_at, t.c.id)
    )
    return list(conn.execute(query).all())


def _item(row: Any) -> dict[str, Any]:
    return {
        "task_id": row.id,
        "case_id": row.case_id,
        "case_title": row.case_title,
        "element_id": row.element_id,
        "name": row.name,
        "role": row.role,
        "due_at": row.due_at.isoformat() if row.due_at else None,
    }


def _people(conn: Connection, source: Any, target: Any) -> tuple[Any, Any]:
    source_row = _person(conn, source, "from")
    target_row = _person(conn, target, "to")
    if source_row.username == target_row.username:
        message = "Välj en annan person att flytta uppgifterna till."
        raise Invalid(message, details=[{"field": "to", "message": message}], code="same_user")
    return source_row, target_row


def preview_reassignment(engine: Samverkan, user: User, source: Any, target: Any) -> Reassignment:
    """Which of ``source``'s open tasks would move to ``target``, and which not and why. Changes nothing."""
    _check_assigner(user)
    with engine.db.connect() as conn:
        source_row, target_row = _people(conn, source, target)
        rows = _open_tasks_of(conn, source_row.username)
    movable, blocked = [], []
    for row in rows:
        reason = _lacks_role(target_row, row.role)
        if reason:
            blocked.append(_item(row) | {"reason": reason})
        else:
            movable.append(_item(row))
    return Reassignment(source_row.username, target_row.username, movable, blocked)


def reassign_all(engine: Samverkan, user: User, source: Any, target: Any) -> Reassignment:
    """Move ``source``'s open tasks to ``target``: one transaction per case, one history row per task.

    Tasks the target lacks the role for stay where they are and come back in ``blocked``; a
    task closed or handed on since the preview is simply not moved.
    """
    plan = preview_reassignment(engine, user, source, target)
    by_case: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for item in plan.movable:
        by_case[item["case_id"]].append(item)
    moved: list[dict[str, Any]] = []
    for case_id, items in by_case.items():
        moved.extend(_move_case(engine, user, case_id, items, plan.source, plan.target))
    return Reassignment(plan.source, plan.target, moved, plan.blocked)


def _move_case(
    engine: Samverkan, user: User, case_id: int, items: list[dict[str, Any]], source: str, target: str
) -> list[dict[str, Any]]:
    t = schema.tasks
    with engine.write() as conn:
        version = indexes.move_lock(conn, case_id)
        engine.after_commit(conn, lambda: engine.workflows.moved(case_id, version - 1, version))
        ids = [i["task_id"] for i in items]
        still = set(
            conn.execute(select(t.c.id).where(t.c.id.in_(ids), t.c.state == "open", t.c.assignee == source)).scalars()
        )
        moving = [i for i in items if i["task_id"] in still]
        if not moving:
            return []
        conn.execute(t.update().where(t.c.id.in_([i["task_id"] for i in moving])).values(assignee=target))
        details = {"from": source, "to": target, "reason": "omfördelning"}
        events = [Event("assigned", user.username, i["element_id"], details) for i in moving]
        history.write(conn, case_id, engine.now(), events)
    return moving


# The case's responsible official ---------------------------------------------------------------


def check_handlaggare(conn: Connection, username: Any, field: str = "handlaggare") -> str:
    """``username`` if it names a kontaktperson, else 422 naming ``field``."""
    person = _person(conn, username, field)
    reason = _lacks_role(person, HANDLAGGARE_ROLE)
    if reason:
        raise Invalid(reason, details=[{"field": field, "message": reason}], code="lacks_role")
    return str(person.username)


def set_handlaggare(engine: Samverkan, user: User, case_id: int, username: Any) -> None:
    """Make ``username`` the case's handläggare (chef, admin): one history row ``handlaggare``."""
    if not user.has(*ASSIGNERS):
        raise Forbidden("Endast chef eller administratör kan byta handläggare.", code="forbidden")
    c = schema.cases
    with engine.write() as conn:
        current = conn.execute(select(c.c.handlaggare).where(c.c.id == case_id)).first()
        if current is None:
            raise NotFound(f"Ärende {case_id} finns inte.", code="not_found")
        chosen = check_handlaggare(conn, username)
        if chosen == current.handlaggare:
            return
        version = indexes.move_lock(conn, case_id)
        engine.after_commit(conn, lambda: engine.workflows.moved(case_id, version - 1, version))
        conn.execute(c.update().where(c.c.id == case_id).values(handlaggare=chosen, updated_at=engine.now()))
        details = {"from": current.handlaggare, "to": chosen}
        history.write(conn, case_id, engine.now(), [Event("handlaggare", user.username, None, details)])


def kontaktpersoner(engine: Samverkan) -> list[dict[str, str]]:
    """Everyone who can be a case's handläggare."""
    return people_with_role(engine, HANDLAGGARE_ROLE)
