"""Case filters shared by the case list (API) and the area view."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, select

from engine import schema

c, t = schema.cases, schema.tasks


def case_filters(
    now: datetime,
    *,
    status: str | None = None,
    area: str | None = None,
    phase: str | None = None,
    element: str | None = None,
    role: str | None = None,
    overdue: bool = False,
) -> list[ColumnElement[bool]]:
    """SQL conditions on cases; the task ones ask for an open task matching them all."""
    conditions: list[ColumnElement[bool]] = []
    if status:
        conditions.append(c.c.status == status)
    if area:
        conditions.append(c.c.area == area)
    if phase:
        conditions.append(c.c.phase == phase)
    task_filters = []
    if element:
        task_filters.append(t.c.element_id == element)
    if role:
        task_filters.append(t.c.role == role)
    if overdue:
        task_filters.append(t.c.due_at < now)
    if task_filters:
        conditions.append(c.c.id.in_(select(t.c.case_id).where(t.c.state == "open", *task_filters)))
    return conditions
