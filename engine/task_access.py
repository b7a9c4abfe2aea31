"""Who may act on a task: one check for completing, claiming, drafts and attachments."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from engine import schema
from engine.context import User
from engine.errors import Conflict, Forbidden, NotFound


def check_open_for(task: Any, user: User) -> None:
    """Refuse unless ``task`` (a tasks row) is open and belongs to one of ``user``'s roles."""
    if task.role not in user.roles:
        raise Forbidden("Uppgiften hör till en annan roll.", code="forbidden")
    if task.state != "open":
        raise Conflict("Uppgiften är inte längre öppen.", code="task_closed")


def task_row(conn: Connection, task_id: str) -> Any:
    row = conn.execute(select(schema.tasks).where(schema.tasks.c.id == task_id)).first()
    if row is None:
        raise NotFound(f"Uppgift {task_id} finns inte.", code="not_found")
    return row


def open_task_for(conn: Connection, user: User, task_id: str) -> Any:
    """The tasks row, if it is open and ``user`` has its role."""
    row = task_row(conn, task_id)
    check_open_for(row, user)
    return row
