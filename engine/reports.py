"""Managers' read models: counts per phase, element, month and role; the area view.

Plain SQL over the case table and the task and timer indexes; cases are never deserialized.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, case, func, literal_column, select

from engine import schema
from engine.context import Samverkan
from engine.filters import case_filters

c, t, tm, h = schema.cases, schema.tasks, schema.timers, schema.history


def _month(conn: Connection, column: Any) -> ColumnElement[str]:
    """``YYYY-MM`` of a UTC instant, in the database's own dialect."""
    if conn.dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column), "YYYY-MM")
    return func.strftime("%Y-%m", column)


def by_phase(engine: Samverkan, process_id: str | None = None) -> dict[str, int]:
    """Active cases per phase: the phases of the process's profile first, zeros included, in process order."""
    counts = dict.fromkeys(engine.profile(process_id or engine.main_process_id).phases, 0)
    with engine.db.connect() as conn:
        for phase, n in conn.execute(select(c.c.phase, func.count()).where(c.c.status == "active").group_by(c.c.phase)):
            counts[phase or "Okänd fas"] = int(n)
    return counts


def by_element(engine: Samverkan, process_id: str | None = None) -> dict[str, dict[str, int]]:
    """Per BPMN element: active cases waiting there (open task or timer) and overdue tasks."""
    with engine.db.connect() as conn:
        return element_counts(conn, engine.now(), process_id)


def element_counts(conn: Connection, now: datetime, process_id: str | None = None) -> dict[str, dict[str, int]]:
    """Per element: distinct active cases waiting there and their overdue open tasks.

    Two statements, added up. Open tasks are grouped by (element, case) in the order of the
    covering index ``ix_tasks_state_element_due``: an index-only scan and two streaming
    aggregates, no hash to spill and no case rows read. Only active cases have open tasks or
    timers (a step that ends or cancels a case closes them in the same transaction), so the
    cases are consulted only to leave out those of the other deployed processes, read through
    ``ix_cases_status_process`` (nothing to leave out while one process is deployed). Then
    non-boundary timers. A case waits at a timer whatever the timer's state (waiting, being
    fired, or in an incident); boundary timers (``attached_to`` set) belong to their task. An
    element is a task or a timer, never both: the sums are the distinct counts. Joining 100,000
    open tasks to their cases instead took 200 ms on PostgreSQL (bench/growth.py --scale
    active=100000).
    """
    tasks_where: list[ColumnElement[bool]] = [t.c.state == "open"]
    timers_where: list[ColumnElement[bool]] = [tm.c.attached_to.is_(None)]
    others = _other_processes(conn, process_id) if process_id is not None else []
    if others:
        elsewhere = select(c.c.id).where(c.c.status == "active", c.c.process_id.in_(others))
        tasks_where.append(t.c.case_id.not_in(elsewhere))
        timers_where.append(tm.c.case_id.not_in(elsewhere))
    per_case = (
        select(t.c.element_id, t.c.case_id, func.sum(case((t.c.due_at < now, 1), else_=0)).label("late"))
        .where(*tasks_where)
        .group_by(t.c.element_id, t.c.case_id)
        .subquery()
    )
    at_task = select(per_case.c.element_id, func.count(), func.sum(per_case.c.late)).group_by(per_case.c.element_id)
    at_timer = (
        select(tm.c.element_id, func.count(func.distinct(tm.c.case_id))).where(*timers_where).group_by(tm.c.element_id)
    )
    counts = {
        element_id: {"waiting": int(n), "overdue": int(late or 0)} for element_id, n, late in conn.execute(at_task)
    }
    for element_id, n in conn.execute(at_timer):
        counts.setdefault(element_id, {"waiting": 0, "overdue": 0})["waiting"] += int(n)
    return counts


def _other_processes(conn: Connection, process_id: str) -> list[str]:
    """The deployed processes other than ``process_id`` (every case runs a deployed version)."""
    pv = schema.process_versions
    query = select(pv.c.process_id).distinct().where(pv.c.process_id != process_id)
    return list(conn.execute(query).scalars())


MONTHS_SHOWN = 24
"""Calendar months the per-month counts go back, this one included: a window, so that years of
finished cases do not slow the overview down (the counts read only this window's rows, by index)."""


def per_month(engine: Samverkan, months: int = MONTHS_SHOWN) -> list[dict[str, Any]]:
    """Cases started and ended per calendar month (UTC) in the last ``months`` months, oldest first."""
    rows: dict[str, dict[str, Any]] = {}
    since = _months_back(engine.now(), months - 1)
    with engine.db.connect() as conn:
        started_month = _month(conn, c.c.created_at).label("month")
        started = select(started_month, func.count()).where(c.c.created_at >= since)
        for month, n in conn.execute(started.group_by(started_month)):
            rows.setdefault(month, {"month": month, "started": 0, "ended": 0})["started"] = int(n)
        ended_month = _month(conn, h.c.at).label("month")
        ended = select(ended_month, func.count(func.distinct(h.c.case_id))).where(
            h.c.action == "ended", h.c.at >= since
        )
        for month, n in conn.execute(ended.group_by(ended_month)):
            rows.setdefault(month, {"month": month, "started": 0, "ended": 0})["ended"] = int(n)
    return [rows[m] for m in sorted(rows)]


def _months_back(now: datetime, months: int) -> datetime:
    """The first instant (UTC) of the calendar month ``months`` months before ``now``'s."""
    index = now.astimezone(UTC).year * 12 + now.astimezone(UTC).month - 1 - months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def overdue_by_role(engine: Samverkan) -> dict[str, int]:
    """Open tasks past their deadline, per role (only active cases have open tasks).

    Read from the covering index ``ix_tasks_open_role_due`` alone, in its order.
    """
    with engine.db.connect() as conn:
        query = (
            select(t.c.role, func.count())
            .where(t.c.state == "open", t.c.due_at < engine.now())
            .group_by(t.c.role)
            .order_by(t.c.role)
        )
        return {role: int(n) for role, n in conn.execute(query)}


def cases_at(engine: Samverkan, element_id: str, overdue: bool = False, limit: int = 200) -> list[dict[str, Any]]:
    """Active cases waiting in one element (task or timer), with the task's deadline."""
    now = engine.now()
    with engine.db.connect() as conn:
        waiting_task = select(t.c.case_id).where(t.c.state == "open", t.c.element_id == element_id)
        if overdue:
            waiting_task = waiting_task.where(t.c.due_at < now)
        condition: ColumnElement[bool] = c.c.id.in_(waiting_task)
        if not overdue:
            waiting_timer = select(tm.c.case_id).where(tm.c.element_id == element_id, tm.c.attached_to.is_(None))
            condition = condition | c.c.id.in_(waiting_timer)
        due = (
            select(func.min(t.c.due_at))
            .where(t.c.case_id == c.c.id, t.c.state == "open", t.c.element_id == element_id)
            .scalar_subquery()
        )
        rows = conn.execute(
            select(c.c.id, c.c.title, c.c.area, c.c.phase, due.label("due_at"))
            .where(c.c.status == "active", condition)
            .order_by(c.c.id)
            .limit(limit)
        )
        return [
            {
                "id": r.id,
                "title": r.title,
                "area": r.area,
                "phase": r.phase,
                "due_at": due.isoformat() if due else None,
                "overdue": bool(due and due < now),
            }
            for r in rows
            for due in [_aware(r.due_at)]
        ]


NO_AREA = "-"
"""The ``area`` filter value for cases not yet placed in an area."""


def area_view(
    engine: Samverkan,
    area: str | None = None,
    phase: str | None = None,
    role: str | None = None,
    overdue: bool = False,
    per_area: int | None = None,
    offset: int = 0,
) -> list[dict[str, Any]]:
    """Active cases grouped by area: phase, next deadline, contact person, decided support, period.

    An area with more than one active case is flagged ``coordination`` ("Samordning behövs"),
    counted over all its active cases whatever the filters. ``per_area`` limits each area to
    its cases ranked ``offset + 1`` … ``offset + per_area`` (by id); ``matching`` says how many
    cases of the area pass the filters. ``None`` (the CSV) gives every case.
    """
    now = engine.now()
    a = schema.areas
    conditions = case_filters(
        now, status="active", area=None if area == NO_AREA else area, phase=phase, role=role, overdue=overdue
    )
    if area == NO_AREA:
        conditions.append(c.c.area.is_(None))
    where = and_(*conditions)
    with engine.db.connect() as conn:
        names = {r.id: r.name for r in conn.execute(select(a.c.id, a.c.name))}
        count_by_area = select(c.c.area, func.count()).group_by(c.c.area)
        totals = {r[0]: int(r[1]) for r in conn.execute(count_by_area.where(c.c.status == "active"))}
        matching = (
            totals if len(conditions) == 1 else {r[0]: int(r[1]) for r in conn.execute(count_by_area.where(where))}
        )
        rows = conn.execute(_area_rows(engine, where, per_area, offset)).all()
        next_tasks = _open_task_summary(conn, [r.id for r in rows] if per_area is not None else None)
    groups: dict[str | None, dict[str, Any]] = {}
    for r in rows:
        group = groups.setdefault(
            r.area,
            {
                "area": r.area,
                "filter_value": r.area or NO_AREA,
                "name": names.get(r.area or "", r.area or "Inget område"),
                "active_total": totals.get(r.area, 0),
                "matching": int(matching.get(r.area, 0)),
                "coordination": totals.get(r.area, 0) > 1,
                "cases": [],
            },
        )
        due, assignee = next_tasks.get(r.id, (None, None))
        group["cases"].append(
            {
                "id": r.id,
                "title": r.title,
                "phase": r.phase,
                "next_due": due.isoformat() if due else None,
                "overdue": bool(due and due < now),
                "contact": assignee or r.created_by,
                "granted_sek": _int_or_none(r.granted_sek),
                "period_start": _str_or_none(r.period_start),
                "period_end": _str_or_none(r.period_end),
            }
        )
    return sorted(groups.values(), key=lambda g: str(g["name"]))


REPORT_COLUMNS = ("granted_sek", "period_start", "period_end")
"""Case data the area view shows, by the names the main process's profile gives them."""


def _area_rows(engine: Samverkan, where: ColumnElement[bool], per_area: int | None, offset: int) -> Select[Any]:
    """The cases to show: all, or a window of each area's cases ranked by id."""
    profile = engine.profile(engine.main_process_id)
    data_columns = []
    for column in REPORT_COLUMNS:
        name = profile.report_field(column)
        data_columns.append((c.c.data[name] if name else literal_column("NULL")).label(column))
    columns = (c.c.id, c.c.title, c.c.area, c.c.phase, c.c.created_by, *data_columns)
    if per_area is None:
        return select(*columns).where(where).order_by(c.c.area, c.c.id)
    rank = func.row_number().over(partition_by=c.c.area, order_by=c.c.id).label("rank")
    ranked = select(c.c.id, rank).where(where).subquery()
    return (
        select(*columns)
        .join(ranked, ranked.c.id == c.c.id)
        .where(ranked.c.rank > offset, ranked.c.rank <= offset + per_area)
        .order_by(c.c.area, c.c.id)
    )


def _open_task_summary(conn: Connection, case_ids: list[int] | None) -> dict[int, tuple[datetime | None, str | None]]:
    """Per case: the earliest deadline of its open tasks and one of their assignees.

    One grouped query instead of two correlated subqueries per case; ``None`` means all cases.
    """
    query = (
        select(t.c.case_id, func.min(t.c.due_at), func.min(t.c.assignee))
        .where(t.c.state == "open")
        .group_by(t.c.case_id)
    )
    if case_ids is not None:
        if not case_ids:
            return {}
        query = query.where(t.c.case_id.in_(case_ids))
    return {case_id: (_aware(due), assignee) for case_id, due, assignee in conn.execute(query)}


def _aware(value: Any) -> datetime | None:
    """Aggregates may come back without the column type: SQLite naive UTC or a string."""
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _str_or_none(value: Any) -> str | None:
    return str(value) if value is not None else None


def diagram_elements(
    engine: Samverkan, process_id: str, version: int | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """The flow nodes of a process version (newest by default) with names, kinds and phases."""
    from engine.processes import latest_version

    version = version if version is not None else latest_version(engine, process_id)
    with engine.db.connect() as conn:
        definition = engine.definition(conn, process_id, version)
    elements = [
        {"id": e.id, "name": e.name, "kind": e.kind, "phase": e.phase}
        for e in definition.elements.values()
        if e.kind not in ("exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway")
    ]
    return version, elements


def case_position(engine: Samverkan, case_id: int) -> dict[str, Any]:
    """Where a case is: its version, the elements it waits in and the ones it has passed."""
    from engine.errors import NotFound

    with engine.db.connect() as conn:
        row = conn.execute(
            select(c.c.process_id, c.c.process_version, c.c.active_elements, c.c.status).where(c.c.id == case_id)
        ).first()
        if row is None:
            raise NotFound(f"Ärende {case_id} finns inte.", code="not_found")
        seen = conn.execute(
            select(h.c.element_id).where(h.c.case_id == case_id, h.c.element_id.is_not(None)).distinct()
        ).scalars()
        passed = sorted(set(seen))
    active = list(row.active_elements or [])
    return {
        "process_id": row.process_id,
        "version": row.process_version,
        "status": row.status,
        "active": active,
        "passed": [e for e in passed if e not in active],
    }
