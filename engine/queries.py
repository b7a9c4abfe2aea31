"""Read models: plain SQL over the case table and the task index, never deserializing cases."""

from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, and_, func, literal_column, select

from engine import schema
from engine.context import Samverkan, User
from engine.errors import NotFound
from engine.filters import case_filters
from engine.reports import element_counts

c, t, h = schema.cases, schema.tasks, schema.history

_CASE_COLUMNS = (
    c.c.id,
    c.c.title,
    c.c.process_id,
    c.c.process_version,
    c.c.status,
    c.c.end_event,
    c.c.area,
    c.c.phase,
    c.c.active_elements,
    c.c.data,
    c.c.created_at,
    c.c.updated_at,
    c.c.incident,
    c.c.is_demo,
    c.c.start_event,
    c.c.handlaggare,
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


TASK_VIEW_COLUMNS: tuple[str, ...] = (
    *("id", "case_id", "element_id", "name", "role", "assignee"),
    *("due_at", "created_at", "phase", "state"),
)
"""The task columns :func:`task_view` reads (lists of tasks select these, not the context)."""


def task_view(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "case_id": row.case_id,
        "element_id": row.element_id,
        "name": row.name,
        "role": row.role,
        "assignee": row.assignee,
        "due_at": _iso(row.due_at),
        "created_at": _iso(row.created_at),
        "phase": row.phase,
        "state": row.state,
    }


def _open_tasks(conn: Connection, case_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    found: dict[int, list[dict[str, Any]]] = {i: [] for i in case_ids}
    if case_ids:
        rows = conn.execute(
            select(t).where(t.c.case_id.in_(case_ids), t.c.state == "open").order_by(t.c.created_at, t.c.id)
        )
        for row in rows:
            found[row.case_id].append(task_view(row))
    return found


def case_view(row: Any, open_tasks: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "process_id": row.process_id,
        "process_version": row.process_version,
        "status": row.status,
        "end_event": row.end_event,
        "area": row.area,
        "phase": row.phase,
        "start_event": row.start_event,
        "handlaggare": row.handlaggare,
        "active_elements": list(row.active_elements or []),
        "open_tasks": open_tasks,
        "data": row.data or {},
        "incident": row.incident,
        "is_demo": bool(row.is_demo),
        "created_at": _iso(row.created_at),
        "updated_at": _iso(row.updated_at),
    }


_TASK_COLUMNS = tuple(column.label(f"task_{column.name}") for column in t.c)


def unprefixed(row: Any, prefix: str) -> dict[str, Any]:
    """The columns of ``row`` labelled ``prefix``+name, by name (one table's part of a join)."""
    return {k.removeprefix(prefix): v for k, v in row._mapping.items() if k.startswith(prefix)}


def get_case(engine: Samverkan, case_id: int) -> dict[str, Any]:
    """One case with its open tasks, in one query (it answers every API step)."""
    query = (
        select(*_CASE_COLUMNS, *_TASK_COLUMNS)
        .outerjoin(t, and_(t.c.case_id == c.c.id, t.c.state == "open"))
        .where(c.c.id == case_id)
        .order_by(t.c.created_at, t.c.id)
    )
    with engine.db.connect() as conn:
        rows = conn.execute(query).all()
    if not rows:
        raise NotFound(f"Ärende {case_id} finns inte.", code="not_found")
    tasks = [task_view(SimpleNamespace(**unprefixed(r, "task_"))) for r in rows if r.task_id is not None]
    return case_view(rows[0], tasks)


def list_cases(
    engine: Samverkan,
    status: str | None = None,
    area: str | None = None,
    element: str | None = None,
    overdue: bool = False,
    phase: str | None = None,
    role: str | None = None,
    limit: int = 500,
    offset: int = 0,
) -> dict[str, Any]:
    conditions = case_filters(engine.now(), status=status, area=area, phase=phase, element=element, role=role,
                              overdue=overdue)  # fmt: skip
    where = and_(*conditions) if conditions else None
    with engine.db.connect() as conn:
        count_query = select(func.count()).select_from(c)
        query = select(*_CASE_COLUMNS).order_by(c.c.id).limit(limit).offset(offset)
        if where is not None:
            count_query, query = count_query.where(where), query.where(where)
        total = conn.execute(count_query).scalar_one()
        rows = conn.execute(query).all()
        tasks = _open_tasks(conn, [r.id for r in rows])
        return {"items": [case_view(r, tasks[r.id]) for r in rows], "total": int(total)}


def list_tasks(
    engine: Samverkan,
    user: User,
    mine: bool = False,
    *,
    unclaimed: bool = False,
    area: str | None = None,
    phase: str | None = None,
    overdue: bool = False,
    limit: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Open tasks of ``user``'s roles (``mine``: claimed by them), narrowed like the inbox's filters.

    By due date (none last), then created, then id: a stable order, so that ``limit`` and
    ``offset`` page through them (without ``limit``: every one from ``offset``). Reads only
    the columns a task's view shows, not its context.
    """
    where = [t.c.state == literal_column("'open'")]  # a literal: SQLite then reads the partial indexes
    if mine:
        where.append(t.c.assignee == user.username)
    else:
        where.append(t.c.role.in_(sorted(user.roles)))
    if unclaimed:
        where.append(t.c.assignee.is_(None))
    if area:
        where.append(t.c.area == area)  # open tasks carry their case's area
    if phase:
        where.append(t.c.phase == phase)
    if overdue:
        where.append(t.c.due_at < engine.now())
    order = (t.c.due_at.is_(None), t.c.due_at, t.c.created_at, t.c.id)
    columns = [t.c[name] for name in TASK_VIEW_COLUMNS]
    with engine.db.connect() as conn:
        if limit is None:
            query = select(*columns).where(*where).order_by(*order).offset(offset or None)
            return [task_view(r) for r in conn.execute(query)]
        # One page: its ids in order from the covering index over open tasks, then only their rows.
        ids = list(conn.execute(select(t.c.id).where(*where).order_by(*order).limit(limit).offset(offset)).scalars())
        rows = {r.id: r for r in conn.execute(select(*columns).where(t.c.id.in_(ids)))} if ids else {}
        return [task_view(rows[i]) for i in ids]


def count_tasks(engine: Samverkan, user: User) -> int:
    """How many open tasks ``list_tasks`` would give: a count for the menu, not the rows."""
    query = select(func.count()).select_from(t).where(t.c.state == "open", t.c.role.in_(sorted(user.roles)))
    with engine.db.connect() as conn:
        return int(conn.execute(query).scalar_one())


def get_task(engine: Samverkan, task_id: str) -> dict[str, Any]:
    with engine.db.connect() as conn:
        row = conn.execute(select(t).where(t.c.id == task_id)).first()
        if row is None:
            raise NotFound(f"Uppgift {task_id} finns inte.", code="not_found")
        case = conn.execute(select(c.c.process_id, c.c.process_version).where(c.c.id == row.case_id)).one()
        definition = engine.definition(conn, case.process_id, case.process_version)
    view = task_view(row)
    view["form"] = engine.forms.schema(definition.form_of(row.element_id))
    view["context"] = row.context or {}
    return view


def case_history(engine: Samverkan, case_id: int) -> list[dict[str, Any]]:
    with engine.db.connect() as conn:
        if conn.execute(select(c.c.id).where(c.c.id == case_id)).first() is None:
            raise NotFound(f"Ärende {case_id} finns inte.", code="not_found")
        rows = conn.execute(select(h).where(h.c.case_id == case_id).order_by(h.c.id))
        return [
            {
                "at": _iso(r.at),
                "actor": r.actor,
                "action": r.action,
                "element_id": r.element_id,
                "details": r.details or {},
            }
            for r in rows
        ]


def overview(engine: Samverkan) -> dict[str, Any]:
    """Counts over active cases: by phase, by waiting element, and overdue tasks."""
    with engine.db.connect() as conn:
        by_phase = {
            phase or "": int(n)
            for phase, n in conn.execute(
                select(c.c.phase, func.count()).where(c.c.status == "active").group_by(c.c.phase)
            )
        }
        elements = element_counts(conn, engine.now())
    return {
        "by_phase": by_phase,
        "by_element": {e: n["waiting"] for e, n in elements.items()},
        "overdue": sum(n["overdue"] for n in elements.values()),
    }
