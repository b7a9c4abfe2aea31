"""The officials' inbox: open tasks for a user's roles with their case's title and area."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import literal_column, select

from engine import schema
from engine.context import Samverkan, User
from engine.queries import task_view

SORTS = ("due", "case", "task", "area", "created")


def inbox(engine: Samverkan, user: User, sort: str = "due") -> list[dict[str, Any]]:
    """Open tasks for ``user``'s roles (or assigned to them): theirs first, then by ``sort``.

    Each task carries ``case_title``, ``area_name``, ``mine`` and ``overdue``.
    """
    t, c, a = schema.tasks, schema.cases, schema.areas
    query = (
        select(t, c.c.title.label("case_title"), c.c.area.label("area_id"), a.c.name.label("area_name"))
        .join(c, c.c.id == t.c.case_id)
        .outerjoin(a, a.c.id == c.c.area)
        .where(
            t.c.state == literal_column("'open'"), t.c.role.in_(sorted(user.roles)) | (t.c.assignee == user.username)
        )
    )
    now = engine.now()
    items = []
    for row in _rows(engine, query):
        view = task_view(row)
        view.update(
            case_title=row.case_title,
            area=row.area_id,
            area_name=row.area_name or row.area_id or "",
            mine=row.assignee == user.username,
            overdue=row.due_at is not None and row.due_at < now,
        )
        items.append(view)
    key = _SORT_KEYS.get(sort, _SORT_KEYS["due"])
    items.sort(key=lambda item: (not item["mine"], *key(item)))
    return items


def _rows(engine: Samverkan, query: Any) -> list[Any]:
    with engine.db.connect() as conn:
        return list(conn.execute(query).all())


def _due(item: dict[str, Any]) -> tuple[Any, ...]:
    return (item["due_at"] is None, item["due_at"] or "", item["created_at"] or "")


def _by(field: str) -> Callable[[dict[str, Any]], tuple[Any, ...]]:
    return lambda item: (str(item[field] or "").casefold(), *_due(item))


_SORT_KEYS: dict[str, Callable[[dict[str, Any]], tuple[Any, ...]]] = {
    "due": _due,
    "case": _by("case_title"),
    "task": _by("name"),
    "area": _by("area_name"),
    "created": _by("created_at"),
}
