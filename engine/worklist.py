"""The officials' inbox: open tasks for a user's roles with their case's title and area."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Integer, case, func, literal_column, select, union_all

from engine import schema
from engine.context import Samverkan, User
from engine.queries import TASK_VIEW_COLUMNS, task_view

SORTS = ("due", "case", "task", "area", "created")


def inbox(engine: Samverkan, user: User, sort: str = "due") -> list[dict[str, Any]]:
    """Open tasks for ``user``'s roles (or assigned to them): theirs first, then by ``sort``.

    Each task carries ``case_title``, ``area_name``, ``mine`` and ``overdue``.
    """
    t = schema.tasks
    # From the open tasks alone (partial indexes), then their cases by id: planners that cannot
    # tell how few tasks are open would otherwise drive the join from all cases (bench/growth.py).
    query = select(*(t.c[name] for name in TASK_VIEW_COLUMNS)).where(
        t.c.state == literal_column("'open'"), t.c.role.in_(sorted(user.roles)) | (t.c.assignee == user.username)
    )
    now = engine.now()
    items = []
    with engine.db.connect() as conn:
        rows = conn.execute(query).all()
        cases = _cases(conn, sorted({row.case_id for row in rows}))
    for row in rows:
        items.append(_item(row, cases[row.case_id], user, now))
    key = _SORT_KEYS.get(sort, _SORT_KEYS["due"])
    items.sort(key=lambda item: (not item["mine"], *key(item)))
    return items


_IDS_PER_QUERY = 5000  # below every database's limit of bound parameters


def _cases(conn: Connection, case_ids: list[int]) -> dict[int, tuple[str, str | None, str | None, str | None]]:
    """Case id -> (title, area id, area name, handläggare), by primary key."""
    c, a = schema.cases, schema.areas
    found = {}
    for start in range(0, len(case_ids), _IDS_PER_QUERY):
        chunk = case_ids[start : start + _IDS_PER_QUERY]
        query = (
            select(c.c.id, c.c.title, c.c.area, a.c.name, c.c.handlaggare)
            .outerjoin(a, a.c.id == c.c.area)
            .where(c.c.id.in_(chunk))
        )
        found.update({row.id: (row.title, row.area, row.name, row.handlaggare) for row in conn.execute(query)})
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


WHO = ("mine", "unclaimed")


@dataclass(frozen=True)
class InboxFilter:
    """The inbox's filters, as they live in the URL: area id, phase, overdue, ``mine``/``unclaimed``."""

    area: str = ""
    phase: str = ""
    overdue: bool = False
    who: str = ""

    def matches(self, item: dict[str, Any], skip: str = "") -> bool:
        """Whether ``item`` passes every filter but ``skip`` (counts show what choosing one would give)."""
        return (
            (skip == "area" or not self.area or item["area"] == self.area)
            and (skip == "phase" or not self.phase or item["phase"] == self.phase)
            and (skip == "overdue" or not self.overdue or item["overdue"])
            and (skip == "who" or not self.who or _who(item, self.who))
        )


def _who(item: dict[str, Any], who: str) -> bool:
    return bool(item["mine"]) if who == "mine" else item["assignee"] is None


@dataclass(frozen=True)
class FilteredInbox:
    items: list[dict[str, Any]]
    total: int
    counts: dict[str, Counter[str]]


def filtered_inbox(engine: Samverkan, user: User, chosen: InboxFilter, sort: str = "due") -> FilteredInbox:
    """The inbox narrowed by ``chosen``, with counts per filter value.

    Each count says how many tasks choosing that value would show, the other filters kept.
    """
    return narrow(inbox(engine, user, sort), chosen)


def narrow(everything: list[dict[str, Any]], chosen: InboxFilter) -> FilteredInbox:
    """``everything`` narrowed by ``chosen``, with the counts per filter value (see :func:`filtered_inbox`)."""
    items = [item for item in everything if chosen.matches(item)]
    return FilteredInbox(items, len(everything), tally(((item, 1) for item in everything), chosen))


def tally(weighted: Iterable[tuple[dict[str, Any], int]], chosen: InboxFilter) -> dict[str, Counter[str]]:
    """Counts per filter value over ``(item, how many such tasks)`` pairs, the other filters kept."""
    counts: dict[str, Counter[str]] = {"area": Counter(), "phase": Counter(), "overdue": Counter(), "who": Counter()}
    for item, n in weighted:
        if chosen.matches(item, skip="area"):
            counts["area"][item["area"] or ""] += n
        if chosen.matches(item, skip="phase"):
            counts["phase"][item["phase"] or ""] += n
        if chosen.matches(item, skip="overdue") and item["overdue"]:
            counts["overdue"]["true"] += n
        if chosen.matches(item, skip="who"):
            for who in WHO:
                if _who(item, who):
                    counts["who"][who] += n
            counts["who"][""] += n
    return counts


PAGE_SIZE = 50
"""Tasks on one page of the inbox."""


@dataclass(frozen=True)
class InboxPage:
    """One page of the filtered inbox: its tasks, how many there are, and the counts per filter value."""

    items: list[dict[str, Any]]
    total: int
    """Every open task of the user's, no filter applied."""
    matching: int
    """The tasks that pass the filters (all pages)."""
    counts: dict[str, Counter[str]]
    offset: int
    limit: int


def inbox_page(
    engine: Samverkan, user: User, chosen: InboxFilter, sort: str = "due", offset: int = 0, limit: int = PAGE_SIZE
) -> InboxPage:
    """As :func:`filtered_inbox`, but only ``limit`` tasks from ``offset``, in the same order.

    The database counts and sorts: the counts come from one grouped query (by area, phase,
    overdue, mine, unclaimed), the page's task ids from an ordered query with LIMIT, and only
    the page's tasks and cases are read in full. Sorting by text folds case as ``str.casefold``
    does (SQLite: a registered function; PostgreSQL: ``lower`` compared by code point).
    """
    now = engine.now()
    v = _visible(user, ("area", "phase", "due_at", "assignee"))
    # Literals, not bound parameters: PostgreSQL groups only by expressions equal to the selected ones.
    one: ColumnElement[int] = literal_column("1", Integer)
    zero: ColumnElement[int] = literal_column("0", Integer)
    mine = case((v.c.assignee == user.username, one), else_=zero)
    late = case((v.c.due_at < now, one), else_=zero)
    unclaimed = case((v.c.assignee.is_(None), one), else_=zero)
    # Open tasks carry their case's area: the counts read the covering index alone, no case row.
    grouped = select(v.c.area, v.c.phase, late, mine, unclaimed, func.count()).group_by(
        v.c.area, v.c.phase, late, mine, unclaimed
    )
    with engine.db.connect() as conn:
        groups = [
            ({"area": area, "phase": phase, "overdue": bool(o), "mine": bool(m), "assignee": None if u else "?"}, n)
            for area, phase, o, m, u, n in conn.execute(grouped)
        ]
        matching = sum(n for item, n in groups if chosen.matches(item))
        offset = max(0, min(offset, (matching - 1) // limit * limit if matching else 0))
        if sort == "due":
            ids = _due_page_ids(conn, user, chosen, now, offset, limit)
        else:
            ids = list(conn.execute(_page_ids(conn, user, chosen, sort, now, offset, limit)).scalars())
        items = _tasks_by_id(conn, user, ids, now)
    return InboxPage(items, sum(n for _, n in groups), matching, tally(groups, chosen), offset, limit)


def _visible(user: User, columns: tuple[str, ...]) -> Any:
    """The user's open tasks (of their roles, or assigned to them) as a subquery of ``columns``.

    Two branches rather than one OR, so that each reads a partial index over open tasks in
    order (SQLite would otherwise scan every open task and sort).
    """
    t = schema.tasks
    roles = sorted(user.roles)
    is_open = t.c.state == literal_column("'open'")
    cols = [t.c[name] for name in columns]
    by_role = select(*cols).where(is_open, t.c.role.in_(roles))
    assigned = select(*cols).where(is_open, t.c.assignee == user.username, t.c.role.not_in(roles))
    return union_all(by_role, assigned).subquery("visible")


def _chosen(columns: Any, chosen: InboxFilter, now: Any) -> list[ColumnElement[bool]]:
    """The area, phase and overdue filters over task ``columns`` (``who`` differs by query)."""
    where: list[ColumnElement[bool]] = []
    if chosen.area:
        where.append(columns.area == chosen.area)
    if chosen.phase:
        where.append(columns.phase == chosen.phase)
    if chosen.overdue:
        where.append(columns.due_at < now)
    return where


def _due_page_ids(conn: Connection, user: User, chosen: InboxFilter, now: Any, offset: int, limit: int) -> list[str]:
    """One page of the default order (mine first, then by deadline, none last) in index order.

    The same order as :func:`_page_ids` gives for ``due``, read in three parts that each follow
    ``ix_tasks_open_role_due`` (role, due_at, created_at, id) or the claimed tasks' index: the
    user's own tasks, then the others with a deadline, then those without. So a page reads its
    50 rows instead of sorting every open task of the user's roles.
    """
    t = schema.tasks
    where = [t.c.state == literal_column("'open'"), *_chosen(t.c, chosen, now)]
    end = offset + limit
    page: list[str] = []
    mine_count = 0
    if chosen.who != "unclaimed":
        mine = (
            select(t.c.id)
            .where(*where, t.c.assignee == user.username)
            .order_by(t.c.due_at.is_(None), t.c.due_at, t.c.created_at, t.c.id)
            .limit(end)
        )
        mine_ids = list(conn.execute(mine).scalars())
        page, mine_count = mine_ids[offset:], len(mine_ids)
    if chosen.who == "mine" or len(page) >= limit:
        return page[:limit]
    others = [*where, t.c.role.in_(sorted(user.roles))]
    if chosen.who == "unclaimed":
        others.append(t.c.assignee.is_(None))
    else:
        others.append(t.c.assignee.is_(None) | (t.c.assignee != user.username))
    start, wanted = max(0, offset - mine_count), limit - len(page)
    dated = (
        select(t.c.id)
        .where(*others, t.c.due_at.is_not(None))
        .order_by(t.c.due_at, t.c.created_at, t.c.id)
        .limit(wanted)
        .offset(start)
    )
    page += conn.execute(dated).scalars()
    if len(page) >= limit:
        return page
    # Past the tasks with a deadline: where the page starts among those without one.
    dated_count = conn.execute(select(func.count()).where(*others, t.c.due_at.is_not(None))).scalar_one()
    undated = (
        select(t.c.id)
        .where(*others, t.c.due_at.is_(None))
        .order_by(t.c.created_at, t.c.id)
        .limit(limit - len(page))
        .offset(max(0, start - dated_count))
    )
    return page + list(conn.execute(undated).scalars())


def _page_ids(conn: Connection, user: User, chosen: InboxFilter, sort: str, now: Any, offset: int, limit: int) -> Any:
    """The ordered, limited query of one page's task ids: tasks alone unless the sort needs the case or area."""
    c, a = schema.cases, schema.areas
    columns = ("id", "case_id", "area", "phase", "due_at", "created_at", "assignee")
    v = _visible(user, (*columns, "name") if sort == "task" else columns)
    where = _chosen(v.c, chosen, now)
    source: Any = v
    if sort == "case":
        source = source.join(c, c.c.id == v.c.case_id)
    elif sort == "area":
        source = source.outerjoin(a, a.c.id == v.c.area)
    if chosen.who == "mine":
        where.append(v.c.assignee == user.username)
    elif chosen.who == "unclaimed":
        where.append(v.c.assignee.is_(None))
    keys: list[Any] = [case((v.c.assignee == user.username, 0), else_=1)]
    if sort == "case":
        keys.append(_folded(conn, func.coalesce(c.c.title, "")))
    elif sort == "task":
        keys.append(_folded(conn, func.coalesce(v.c.name, "")))
    elif sort == "area":
        keys.append(_folded(conn, func.coalesce(a.c.name, v.c.area, "")))
    elif sort == "created":
        keys.append(v.c.created_at)
    keys += [v.c.due_at.is_(None), v.c.due_at, v.c.created_at, v.c.id]
    return select(v.c.id).select_from(source).where(*where).order_by(*keys).limit(limit).offset(offset)


def _folded(conn: Connection, text: Any) -> Any:
    """``text`` case-folded for sorting, compared by code point as Python compares strings."""
    if conn.dialect.name == "postgresql":
        return func.lower(text).collate("C")
    return func.casefold(text)


def _tasks_by_id(conn: Connection, user: User, ids: list[str], now: Any) -> list[dict[str, Any]]:
    """The inbox's view of the tasks ``ids``, in that order."""
    if not ids:
        return []
    t = schema.tasks
    rows = {row.id: row for row in conn.execute(select(*(t.c[n] for n in TASK_VIEW_COLUMNS)).where(t.c.id.in_(ids)))}
    cases = _cases(conn, sorted({row.case_id for row in rows.values()}))
    return [_item(rows[i], cases[rows[i].case_id], user, now) for i in ids]


def _item(row: Any, case_row: tuple[str, str | None, str | None, str | None], user: User, now: Any) -> dict[str, Any]:
    title, area_id, area_name, handlaggare = case_row
    view = task_view(row)
    view.update(
        case_title=title,
        area=area_id,
        area_name=area_name or area_id or "",
        mine=row.assignee == user.username,
        handlaggare=handlaggare,
        overdue=row.due_at is not None and row.due_at < now,
    )
    return view
