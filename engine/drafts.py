"""Form drafts: what an official typed into a task's form, saved without completing it.

A task's drafts are deleted in the transaction that closes the task, however it closes
(see :func:`engine.indexes.sync_tasks`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, select

from engine import schema
from engine.context import Samverkan, User
from engine.task_access import open_task_for

d, t = schema.drafts, schema.tasks


def save_draft(engine: Samverkan, user: User, task_id: str, data: dict[str, Any]) -> str:
    """Store ``data`` as ``user``'s draft of an open task (replacing any earlier); returns saved_at."""
    now = engine.now()
    with engine.write() as conn:
        open_task_for(conn, user, task_id)
        write_draft(conn, now, user, task_id, data)
    return now.isoformat()


def write_draft(conn: Connection, now: datetime, user: User, task_id: str, data: dict[str, Any]) -> None:
    """Replace ``user``'s draft of the task in the caller's transaction (the task was checked open)."""
    conn.execute(delete(d).where(d.c.task_id == task_id, d.c.username == user.username))
    conn.execute(d.insert().values(task_id=task_id, username=user.username, data=data, saved_at=now))


def get_draft(engine: Samverkan, user: User, task_id: str) -> dict[str, Any] | None:
    """``{data, saved_at}`` of the user's draft of the task, or None."""
    with engine.db.connect() as conn:
        row = conn.execute(
            select(d.c.data, d.c.saved_at).where(d.c.task_id == task_id, d.c.username == user.username)
        ).first()
    if row is None:
        return None
    return {"data": dict(row.data or {}), "saved_at": row.saved_at.isoformat()}
