"""The officials' inbox: open tasks for a user's roles with their case's title and area."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
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
        title, area_id, area_name, handlaggare = cases[row.case_id]
        view = task_view(row)
        view.update(
            case_title=title,
            area=area_id,
            area_name=area_name or area_id or "",
            mine=row.assignee == user.username,
            handlaggare=handlaggare,
            overdue=row.due_at is not None and row.due_at < now,
        )
        items.append(view)
    key = _SORT_KEYS.get(sort, _SORT_KEYS["due"])
    items.sort(key=lambda item: (not item["mine"], *key(item)))
    return items


_TASK_COLUMNS = ("id", "case_id", "element_id", "name", "role", "phase", "assignee", "due_at", "created_at", "state")
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
    counts: dict[str, Counter[str]] = {"area": Counter(), "phase": Counter(), "overdue": Counter(), "who": Counter()}
    for item in everything:
        if chosen.matches(item, skip="area"):
            counts["area"][item["area"] or ""] += 1
        if chosen.matches(item, skip="phase"):
            counts["phase"][item["phase"] or ""] += 1
        if chosen.matches(item, skip="overdue") and item["overdue"]:
            counts["overdue"]["true"] += 1
        if chosen.matches(item, skip="who"):
            counts["who"].update(w for w in WHO if _who(item, w))
            counts["who"][""] += 1
    items = [item for item in everything if chosen.matches(item)]
    return FilteredInbox(items, len(everything), counts)
