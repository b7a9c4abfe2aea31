"""Form drafts: what an official typed into a task's form, saved without completing it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from engine import schema
from engine.context import Samverkan, User
from engine.errors import Conflict, Forbidden, NotFound

d, t = schema.drafts, schema.tasks


def save_draft(engine: Samverkan, user: User, task_id: str, data: dict[str, Any]) -> str:
    """Store ``data`` as ``user``'s draft of an open task (replacing any earlier); returns saved_at."""
    now = engine.now()
    with engine.db.begin() as conn:
        task = conn.execute(select(t.c.role, t.c.state).where(t.c.id == task_id)).first()
        if task is None:
            raise NotFound(f"Uppgift {task_id} finns inte.", code="not_found")
        if task.role not in user.roles:
            raise Forbidden("Uppgiften hör till en annan roll.", code="forbidden")
        if task.state != "open":
            raise Conflict("Uppgiften är inte längre öppen.", code="task_closed")
        conn.execute(delete(d).where(d.c.task_id == task_id, d.c.username == user.username))
        conn.execute(d.insert().values(task_id=task_id, username=user.username, data=data, saved_at=now))
    saved: str = now.isoformat()
    return saved


def get_draft(engine: Samverkan, user: User, task_id: str) -> dict[str, Any] | None:
    """``{data, saved_at}`` of the user's draft of the task, or None."""
    with engine.db.connect() as conn:
        row = conn.execute(
            select(d.c.data, d.c.saved_at).where(d.c.task_id == task_id, d.c.username == user.username)
        ).first()
    if row is None:
        return None
    return {"data": dict(row.data or {}), "saved_at": row.saved_at.isoformat()}


def discard_drafts(engine: Samverkan, task_id: str) -> None:
    """Forget every draft of a task (after it is completed)."""
    with engine.db.begin() as conn:
        conn.execute(delete(d).where(d.c.task_id == task_id))
