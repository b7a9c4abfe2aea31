"""Form drafts: what an official typed into a task's form, saved without completing it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from engine import schema
from engine.context import Samverkan, User
from engine.task_access import open_task_for

d, t = schema.drafts, schema.tasks


def save_draft(engine: Samverkan, user: User, task_id: str, data: dict[str, Any]) -> str:
    """Store ``data`` as ``user``'s draft of an open task (replacing any earlier); returns saved_at."""
    now = engine.now()
    with engine.write() as conn:
        open_task_for(conn, user, task_id)
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
    with engine.write() as conn:
        conn.execute(delete(d).where(d.c.task_id == task_id))
