"""The officials' inbox: open tasks for a user's roles with their case's title and area."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, literal_column, select

from engine import schema
from engine.context import Samverkan, User
from engine.queries import task_view

SORTS = ("due", "case", "task", "area", "created")


def inbox(engine: Samverkan, user: User, sort: str = "due") -> list[dict[str, Any]]:
    """Open tasks for ``user``'s roles (or assigned to them): theirs first, then by ``sort``.

    Each task carries ``case_title``, ``area_name``, ``mine`` and ``overdue``.
    """
    t = schema.tasks
    # From the open tasks alone (partial indexes), then their cases by id: planners that cannot
    # tell how few tasks are open would otherwise drive the join from all cases (bench/growth.py).
    query = select(*(t.c[name] for name in _TASK_COLUMNS)).where(
        t.c.state == literal_column("'open'"), t.c.role.in_(sorted(user.roles)) | (t.c.assignee == user.username)
    )
    now = engine.now()
    items = []
    with engine.db.connect() as conn:
        rows = conn.execute(query).all()
        cases = _cases(conn, sorted({row.case_id for row in rows}))
    for row in rows:
        title, area_id, area_name = cases[row.case_id]
        view = task_view(row)
        view.update(
            case_title=title,
            area=area_id,
            area_name=area_name or area_id or "",
            mine=row.assignee == user.username,
            overdue=row.due_at is not None and row.due_at < now,
        )
        items.append(view)
    key = _SORT_KEYS.get(sort, _SORT_KEYS["due"])
    items.sort(key=lambda item: (not item["mine"], *key(item)))
    return items


_TASK_COLUMNS = ("id", "case_id", "element_id", "name", "role", "phase", "assignee", "due_at", "created_at", "state")
_IDS_PER_QUERY = 5000  # below every database's limit of bound parameters


def _cases(conn: Connection, case_ids: list[int]) -> dict[int, tuple[str, str | None, str | None]]:
    """Case id -> (title, area id, area name), by primary key."""
    c, a = schema.cases, schema.areas
    found = {}
    for start in range(0, len(case_ids), _IDS_PER_QUERY):
        chunk = case_ids[start : start + _IDS_PER_QUERY]
        query = select(c.c.id, c.c.title, c.c.area, a.c.name).outerjoin(a, a.c.id == c.c.area).where(c.c.id.in_(chunk))
        found.update({row.id: (row.title, row.area, row.name) for row in conn.execute(query)})
    return found


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
